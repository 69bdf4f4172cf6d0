// Builds the site with `astro build` in throwaway copies of the project and checks what the
// learner gets: Korean pages, every <LabStep> rendered with its data attributes, the static
// fallback text, a build that fails loudly on a wrong step reference, and how much
// JavaScript a chapter ships before and after the terminal island loads.
// The real src/ is never modified: fixtures are written into the temporary copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { courseLabs as loadLabs } from '../../../chapters/index.ts';
import { inlineScriptHashes, readScriptHashes, SCRIPT_HASHES_FILE } from '../../../server/door/csp.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const astroBin = join(projectRoot, 'node_modules/astro/bin/astro.mjs');
const BUILD_TIMEOUT_MS = 240_000;

type Site = { root: string; dist: string; dispose(): void };

/** A copy of the project with `docs` as its only chapters (or the real ones when undefined). */
function makeSite(docs: Record<string, string> | undefined): Site {
  // Inside the checkout (test-results/ is git-ignored) so node_modules resolves by walking up,
  // like a hoisted monorepo; a copy in /tmp with a symlinked node_modules confuses Astro.
  mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
  const root = mkdtempSync(join(projectRoot, 'test-results', 'site-'));
  for (const entry of ['astro.config.mjs', 'tsconfig.json', 'package.json', 'chapters', 'server', 'src', 'public']) {
    const from = join(projectRoot, entry);
    if (existsSync(from)) cpSync(from, join(root, entry), { recursive: true });
  }
  if (docs) {
    const docsDir = join(root, 'src/content/docs');
    rmSync(docsDir, { recursive: true, force: true });
    mkdirSync(docsDir, { recursive: true });
    for (const [name, text] of Object.entries(docs)) writeFileSync(join(docsDir, name), text);
  }
  return { root, dist: join(root, 'dist'), dispose: () => rmSync(root, { recursive: true, force: true }) };
}

function build(site: Site): { status: number | null; output: string; seconds: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [astroBin, 'build', '--root', site.root], {
    cwd: site.root,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, seconds: (performance.now() - started) / 1000 };
}

const FIXTURE_PAGE = 'lab-fixture.mdx';

/** One page holding every lab and every step: all action kinds render at least once. */
function fixtureDocs(): Record<string, string> {
  const body = loadLabs().map((lab) => [
    `## ${lab.title}`,
    `<Lab id="${lab.id}" />`,
    ...lab.steps.map((step) => `<LabStep lab="${lab.id}" step="${step.id}" />`),
  ].join('\n\n'));
  return {
    'index.mdx': '---\ntitle: 시작\n---\n\n테스트용 첫 페이지입니다.\n',
    [FIXTURE_PAGE]: [
      '---',
      'title: 모든 실습',
      '---',
      "import Lab from '../../components/Lab.astro';",
      "import LabStep from '../../components/LabStep.astro';",
      '',
      ...body,
      '',
    ].join('\n'),
  };
}

function gzipBytes(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).byteLength;
}

/** A module and everything it imports statically (what loading it costs). */
function moduleClosure(dist: string, entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry) || !existsSync(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const match of text.matchAll(/(?:import|from)\s*["'`]([^"'`]+\.js)["'`]/g)) {
    const specifier = match[1]!;
    moduleClosure(dist, specifier.startsWith('/') ? join(dist, specifier) : resolve(dirname(entry), specifier), seen);
  }
  return seen;
}

function dynamicImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g)].map((m) => resolve(dirname(file), m[1]!));
}

test('the fixture site builds in Korean with every LabStep and a static fallback', { timeout: BUILD_TIMEOUT_MS + 30_000 }, (t) => {
  const site = makeSite(fixtureDocs());
  t.after(() => site.dispose());
  const result = build(site);
  assert.equal(result.status, 0, result.output.slice(-4000));
  t.diagnostic(`astro build (fixture site): ${result.seconds.toFixed(1)} s`);

  const page = readFileSync(join(site.dist, 'lab-fixture/index.html'), 'utf8');
  assert.match(page, /<html[^>]*\slang="ko"/);
  for (const lab of loadLabs()) {
    assert.match(page, new RegExp(`data-lab-root[^>]*|data-lab="${lab.id}"`), `lab ${lab.id}`);
    for (const step of lab.steps) {
      const card = new RegExp(`<div[^>]*data-lab="${lab.id}"[^>]*data-step="${step.id}"`);
      assert.match(page, card, `<LabStep lab="${lab.id}" step="${step.id}"> is missing`);
    }
  }
  assert.ok(page.includes('npm start'), 'static fallback names npm start');
  assert.ok(page.includes('실행·확인 버튼은 랩 서버에서 나타납니다'), 'per-step static line');
  // Without the lab server the buttons must not be there to press.
  assert.match(page, /class="lab-step-actions" data-lab-live hidden/);
  assert.match(page, /<kbd>Ctrl<\/kbd>\+<kbd>C<\/kbd>/, 'interrupt steps say Ctrl-C');

  // JavaScript budget: module scripts on the chapter page vs. the lazily imported island.
  const scripts = [...page.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => join(site.dist, m[1]!));
  const inline = [...page.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).filter((s) => s.trim() !== '');
  const upFront = new Set<string>();
  for (const script of scripts) moduleClosure(site.dist, script, upFront);
  const inlineBytes = inline.reduce((sum, text) => sum + gzipSync(text, { level: 9 }).byteLength, 0);
  const upFrontBytes = [...upFront].reduce((sum, file) => sum + gzipBytes(file), 0) + inlineBytes;
  const bootFiles = [...upFront].filter((file) => readFileSync(file, 'utf8').includes('/api/status'));
  assert.equal(bootFiles.length, 1, 'the boot script is on the page as one module');
  const bootBytes = [...moduleClosure(site.dist, bootFiles[0]!)].reduce((sum, file) => sum + gzipBytes(file), 0);
  const island = new Set<string>();
  for (const entry of dynamicImports(bootFiles[0]!)) moduleClosure(site.dist, entry, island);
  for (const file of upFront) island.delete(file);
  const islandBytes = [...island].reduce((sum, file) => sum + gzipBytes(file), 0);
  t.diagnostic(`chapter JS before the island, gzip: ${upFrontBytes} B in total, of which the lab boot script ${bootBytes} B`);
  t.diagnostic(`island chunk (lab-client + xterm + addons + xterm CSS), gzip: ${islandBytes} B`);
  assert.ok(island.size > 0 && islandBytes > 20_000, 'the island is a separate, lazily imported chunk');
  assert.ok(bootBytes < 3_000, 'the lab boot script stays tiny');
  for (const file of upFront) assert.ok(!readFileSync(file, 'utf8').includes('xterm'), `${file} must not carry xterm`);
  const pageCss = [...page.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => readFileSync(join(site.dist, m[1]!), 'utf8'));
  assert.ok(!pageCss.some((css) => css.includes('.xterm-helper-textarea')), 'xterm CSS ships with the island, not with every page');
});

test('a <LabStep> naming a step that does not exist fails the build and names it', { timeout: BUILD_TIMEOUT_MS + 30_000 }, (t) => {
  const site = makeSite({
    'index.mdx': '---\ntitle: 시작\n---\n\n첫 페이지.\n',
    'broken.mdx': [
      '---',
      'title: 잘못된 참조',
      '---',
      "import LabStep from '../../components/LabStep.astro';",
      '',
      '<LabStep lab="cluster-up" step="no-such-step" />',
      '',
    ].join('\n'),
  });
  t.after(() => site.dispose());
  const result = build(site);
  assert.notEqual(result.status, 0, 'build must fail');
  assert.ok(result.output.includes('<LabStep lab="cluster-up" step="no-such-step" />'), result.output.slice(-3000));
  assert.ok(result.output.includes('/broken/'), 'error names the page');
});

test('the real chapters build and render every <LabStep> they reference', { timeout: BUILD_TIMEOUT_MS + 30_000 }, (t) => {
  const site = makeSite(undefined);
  t.after(() => site.dispose());
  const result = build(site);
  assert.equal(result.status, 0, result.output.slice(-4000));
  t.diagnostic(`astro build (real chapters): ${result.seconds.toFixed(1)} s`);
  const docsDir = join(projectRoot, 'src/content/docs');
  for (const name of readdirSync(docsDir).filter((file) => /\.mdx?$/.test(file))) {
    const source = readFileSync(join(docsDir, name), 'utf8');
    const slug = name.replace(/\.mdx?$/, '');
    const html = readFileSync(join(site.dist, slug === 'index' ? 'index.html' : `${slug}/index.html`), 'utf8');
    assert.match(html, /<html[^>]*\slang="ko"/, name);
    for (const [, lab, step] of source.matchAll(/<LabStep\s+lab="([^"]+)"\s+step="([^"]+)"/g)) {
      assert.match(html, new RegExp(`data-lab="${lab}"[^>]*data-step="${step}"`), `${name}: <LabStep lab="${lab}" step="${step}">`);
    }
  }
  // The lab server's CSP has no 'unsafe-inline' scripts: every inline script the build wrote
  // must be among the hashes it recorded, and no page may rely on inline event handlers
  // (a hash cannot allow those).
  const allowed = new Set(readScriptHashes(site.dist));
  const pages = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : entry.name.endsWith('.html') ? [join(dir, entry.name)] : []);
  })(site.dist);
  for (const page of pages) {
    const html = readFileSync(page, 'utf8');
    for (const hash of inlineScriptHashes(html)) assert.ok(allowed.has(hash), `${page}: inline script ${hash} is not in ${SCRIPT_HASHES_FILE}`);
    assert.doesNotMatch(html, /<[a-z][^>]*\son[a-z]+\s*=/i, `${page}: an inline event handler`);
  }
  assert.ok(allowed.size > 0, 'the build recorded its inline scripts');
});
