// Which of the four page modes /api/status leads to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLabServer } from '../../../src/islands/server-mode.ts';
import { PROTOCOL_VERSION } from '../../../server/wire.ts';

const V = PROTOCOL_VERSION;

const reply = (status: number, body: string) => () => Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }));

test('200 {protocol: this version} means the lab server is here', async () => {
  assert.equal(await detectLabServer(reply(200, `{"protocol":${V}}`)), 'live');
});

test('401 means server present but no token', async () => {
  assert.equal(await detectLabServer(reply(401, '{}')), 'no-token');
});

test('another protocol number is a version mismatch', async () => {
  assert.equal(await detectLabServer(reply(200, `{"protocol":${V + 1}}`)), 'version-mismatch');
  assert.equal(await detectLabServer(reply(200, `{"protocol":${V - 1}}`)), 'version-mismatch');
});

test('anything else is static mode', async () => {
  assert.equal(await detectLabServer(reply(404, 'not found')), 'static');
  assert.equal(await detectLabServer(reply(200, '<html>')), 'static');
  assert.equal(await detectLabServer(reply(200, '{"ok":true}')), 'static');
  assert.equal(await detectLabServer(reply(500, '{"protocol":1}')), 'static');
  assert.equal(await detectLabServer(() => Promise.reject(new TypeError('fetch failed'))), 'static');
});

test('a live server also reports finished steps for the badges; junk entries are dropped', async () => {
  let seen: Record<string, string> = {};
  const mode = await detectLabServer(reply(200, `{"protocol":${V},"progress":{"topics/create":"passed","topics/describe":"failed","x/y":"running","__proto__":"passed"}}`), (p) => {
    seen = p;
  });
  assert.equal(mode, 'live');
  assert.deepEqual({ ...seen }, { 'topics/create': 'passed', 'topics/describe': 'failed' });
});
