// Site frame for the course: Starlight supplies navigation, Pagefind search, dark mode and
// code-copy buttons; this file only sets the Korean root locale and our lab styles. The
// output is a plain static site, so it also works without the lab server (labs degrade to
// copyable commands).
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { fileURLToPath } from 'node:url';
import { writeScriptHashes } from './server/door/csp.ts';

// Lab components read chapters/*/labs/*.yaml while pages are prerendered. Inside the bundled
// prerender chunk `import.meta.url` no longer points at chapters/, so the folder is handed over here.
const chaptersDirectory = fileURLToPath(new URL('./chapters/', import.meta.url));

export default defineConfig({
  vite: { define: { __UPBIT_CHAPTERS_DIR__: JSON.stringify(chaptersDirectory) } },
  integrations: [
    starlight({
      title: 'Upbit 실시간 파이프라인 실습',
      // Korean is the only language, served at the root (no /ko/ prefix in URLs).
      defaultLocale: 'root',
      locales: { root: { label: '한국어', lang: 'ko' } },
      // No `sidebar` key: Starlight then autogenerates it from src/content/docs, so a new
      // chapter appears without touching this file (order comes from `sidebar.order`).
      customCss: ['./src/styles/lab.css'],
      // The header's theme select also carries the presenter switch (larger, high-contrast terminals, no side navigation).
      components: { ThemeSelect: './src/components/PresenterThemeSelect.astro' },
    }),
    // @astrojs/mdx is added by Starlight itself (with `optimize`), so it is not listed here.
    {
      // The lab server's CSP allows only the inline scripts this build wrote (server/door/csp.ts).
      name: 'upbit-csp-script-hashes',
      hooks: {
        'astro:build:done': ({ dir, logger }) => {
          const hashes = writeScriptHashes(fileURLToPath(dir));
          logger.info(`CSP: ${hashes.length} inline script hash(es)`);
        },
      },
    },
  ],
});
