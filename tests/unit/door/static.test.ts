// Unit tests for the static path parser (server/door/static.ts): the part of the door that
// stands between a URL and the file system, so every known traversal spelling is listed here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentTypeFor, parseStaticPath } from '../../../server/door/static.ts';

test('plain paths become segments', () => {
  assert.deepEqual(parseStaticPath('/'), { ok: true, segments: [], directory: true });
  assert.deepEqual(parseStaticPath('/labs/cluster-up/'), { ok: true, segments: ['labs', 'cluster-up'], directory: true });
  assert.deepEqual(parseStaticPath('/_astro/a.js'), { ok: true, segments: ['_astro', 'a.js'], directory: false });
  assert.deepEqual(parseStaticPath('/%ED%95%9C%EA%B8%80.html'), { ok: true, segments: ['한글.html'], directory: false });
});

test('traversal and odd spellings are refused', () => {
  const refused = [
    '', 'index.html', '/..', '/../x', '/a/../../x', '/%2e%2e/x', '/%2E%2E/x', '/.%2e/x', '/..%2fx', '/a%2f..%2f..%2fx',
    '/a\\..\\x', '/%5c', '/x%00', '/x%0a', '//evil.example', '/a//b', '/%', '/%zz', '/./x', '/%2e/x',
  ];
  for (const path of refused) assert.deepEqual(parseStaticPath(path).ok, false, path);
  assert.deepEqual(parseStaticPath('/.env'), { ok: false, status: 404 });
  assert.deepEqual(parseStaticPath('/.git/config'), { ok: false, status: 404 });
});

test('content types follow the extension', () => {
  assert.equal(contentTypeFor('a/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeFor('a.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeFor('a.woff2'), 'font/woff2');
  assert.equal(contentTypeFor('pagefind/index/en.pf_index'), 'application/octet-stream');
});
