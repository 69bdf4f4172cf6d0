// The Streamable HTTP transport's guards, against the real server process: loopback only, a
// bearer token in a 0600 file, Host and Origin checks (DNS rebinding), a body limit. Needs
// no pipeline: every refusal happens before a tool runs; the allowed request lists tools.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { REPO_ROOT } from '../../server/paths.ts';
import { MCP_MAIN, tempDir } from '../helpers/mcp.ts';

const PORT = 18790;
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

function post(headers: Record<string, string>, body = LIST): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path: '/mcp', method: 'POST', setHost: false,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('MCP Streamable HTTP guards', { timeout: 120_000 }, () => {
  const state = tempDir('mcp-http-');
  let child: ChildProcess;
  let token = '';

  before(async () => {
    child = spawn(process.execPath, [MCP_MAIN, '--http', '--port', String(PORT)], { cwd: REPO_ROOT, env: { ...process.env, UPBIT_LAB_STATE_DIR: state.path }, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
      child.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (err.includes('Streamable HTTP on')) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${err}`)); });
    });
    token = readFileSync(join(state.path, 'mcp-token'), 'utf8').trim();
  });
  after(() => {
    child?.kill('SIGTERM');
    state.remove();
  });

  const host = `127.0.0.1:${PORT}`;
  it('keeps the token in a file only its owner can read', () => {
    assert.equal(statSync(join(state.path, 'mcp-token')).mode & 0o777, 0o600);
    assert.ok(token.length >= 32);
  });
  it('refuses a request without a token (401)', async () => assert.equal((await post({ host })).status, 401));
  it('refuses a wrong token (401)', async () => assert.equal((await post({ host, authorization: `Bearer ${'x'.repeat(token.length)}` })).status, 401));
  it('refuses a foreign Host even with the token (403, DNS rebinding)', async () =>
    assert.equal((await post({ host: `evil.example:${PORT}`, authorization: `Bearer ${token}` })).status, 403));
  it('refuses a foreign Origin even with the token (403)', async () =>
    assert.equal((await post({ host, origin: 'http://evil.example', authorization: `Bearer ${token}` })).status, 403));
  it('refuses a body over the limit (413)', async () =>
    assert.equal((await post({ host, authorization: `Bearer ${token}` }, JSON.stringify({ pad: 'x'.repeat(300_000) }))).status, 413));
  it('serves tools/list to a client with the token', async () => {
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${PORT}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      assert.equal((await client.listTools()).tools.length, 6);
      const bad = await client.callTool({ name: 'candles', arguments: { market: 'KRW-BTC', from: 'now', to: 'now-1h' } });
      assert.equal(bad.isError, true);
    } finally {
      await client.close();
    }
  });
  it('listens on loopback only', async () => {
    const { networkInterfaces } = await import('node:os');
    const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return; // a machine with no external address has nothing to prove here
    await assert.rejects(fetch(`http://${external.address}:${PORT}/mcp`, { method: 'POST', signal: AbortSignal.timeout(3000) }));
  });
});
