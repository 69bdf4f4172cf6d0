// Streamable HTTP for MCP clients that do not launch the server themselves. Loopback only,
// and still guarded: a bearer token (random per start, in .lab-state/mcp-token, mode 0600),
// Host and Origin checks against DNS rebinding (a web page in the learner's browser must not
// be able to call these tools), a body size limit, and stateless requests (a fresh MCP server
// per request, so nothing leaks between callers).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createServer as createMcpServer } from './server.ts';
import type { ToolDeps } from './tools/common.ts';

export const MAX_BODY_BYTES = 256 * 1024;
export const HOST = '127.0.0.1';

export interface HttpOptions {
  port: number;
  token: string;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the token where the learner (and tests) can read it; only the owner may. */
export function saveToken(stateDir: string, token: string): string {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, 'mcp-token');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** Why a request is refused before it reaches MCP, or null when it may pass. */
export function gate(req: IncomingMessage, port: number, token: string): { status: number; message: string } | null {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  if (!allowedHosts.has(String(req.headers.host ?? ''))) return { status: 403, message: 'Host not allowed / 허용되지 않은 Host' };
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
    return { status: 403, message: 'Origin not allowed / 허용되지 않은 Origin' };
  }
  const auth = String(req.headers.authorization ?? '');
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(auth);
  if (!match || !sameSecret(match[1]!, token)) return { status: 401, message: 'Missing or wrong bearer token / 토큰이 없거나 틀렸습니다' };
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return { status: 404, message: 'Not found: the endpoint is /mcp' };
  if (req.method !== 'POST') return { status: 405, message: 'Method not allowed: stateless server, POST only' };
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) return { status: 413, message: `Body larger than ${MAX_BODY_BYTES} bytes` };
  return null;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startHttp(deps: ToolDeps, options: HttpOptions, log: (line: string) => void): Promise<Server> {
  const http = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`http: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) refuse(res, 500, 'Internal error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = gate(req, options.port, options.token);
    if (refusal) {
      refuse(res, refusal.status, refusal.message);
      req.resume();
      return;
    }
    const raw = await readBody(req);
    if (raw === null) return refuse(res, 413, `Body larger than ${MAX_BODY_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return refuse(res, 400, 'Body is not JSON');
    }
    const server = createMcpServer(deps);
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  http.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, HOST, () => resolve());
  });
  return http;
}
