// The site's CSP in a real browser (no Docker needed): the built pages' own inline scripts run
// without a single CSP refusal, and a script injected into a page (not hashed by the build)
// is refused. The door serves a copy of dist/ so the injection never touches the real build.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDoor, type Door } from '../../server/door.ts';
import { SCRIPT_HASHES_FILE } from '../../server/door/csp.ts';
import { launchBrowser, REPO_ROOT, type BrowserSession } from '../../tools/harness.ts';
import { tempDir } from '../helpers/temp.ts';

const TOKEN = randomBytes(32).toString('base64url');
const DIST = join(REPO_ROOT, 'dist');
let door: Door;
let session: BrowserSession;

before(async () => {
  if (!existsSync(join(DIST, SCRIPT_HASHES_FILE))) {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout.slice(-2000));
  }
  const site = tempDir('csp-site');
  cpSync(DIST, site, { recursive: true });
  // The attack: a page carrying one more inline script than the build hashed.
  const page = join(site, 'index.html');
  cpSync(join(site, '01-series'), join(site, 'injected'), { recursive: true });
  writeFileSync(join(site, 'injected', 'index.html'), readFileSync(page, 'utf8').replace('</head>', '<script>window.__injected = true</script></head>'));
  door = await startDoor({ port: 0, token: TOKEN, siteDir: site, onSocket: (socket) => socket.close() });
  session = await launchBrowser();
  // Added by the browser itself (not an inline script of the page), so CSP does not apply to it.
  await session.context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
});
after(async () => {
  await session?.dispose();
  await door?.close();
});

/** Loads `path` and returns the CSP violations the page itself saw (securitypolicyviolation events). */
async function refusalsOn(path: string): Promise<string[]> {
  await session.page.goto(`${door.url}${path.replace(/^\//, '')}`, { waitUntil: 'load' });
  await session.page.waitForTimeout(300);
  return session.page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

test('the built pages run their own inline scripts with no CSP refusal', async () => {
  const refusals = await refusalsOn('/');
  assert.match(await session.page.title(), /Upbit/, 'the real start page was served');
  assert.ok(await session.page.locator('script:not([src])').count() > 0, 'the page has inline scripts to allow');
  assert.deepEqual(refusals, []);
  const csp = await session.page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy') ?? '');
  assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp), csp);
});

test('an injected inline script is refused', async () => {
  const refusals = await refusalsOn('/injected/');
  const served = await session.page.evaluate(async () => (await fetch(location.href)).text());
  assert.match(served, /window\.__injected = true/, `the injected page was served: ${session.page.url()} ${served.slice(0, 200)}`);
  assert.equal(await session.page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected), undefined);
  assert.ok(refusals.some((text) => /^script-src/.test(text) && / inline$/.test(text)), refusals.join('\n') || 'no refusal reported');
});
