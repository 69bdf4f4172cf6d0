// The presenter switch in a real browser (no Docker): the built site behind the lab server's
// own door, so its CSP applies. Turning it on hides the side navigation; a reload keeps it;
// turning it off brings the navigation back and forgets it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startDoor, type Door } from '../../server/door.ts';
import { SCRIPT_HASHES_FILE } from '../../server/door/csp.ts';
import { launchBrowser, REPO_ROOT, screenshotPath, type BrowserSession } from '../../tools/harness.ts';

const DIST = join(REPO_ROOT, 'dist');
let door: Door;
let session: BrowserSession;

before(async () => {
  if (!existsSync(join(DIST, SCRIPT_HASHES_FILE))) {
    const build = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout.slice(-2000));
  }
  door = await startDoor({ port: 0, token: randomBytes(32).toString('base64url'), siteDir: DIST, onSocket: (socket) => socket.close() });
  session = await launchBrowser();
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

test('presenter mode hides the side navigation and survives a reload', async () => {
  const page = session.page;
  await page.goto(`${door.url}02-kafka-kraft/`);
  const toggle = page.locator('[data-presenter-toggle]').first();
  const sidebar = page.locator('.sidebar-pane');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.ok(await sidebar.isVisible(), 'the side navigation shows by default (1280 px wide)');

  await toggle.click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset['presenter']), 'on');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.equal(await sidebar.isVisible(), false);
  await page.screenshot({ path: screenshotPath('presenter-on') });

  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset['presenter']), 'on', 'remembered across the reload');
  assert.equal(await page.locator('[data-presenter-toggle]').first().getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('.sidebar-pane').isVisible(), false);

  await page.locator('[data-presenter-toggle]').first().click();
  assert.ok(await page.locator('.sidebar-pane').isVisible());
  assert.equal(await page.evaluate(() => localStorage.getItem('upbit-lab:presenter')), null);
  await page.reload();
  assert.equal(await page.evaluate(() => document.documentElement.dataset['presenter'] ?? null), null);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
});
