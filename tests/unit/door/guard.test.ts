// Unit tests for the door's pure access rules (server/door/guard.ts): each rule is easier to
// reason about, and to break on purpose, without a server in the way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildAllowlist,
  createTokenCheck,
  hasValidToken,
  isAllowedHost,
  isAllowedOrigin,
  isWellFormedToken,
  offersSubprotocol,
  readCookieValues,
  sessionCookie,
} from '../../../server/door/guard.ts';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz_-0123456789';

test('Host allowlist names only loopback with our port', () => {
  const allow = buildAllowlist(4800);
  for (const host of ['127.0.0.1:4800', 'localhost:4800', '[::1]:4800', 'LocalHost:4800']) assert.ok(isAllowedHost(allow, host), host);
  for (const host of [undefined, '', '127.0.0.1', '127.0.0.1:4801', 'evil.example:4800', '[::1]', '::1:4800', '127.0.0.1:4800 ', '127.0.0.1:04800']) {
    assert.ok(!isAllowedHost(allow, host), String(host));
  }
});

test('extra host names extend both lists for remote setups', () => {
  const allow = buildAllowlist(4800, ['192.168.0.10']);
  assert.ok(isAllowedHost(allow, '192.168.0.10:4800'));
  assert.ok(isAllowedOrigin(allow, 'http://192.168.0.10:4800'));
  assert.ok(isAllowedHost(allow, 'localhost:4800'));
});

test('Origin must match exactly', () => {
  const allow = buildAllowlist(4800);
  for (const origin of ['http://127.0.0.1:4800', 'http://localhost:4800', 'http://[::1]:4800']) assert.ok(isAllowedOrigin(allow, origin), origin);
  for (const origin of [
    undefined, 'null', '', 'https://127.0.0.1:4800', 'http://127.0.0.1:4801', 'http://127.0.0.1', 'http://127.0.0.1:4800/',
    'http://evil.example:4800', 'ws://127.0.0.1:4800', 'HTTP://127.0.0.1:4800',
  ]) {
    assert.ok(!isAllowedOrigin(allow, origin), String(origin));
  }
});

test('tokens must carry at least 128 bits of base64url', () => {
  assert.ok(isWellFormedToken('a'.repeat(22)));
  assert.ok(isWellFormedToken(TOKEN));
  for (const token of ['', 'a'.repeat(21), `${'a'.repeat(30)}=`, `${'a'.repeat(30)}+/`, `${'a'.repeat(30)} `]) assert.ok(!isWellFormedToken(token), token);
});

test('the token check accepts only the exact token, whatever the candidate length', () => {
  const check = createTokenCheck(TOKEN);
  assert.ok(check(TOKEN));
  for (const candidate of [undefined, '', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), 'x'.repeat(10_000)]) {
    assert.ok(!check(candidate), String(candidate).slice(0, 20));
  }
});

test('cookies: every value of our name is found', () => {
  assert.deepEqual(readCookieValues(undefined, 'upbit_lab'), []);
  assert.deepEqual(readCookieValues('a=1; upbit_lab=x; b; upbit_lab=y;upbit_lab_other=z', 'upbit_lab'), ['x', 'y']);
  assert.equal(sessionCookie(TOKEN, 4800), `upbit_lab_4800=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
});

test('a request is authorized by cookie or query', () => {
  const check = createTokenCheck(TOKEN);
  assert.ok(hasValidToken(check, `upbit_lab_4800=${TOKEN}`, null, 4800));
  assert.ok(hasValidToken(check, undefined, TOKEN, 4800));
  assert.ok(hasValidToken(check, `upbit_lab_4800=old; upbit_lab_4800=${TOKEN}`, 'wrong', 4800));
  assert.ok(!hasValidToken(check, 'upbit_lab_4800=wrong', null, 4800));
  assert.ok(!hasValidToken(check, `other=${TOKEN}`, '', 4800));
  // Another port's cookie (a second lab server on this machine) is not ours, even with the right value.
  assert.ok(!hasValidToken(check, `upbit_lab_4801=${TOKEN}`, null, 4800));
  assert.ok(!hasValidToken(check, `upbit_lab=${TOKEN}`, null, 4800));
});

test('the subprotocol must be offered exactly', () => {
  assert.ok(offersSubprotocol('upbit-lab.v1', 'upbit-lab.v1'));
  assert.ok(offersSubprotocol('chat, upbit-lab.v1', 'upbit-lab.v1'));
  for (const header of [undefined, '', 'upbit-lab.v2', 'upbit-lab.v10', 'xupbit-lab.v1']) assert.ok(!offersSubprotocol(header, 'upbit-lab.v1'), String(header));
});
