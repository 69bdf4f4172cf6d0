// The site's CSP allows the build's own inline scripts by hash and nothing else inline:
// hashing picks executable inline scripts only, and an injected script's hash is not allowed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { contentSecurityPolicy, inlineScriptHashes, readScriptHashes, SCRIPT_HASHES_FILE, writeScriptHashes } from '../../../server/door/csp.ts';
import { tempDir } from '../../helpers/temp.ts';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

test('only inline executable scripts are hashed, exactly as written', () => {
  const html = `<script>a()</script><script type="module">b()</script><script src="/x.js"></script>
<script type="application/json">{"c":1}</script><SCRIPT type='text/javascript'>d()</SCRIPT>`;
  assert.deepEqual(inlineScriptHashes(html), [sha('a()'), sha('b()'), sha('d()')]);
});

test("script-src has no unsafe-inline, only the build's hashes", () => {
  const policy = contentSecurityPolicy([sha('a()')]);
  const scriptSrc = policy.split('; ').find((directive) => directive.startsWith('script-src '))!;
  assert.equal(scriptSrc, `script-src 'self' ${sha('a()')} 'wasm-unsafe-eval'`);
  assert.ok(!scriptSrc.includes("'unsafe-inline'"));
  // An injected script is refused: its hash is not in the policy.
  assert.ok(!policy.includes(sha('fetch("/api/status").then(steal)')));
});

test('the build writes the hashes of every page; the door reads them back, ignoring junk', (t) => {
  const site = tempDir('csp-site', t.after.bind(t));
  writeFileSync(join(site, 'index.html'), '<script>one()</script>');
  writeFileSync(join(site, 'other.html'), '<script>two()</script><script>one()</script>');
  assert.deepEqual(writeScriptHashes(site), [sha('one()'), sha('two()')].sort());
  assert.deepEqual(readScriptHashes(site), [sha('one()'), sha('two()')].sort());
  writeFileSync(join(site, SCRIPT_HASHES_FILE), JSON.stringify(["'unsafe-inline'", sha('one()'), 42]));
  assert.deepEqual(readScriptHashes(site), [sha('one()')], 'only sha256 sources pass');
  assert.deepEqual(readScriptHashes(tempDir('empty', t.after.bind(t))), [], 'no file: no inline script');
});
