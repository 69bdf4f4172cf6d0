// The HTTP transport's gate as a pure function: every refusal and the one way through.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { gate, MAX_BODY_BYTES } from '../../../chapters/05-mcp/server/http.ts';

const token = 'a'.repeat(43);
const req = (headers: Record<string, string>, method = 'POST', url = '/mcp') => ({ headers, method, url }) as unknown as IncomingMessage;
const good = { host: '127.0.0.1:8790', authorization: `Bearer ${token}` };

describe('MCP HTTP gate', () => {
  it('lets a loopback request with the token through', () => assert.equal(gate(req(good), 8790, token), null));
  it('accepts localhost and a same-origin Origin', () => assert.equal(gate(req({ ...good, host: 'localhost:8790', origin: 'http://localhost:8790' }), 8790, token), null));
  it('refuses foreign hosts, origins, tokens, paths, methods and big bodies', () => {
    assert.equal(gate(req({ ...good, host: 'evil.example:8790' }), 8790, token)?.status, 403);
    assert.equal(gate(req({ ...good, host: '127.0.0.1:9999' }), 8790, token)?.status, 403);
    assert.equal(gate(req({ ...good, origin: 'https://evil.example' }), 8790, token)?.status, 403);
    assert.equal(gate(req({ ...good, origin: 'null' }), 8790, token)?.status, 403);
    assert.equal(gate(req({ host: good.host }), 8790, token)?.status, 401);
    assert.equal(gate(req({ ...good, authorization: `Bearer ${'b'.repeat(43)}` }), 8790, token)?.status, 401);
    assert.equal(gate(req({ ...good, authorization: token }), 8790, token)?.status, 401);
    assert.equal(gate(req(good, 'POST', '/other'), 8790, token)?.status, 404);
    assert.equal(gate(req(good, 'GET'), 8790, token)?.status, 405);
    assert.equal(gate(req({ ...good, 'content-length': String(MAX_BODY_BYTES + 1) }), 8790, token)?.status, 413);
  });
});
