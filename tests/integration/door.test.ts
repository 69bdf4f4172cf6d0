// The front door is the boundary between any web page the learner visits and a shell on their
// laptop, so every rule it enforces is proven here against a real server on an ephemeral port,
// with raw TCP requests (no client-side normalization) and a real `ws` client. Each abuse case
// asserts both the refusal and that the server still answers /api/status afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { type Door, type DoorOptions, type LabSocket, startDoor } from '../../server/door.ts';
import { cookieName } from '../../server/door/guard.ts';
import { LabError } from '../../server/errors.ts';
import {
  encodeTerminalFrame,
  MAX_FRAME_BYTES,
  MAX_INPUT_BYTES,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
} from '../../server/wire.ts';

const TOKEN = 'T0k3n_for-tests_abcdefghijklmnopqrstuvwxyz012345';
const SECRET = 'top-secret-outside-the-site';
const BUILD_SCRIPT_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";

interface RawResponse {
  status: number;
  headers: Map<string, string[]>;
  body: string;
}

function header(response: RawResponse, name: string): string | undefined {
  return response.headers.get(name.toLowerCase())?.[0];
}

/** Sends bytes exactly as given and reads until the server closes the connection. */
function rawExchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after a complete answer still counts as an answer.
      if (error.code === 'ECONNRESET') resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(error);
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5_000, () => socket.destroy(new Error('raw exchange timed out')));
    socket.write(bytes);
  });
}

function parseRaw(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: split < 0 ? '' : text.slice(split + 4) };
}

interface RequestSpec {
  method?: string;
  path: string;
  /** undefined = the allowed 127.0.0.1:PORT; null = no Host header at all. */
  host?: string | null;
  headers?: Record<string, string>;
  version?: string;
}

async function request(port: number, spec: RequestSpec): Promise<RawResponse> {
  const host = spec.host === undefined ? `127.0.0.1:${port}` : spec.host;
  const lines = [`${spec.method ?? 'GET'} ${spec.path} ${spec.version ?? 'HTTP/1.1'}`];
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(spec.headers ?? {})) lines.push(`${name}: ${value}`);
  lines.push('Connection: close');
  return parseRaw(await rawExchange(port, `${lines.join('\r\n')}\r\n\r\n`));
}

async function assertAlive(door: Door): Promise<void> {
  const response = await request(door.port, { path: `/api/status?token=${TOKEN}` });
  assert.equal(response.status, 200, 'server must still answer /api/status');
}

type ConnectResult = { kind: 'open'; ws: WebSocket } | { kind: 'refused'; status: number | undefined };

interface ConnectSpec {
  origin?: string | null;
  cookie?: string;
  query?: string;
  protocols?: string[];
  host?: string;
  path?: string;
  autoPong?: boolean;
}

function wsConnect(port: number, spec: ConnectSpec = {}): Promise<ConnectResult> {
  const origin = spec.origin === undefined ? `http://127.0.0.1:${port}` : spec.origin;
  const query = spec.query ?? `?token=${TOKEN}`;
  const headers: Record<string, string> = {};
  if (origin !== null) headers['Origin'] = origin;
  if (spec.cookie !== undefined) headers['Cookie'] = spec.cookie;
  if (spec.host !== undefined) headers['Host'] = spec.host;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${spec.path ?? '/ws'}${query}`, spec.protocols ?? [SUBPROTOCOL], {
    headers,
    autoPong: spec.autoPong ?? true,
  });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ kind: 'open', ws }));
    ws.once('unexpected-response', (_request, response) => {
      resolve({ kind: 'refused', status: response.statusCode });
      response.resume();
      ws.terminate();
    });
    ws.once('error', () => resolve({ kind: 'refused', status: undefined }));
  });
}

async function openSocket(port: number, spec: ConnectSpec = {}): Promise<WebSocket> {
  const result = await wsConnect(port, spec);
  assert.equal(result.kind, 'open', 'expected the upgrade to be accepted');
  return (result as { ws: WebSocket }).ws;
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve({ code: -1, reason: 'already closed' });
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })));
}

const logLines: string[] = [];
let accepted: LabSocket[] = [];
let closedSockets = 0;

function echoOnSocket(socket: LabSocket): void {
  accepted.push(socket);
  socket.onMessage((message) => socket.sendJson({ type: 'error', code: 'echo', message: JSON.stringify(message) }));
  socket.onBinary((slot, payload) => socket.sendBinary(encodeTerminalFrame(slot, payload)));
  socket.onClose(() => {
    closedSockets += 1;
  });
}

let workDir = '';
let siteDir = '';

async function makeSite(): Promise<void> {
  workDir = await mkdtemp(join(tmpdir(), 'door-test-'));
  siteDir = join(workDir, 'dist');
  await mkdir(join(siteDir, 'labs', 'cluster-up'), { recursive: true });
  await mkdir(join(siteDir, '_astro'), { recursive: true });
  await writeFile(join(siteDir, 'index.html'), '<!doctype html><title>홈</title>home');
  await writeFile(join(siteDir, '404.html'), '<!doctype html><title>404</title>custom-not-found');
  await writeFile(join(siteDir, 'labs', 'cluster-up', 'index.html'), 'lab page');
  await writeFile(join(siteDir, '_astro', 'app.abc123.js'), 'console.log(1)');
  await writeFile(join(siteDir, '_astro', 'style.abc123.css'), 'body{}');
  await writeFile(join(siteDir, 'favicon.svg'), '<svg/>');
  // What the build records for its inline scripts (server/door/csp.ts).
  await writeFile(join(siteDir, 'csp-script-hashes.json'), JSON.stringify([BUILD_SCRIPT_HASH]));
  await writeFile(join(siteDir, '.env'), SECRET);
  await writeFile(join(workDir, 'secret.txt'), SECRET);
  await symlink(join(workDir, 'secret.txt'), join(siteDir, 'escape.txt'));
}

function startTestDoor(overrides: Partial<DoorOptions> = {}): Promise<Door> {
  return startDoor({
    port: 0,
    token: TOKEN,
    siteDir,
    onSocket: echoOnSocket,
    status: () => ({ labs: 7 }),
    log: (line) => logLines.push(line),
    ...overrides,
  });
}

before(makeSite);
after(async () => {
  await rm(workDir, { recursive: true, force: true });
  assert.ok(logLines.length > 0, 'the door should have logged refusals');
  for (const line of logLines) {
    assert.ok(!line.includes(TOKEN), `token leaked into log: ${line}`);
    // '[token]' is the redaction safety net; the door itself should never even try to log it.
    assert.ok(!line.includes('[token]'), `door tried to log the token: ${line}`);
  }
});

describe('listening', () => {
  test('binds only the given host and reports its port', async () => {
    const door = await startTestDoor();
    try {
      assert.equal(door.url, `http://127.0.0.1:${door.port}/`);
      assert.equal(door.openUrl, `http://127.0.0.1:${door.port}/?token=${TOKEN}`);
      const ipv6 = await new Promise<string>((resolve) => {
        const socket = connect({ host: '::1', port: door.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      assert.notEqual(ipv6, 'connected', 'must not be reachable on ::1 when bound to 127.0.0.1');
      await assertAlive(door);
    } finally {
      await door.close();
    }
  });

  test('a taken port becomes one LabError naming the port and LAB_PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await assert.rejects(startTestDoor({ port }), (error: unknown) => {
        assert.ok(error instanceof LabError);
        assert.equal(error.code, 'port-in-use');
        assert.ok(error.message.includes(String(port)), error.message);
        assert.ok(error.message.includes('LAB_PORT=4801 npm start'), error.message);
        assert.equal(typeof error.hint, 'string');
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('a token shorter than 128 bits is refused at start', async () => {
    await assert.rejects(startTestDoor({ token: 'short' }), (error: unknown) => error instanceof LabError && error.code === 'weak-token');
  });
});

describe('the running door', () => {
  let door: Door;
  let port = 0;
  before(async () => {
    door = await startTestDoor();
    port = door.port;
  });
  after(() => door.close());

  describe('Host allowlist', () => {
    test('127.0.0.1, localhost and [::1] with our port are allowed', async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
        const response = await request(port, { path: `/api/status?token=${TOKEN}`, host });
        assert.equal(response.status, 200, host);
      }
    });

    test('other names, wrong ports and a missing Host get 403', async () => {
      const hosts: Array<string | null> = [
        `evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', 'localhost', `127.0.0.2:${port}`,
        `localhost.evil.example:${port}`, `0.0.0.0:${port}`, '', null,
      ];
      for (const host of hosts) {
        const response = await request(port, { path: `/api/status?token=${TOKEN}`, host });
        assert.equal(response.status, 403, `host ${String(host)}`);
        assert.ok(!response.body.includes('"protocol"'));
      }
      const http10 = await request(port, { path: `/api/status?token=${TOKEN}`, host: null, version: 'HTTP/1.0' });
      assert.equal(http10.status, 403);
      await assertAlive(door);
    });

    test('an upgrade with a foreign Host is refused before onSocket', async () => {
      const acceptedBefore = accepted.length;
      for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`]) {
        const result = await wsConnect(port, { host, origin: `http://${host}` });
        assert.deepEqual(result, { kind: 'refused', status: 403 });
      }
      assert.equal(accepted.length, acceptedBefore);
      await assertAlive(door);
    });
  });

  describe('token', () => {
    test('GET /?token= sets an HttpOnly SameSite=Strict cookie and redirects to /', async () => {
      const response = await request(port, { path: `/?token=${TOKEN}` });
      assert.equal(response.status, 302);
      assert.equal(header(response, 'location'), '/');
      assert.equal(header(response, 'set-cookie'), `${cookieName(port)}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    });

    test('two lab servers side by side each keep their own cookie in one browser', async () => {
      // Browsers scope cookies by host, not port: one jar, keyed by cookie name, serves both.
      const otherToken = randomBytes(32).toString('base64url');
      const other = await startTestDoor({ token: otherToken });
      try {
        const jar = new Map<string, string>();
        for (const [serverPort, token] of [[port, TOKEN], [other.port, otherToken]] as const) {
          const response = await request(serverPort, { path: `/?token=${token}` });
          const [pair = ''] = (header(response, 'set-cookie') ?? '').split(';');
          const separator = pair.indexOf('=');
          jar.set(pair.slice(0, separator), pair.slice(separator + 1));
        }
        assert.equal(jar.size, 2, `the second server must not overwrite the first one's cookie: ${[...jar.keys()].join(', ')}`);
        const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
        assert.equal((await request(port, { path: '/api/status', headers: { Cookie: cookie } })).status, 200);
        assert.equal((await request(other.port, { path: '/api/status', headers: { Cookie: cookie } })).status, 200);
        // Each server reads only the cookie named for its port: the other's token is not ours.
        const foreign = `${cookieName(other.port)}=${otherToken}`;
        assert.equal((await request(port, { path: '/api/status', headers: { Cookie: foreign } })).status, 401);
      } finally {
        await other.close();
      }
    });

    test('the redirect keeps a page path but never leaves our origin', async () => {
      const deep = await request(port, { path: `/labs/cluster-up/?token=${TOKEN}` });
      assert.equal(header(deep, 'location'), '/labs/cluster-up/');
      const sneaky = await request(port, { path: `//evil.example/?token=${TOKEN}` });
      assert.equal(sneaky.status, 302);
      assert.equal(header(sneaky, 'location'), '/');
    });

    test('a wrong token sets no cookie', async () => {
      const response = await request(port, { path: '/?token=wrong' });
      assert.equal(response.status, 401);
      assert.equal(header(response, 'set-cookie'), undefined);
    });

    test('/api/status needs the cookie or ?token=', async () => {
      const withCookie = await request(port, { path: '/api/status', headers: { Cookie: `other=1; ${cookieName(port)}=${TOKEN}` } });
      assert.equal(withCookie.status, 200);
      assert.match(header(withCookie, 'content-type') ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(withCookie.body), { labs: 7, protocol: PROTOCOL_VERSION });
      // A stale duplicate of our own cookie beside the right one.
      const twoCookies = await request(port, { path: '/api/status', headers: { Cookie: `${cookieName(port)}=stale; ${cookieName(port)}=${TOKEN}` } });
      assert.equal(twoCookies.status, 200);
      assert.equal((await request(port, { path: `/api/status?token=${TOKEN}` })).status, 200);

      for (const spec of [
        { path: '/api/status' },
        { path: '/api/status?token=wrong' },
        { path: `/api/status?token=${TOKEN.slice(0, -1)}` },
        { path: '/api/status', headers: { Cookie: `${cookieName(port)}=wrong` } },
        // The cookie name of the server before the port change: not ours any more.
        { path: '/api/status', headers: { Cookie: `upbit_lab=${TOKEN}` } },
        { path: '/api/status', headers: { Authorization: `Bearer ${TOKEN}` } },
      ]) {
        const refused = await request(port, spec);
        assert.equal(refused.status, 401, spec.path);
        assert.equal(JSON.parse(refused.body).error, 'unauthorized');
      }
    });

    test('/ws needs the token by cookie or query', async () => {
      const acceptedBefore = accepted.length;
      assert.deepEqual(await wsConnect(port, { query: '' }), { kind: 'refused', status: 401 });
      assert.deepEqual(await wsConnect(port, { query: '?token=wrong' }), { kind: 'refused', status: 401 });
      assert.deepEqual(await wsConnect(port, { query: '', cookie: `${cookieName(port)}=wrong` }), { kind: 'refused', status: 401 });
      assert.equal(accepted.length, acceptedBefore);

      const byQuery = await openSocket(port);
      const byCookie = await openSocket(port, { query: '', cookie: `${cookieName(port)}=${TOKEN}` });
      assert.equal(accepted.length, acceptedBefore + 2);
      byQuery.close();
      byCookie.close();
      await Promise.all([closeOf(byQuery), closeOf(byCookie)]);
      await assertAlive(door);
    });
  });

  describe('Origin', () => {
    test('missing, null, other port, other host and other scheme are refused', async () => {
      const acceptedBefore = accepted.length;
      const origins: Array<string | null> = [
        null, 'null', `http://127.0.0.1:${port + 1}`, 'http://127.0.0.1', `http://evil.example:${port}`,
        `https://127.0.0.1:${port}`, `http://127.0.0.1:${port}.evil.example`, `http://127.0.0.1:${port}/`, 'file://',
      ];
      for (const origin of origins) {
        assert.deepEqual(await wsConnect(port, { origin }), { kind: 'refused', status: 403 }, `origin ${String(origin)}`);
      }
      assert.equal(accepted.length, acceptedBefore);
      await assertAlive(door);
    });

    test('our own three origins are accepted', async () => {
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
        const ws = await openSocket(port, { origin });
        ws.close();
        await closeOf(ws);
      }
    });
  });

  describe('subprotocol', () => {
    test('an upgrade that does not offer our subprotocol is refused', async () => {
      const acceptedBefore = accepted.length;
      for (const protocols of [[], ['upbit-lab.v0'], ['chat', 'upbit-lab']]) {
        assert.deepEqual(await wsConnect(port, { protocols }), { kind: 'refused', status: 400 }, protocols.join(','));
      }
      assert.equal(accepted.length, acceptedBefore);
      await assertAlive(door);
    });

    test('our subprotocol is negotiated even among others', async () => {
      const ws = await openSocket(port, { protocols: ['chat', SUBPROTOCOL] });
      assert.equal(ws.protocol, SUBPROTOCOL);
      ws.close();
      await closeOf(ws);
    });
  });

  describe('headers', () => {
    const required: Record<string, RegExp> = {
      'content-security-policy': /frame-ancestors 'none'/,
      'x-content-type-options': /^nosniff$/,
      'referrer-policy': /^no-referrer$/,
      'cross-origin-opener-policy': /^same-origin$/,
      'x-frame-options': /^DENY$/,
    };

    test('every kind of response carries the security headers and no CORS', async () => {
      const responses = await Promise.all([
        request(port, { path: '/' }),
        request(port, { path: `/?token=${TOKEN}` }),
        request(port, { path: '/api/status' }),
        request(port, { path: `/api/status?token=${TOKEN}`, headers: { Origin: 'http://evil.example' } }),
        request(port, { path: '/', host: 'evil.example' }),
        request(port, { path: '/missing' }),
        request(port, { path: '/%2e%2e/secret.txt' }),
        request(port, { path: '/', method: 'POST' }),
        request(port, { path: '/ws' }),
      ]);
      for (const response of responses) {
        for (const [name, pattern] of Object.entries(required)) {
          assert.match(header(response, name) ?? '', pattern, `${name} on ${response.status}`);
        }
        for (const name of response.headers.keys()) assert.ok(!name.startsWith('access-control-'), `${name} on ${response.status}`);
      }
      const csp = header(responses[0]!, 'content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "connect-src 'self'", "img-src 'self' data:", "object-src 'none'", "base-uri 'none'"]) {
        assert.ok(csp.includes(directive), directive);
      }
      // Inline scripts: the build's hashes only; an injected one has no hash here and is refused.
      assert.ok(csp.includes(`script-src 'self' ${BUILD_SCRIPT_HASH} 'wasm-unsafe-eval'`), csp);
      assert.ok(!/script-src[^;]*'unsafe-inline'/.test(csp), csp);
    });

    test('OPTIONS (a CORS preflight) gets 405 without CORS headers', async () => {
      const response = await request(port, {
        method: 'OPTIONS',
        path: '/api/status',
        headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' },
      });
      assert.equal(response.status, 405);
      for (const name of response.headers.keys()) assert.ok(!name.startsWith('access-control-'));
    });

    test('refused upgrades carry the security headers too', async () => {
      const raw = parseRaw(await rawExchange(port, [
        'GET /ws HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
        'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Origin: http://evil.example', '', '',
      ].join('\r\n')));
      assert.equal(raw.status, 403);
      assert.equal(header(raw, 'x-frame-options'), 'DENY');
    });
  });

  describe('static files', () => {
    test('serves files with correct content types', async () => {
      const cases: Array<[string, RegExp, string]> = [
        ['/', /^text\/html; charset=utf-8$/, 'home'],
        ['/index.html', /^text\/html/, 'home'],
        ['/labs/cluster-up/', /^text\/html/, 'lab page'],
        ['/_astro/app.abc123.js', /^text\/javascript/, 'console.log(1)'],
        ['/_astro/style.abc123.css', /^text\/css/, 'body{}'],
        ['/favicon.svg', /^image\/svg\+xml$/, '<svg/>'],
      ];
      for (const [path, type, body] of cases) {
        const response = await request(port, { path });
        assert.equal(response.status, 200, path);
        assert.match(header(response, 'content-type') ?? '', type, path);
        assert.ok(response.body.includes(body), path);
      }
      const hashed = await request(port, { path: '/_astro/app.abc123.js' });
      assert.match(header(hashed, 'cache-control') ?? '', /immutable/);
    });

    test('a directory without a trailing slash redirects to it', async () => {
      const response = await request(port, { path: '/labs/cluster-up' });
      assert.equal(response.status, 301);
      assert.equal(header(response, 'location'), '/labs/cluster-up/');
    });

    test('HEAD sends headers only', async () => {
      const response = await request(port, { method: 'HEAD', path: '/' });
      assert.equal(response.status, 200);
      assert.equal(header(response, 'content-length'), String(Buffer.byteLength('<!doctype html><title>홈</title>home')));
      assert.equal(response.body, '');
    });

    test('unknown paths get the site 404 page', async () => {
      const response = await request(port, { path: '/no/such/page/' });
      assert.equal(response.status, 404);
      assert.ok(response.body.includes('custom-not-found'));
    });

    test('path traversal is impossible', async () => {
      const paths = [
        '/../secret.txt', '/labs/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt',
        '/labs/%2e%2e/%2e%2e/secret.txt', '/..\\secret.txt', '/%5c..%5csecret.txt', '/index.html%00.js', '/%00',
        '/escape.txt', '/.env', '/%2eenv', '//etc/passwd', '/%', '/%zz', 'secret.txt', '*',
      ];
      for (const path of paths) {
        const response = await request(port, { path });
        assert.ok([400, 404].includes(response.status), `${path} -> ${response.status}`);
        assert.ok(!response.body.includes(SECRET), `${path} leaked the file`);
      }
      const absolute = await request(port, { path: `http://127.0.0.1:${port}/../secret.txt` });
      assert.ok([400, 404].includes(absolute.status));
      await assertAlive(door);
    });

    test('methods other than GET and HEAD get 405', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'CONNECT-ISH']) {
        const response = await request(port, { method, path: '/', headers: { 'Content-Length': '0' } });
        assert.ok([405, 400].includes(response.status), `${method} -> ${response.status}`);
      }
      const post = await request(port, { method: 'POST', path: `/api/status?token=${TOKEN}`, headers: { 'Content-Length': '0' } });
      assert.equal(post.status, 405);
      assert.equal(header(post, 'allow'), 'GET, HEAD');
      await assertAlive(door);
    });
  });

  describe('WebSocket frames', () => {
    test('valid text and binary frames reach the lab logic', async () => {
      const ws = await openSocket(port);
      const reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'panel.watch', lab: 'failover', on: true }));
      const text = await reply;
      assert.equal(text.isBinary, false);
      assert.deepEqual(JSON.parse(JSON.parse(text.data.toString()).message), { type: 'panel.watch', lab: 'failover', on: true }, 'validated');

      const binaryReply = nextMessage(ws);
      ws.send(encodeTerminalFrame(3, Buffer.from('ls\r')));
      const binary = await binaryReply;
      assert.equal(binary.isBinary, true);
      assert.deepEqual([...binary.data], [...encodeTerminalFrame(3, Buffer.from('ls\r'))]);
      ws.close();
      await closeOf(ws);
    });

    test('fragmented frames are reassembled', async () => {
      const ws = await openSocket(port);
      const reply = nextMessage(ws);
      const text = JSON.stringify({ type: 'lab.cancel', lab: 'failover' });
      ws.send(text.slice(0, 5), { fin: false });
      ws.send(text.slice(5, 12), { fin: false });
      ws.send(text.slice(12), { fin: true });
      assert.match((await reply).data.toString(), /failover/);

      const binaryReply = nextMessage(ws);
      ws.send(Buffer.from([2, 0x61]), { binary: true, fin: false });
      ws.send(Buffer.from([0x62]), { binary: true, fin: true });
      assert.deepEqual([...(await binaryReply).data], [2, 0x61, 0x62]);
      ws.close();
      await closeOf(ws);
    });

    test('invalid messages close with 1008', async () => {
      const frames: Array<string | Buffer> = [
        'not json',
        JSON.stringify({ type: 'shell.exec', command: 'rm -rf ~' }),
        JSON.stringify({ type: 'terminal.resize', slot: 99, cols: 80, rows: 24 }),
        JSON.stringify({ type: 'step.run', lab: 'topics', step: 'create', command: 'id' }),
        JSON.stringify([1, 2, 3]),
        'null',
        Buffer.alloc(0),
        Buffer.from([16, 0x61]),
        Buffer.concat([Buffer.from([0]), Buffer.alloc(MAX_INPUT_BYTES + 1, 0x61)]),
      ];
      for (const frame of frames) {
        const ws = await openSocket(port);
        const closed = closeOf(ws);
        ws.send(frame, { binary: typeof frame !== 'string' });
        assert.equal((await closed).code, 1008, `frame ${String(frame).slice(0, 40)}`);
      }
      await assertAlive(door);
    });

    test('invalid UTF-8 in a text frame closes the socket (1007)', async () => {
      const ws = await openSocket(port);
      const closed = closeOf(ws);
      ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      assert.equal((await closed).code, 1007);
      await assertAlive(door);
    });

    test('a frame larger than MAX_FRAME_BYTES closes with 1009', async () => {
      const ws = await openSocket(port);
      const closed = closeOf(ws);
      ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x61), { binary: true });
      assert.equal((await closed).code, 1009);
      await assertAlive(door);
    });

    test('deeply nested JSON is refused without crashing', async () => {
      const depth = 100_000;
      for (const text of [
        '['.repeat(depth) + ']'.repeat(depth),
        `{"type":"terminal.open","lab":${'['.repeat(depth)}${']'.repeat(depth)},"terminal":"a","cols":1,"rows":1}`,
        '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      ]) {
        const ws = await openSocket(port);
        const closed = closeOf(ws);
        ws.send(text);
        assert.equal((await closed).code, 1008);
      }
      await assertAlive(door);
    });

    test('__proto__ keys neither pass validation nor pollute Object.prototype', async () => {
      for (const text of [
        '{"type":"panel.watch","lab":"failover","on":true,"__proto__":{"polluted":"yes"}}',
        '{"__proto__":{"type":"panel.watch","lab":"failover","on":true,"polluted":"yes"}}',
        '{"type":"terminal.open","lab":"topics","terminal":"a","cols":80,"rows":24,"constructor":{"prototype":{"polluted":"yes"}}}',
      ]) {
        const ws = await openSocket(port);
        const closed = closeOf(ws);
        ws.send(text);
        assert.equal((await closed).code, 1008, text);
      }
      assert.equal((({}) as Record<string, unknown>)['polluted'], undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      await assertAlive(door);
    });

    test('a listener that throws does not close the socket or kill the server', async () => {
      const ws = await openSocket(port);
      const socket = accepted.at(-1)!;
      socket.onMessage(() => {
        throw new Error('lab logic bug');
      });
      const replies: string[] = [];
      ws.on('message', (data) => replies.push(String(data)));
      ws.send(JSON.stringify({ type: 'panel.watch', lab: 'failover', on: false }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(replies.some((reply) => reply.includes('"code":"internal"')));
      assert.equal(ws.readyState, ws.OPEN);
      ws.close();
      await closeOf(ws);
      await assertAlive(door);
    });
  });

  describe('malformed HTTP', () => {
    test('garbage bytes get an error answer and the server lives', async () => {
      for (const bytes of [
        Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10]),
        'HELLO\r\n\r\n',
        'GET / HTTP/9.9\r\n\r\n',
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: abc\r\n\r\n`,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz`,
      ]) {
        const text = await rawExchange(port, bytes);
        assert.match(text, /^HTTP\/1\.1 4\d\d /);
        assert.ok(!/at .*\.ts:\d+/.test(text), 'no stack trace');
      }
      await assertAlive(door);
    });

    test('huge headers get 431 and the server lives', async () => {
      const response = await request(port, { path: '/', headers: { 'X-Big': 'a'.repeat(64 * 1024) } });
      assert.equal(response.status, 431);
      await assertAlive(door);
    });

    test('a half-sent request that hangs up does not hurt', async () => {
      await new Promise<void>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.write('GET /api/sta');
          socket.destroy();
          resolve();
        });
      });
      await assertAlive(door);
    });
  });
});

describe('error handler', () => {
  test('unexpected errors become a 500 JSON body without a stack trace', async () => {
    const door = await startTestDoor({
      status: () => {
        throw new Error('secret internals at /home/me/project/server/x.ts:12');
      },
    });
    try {
      const response = await request(door.port, { path: `/api/status?token=${TOKEN}` });
      assert.equal(response.status, 500);
      const body = JSON.parse(response.body) as Record<string, unknown>;
      assert.equal(body['error'], 'internal');
      assert.ok(!response.body.includes('x.ts'));
      assert.equal(header(response, 'x-frame-options'), 'DENY');
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await door.close();
    }
  });

  test('a thrown LabError keeps its status, code and hint', async () => {
    const door = await startTestDoor({
      status: () => {
        throw new LabError('cluster-busy', '클러스터가 바쁩니다.', { status: 409, hint: '잠시 뒤 다시 하세요.' });
      },
    });
    try {
      const response = await request(door.port, { path: `/api/status?token=${TOKEN}` });
      assert.equal(response.status, 409);
      assert.deepEqual(JSON.parse(response.body), { error: 'cluster-busy', message: '클러스터가 바쁩니다.', hint: '잠시 뒤 다시 하세요.' });
    } finally {
      await door.close();
    }
  });
});

describe('connection cap and heartbeat', () => {
  test('connections beyond maxConnections are refused with 503', async () => {
    const door = await startTestDoor({ maxConnections: 2 });
    try {
      const first = await openSocket(door.port);
      const second = await openSocket(door.port);
      const acceptedBefore = accepted.length;
      assert.deepEqual(await wsConnect(door.port), { kind: 'refused', status: 503 });
      assert.equal(accepted.length, acceptedBefore);
      await assertAlive(door);
      first.close();
      await closeOf(first);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await openSocket(door.port);
      second.close();
      third.close();
      await Promise.all([closeOf(second), closeOf(third)]);
    } finally {
      await door.close();
    }
  });

  test('a socket that misses a pong is terminated; one that answers stays', async () => {
    const door = await startTestDoor({ heartbeatMs: 100 });
    try {
      const silent = await openSocket(door.port, { autoPong: false });
      const lively = await openSocket(door.port);
      const silentClosed = closeOf(silent);
      const started = Date.now();
      await silentClosed;
      assert.ok(Date.now() - started < 2_000);
      await new Promise((resolve) => setTimeout(resolve, 350));
      assert.equal(lively.readyState, lively.OPEN);
      lively.close();
      await closeOf(lively);
    } finally {
      await door.close();
    }
  });
});

describe('close()', () => {
  test('closes sockets with 1001, stops accepting and resolves', async () => {
    const door = await startTestDoor();
    const closedBefore = closedSockets;
    const ws = await openSocket(door.port);
    const closed = closeOf(ws);
    await door.close();
    assert.equal((await closed).code, 1001);
    assert.equal(closedSockets, closedBefore + 1, 'onClose listeners ran');
    await assert.rejects(rawExchange(door.port, 'GET / HTTP/1.1\r\n\r\n'), /ECONNREFUSED/);
    await door.close(); // idempotent
  });

  test('a peer that ignores the close handshake cannot stall shutdown', async () => {
    const door = await startTestDoor({ closeGraceMs: 200 });
    const raw = connect({ host: '127.0.0.1', port: door.port });
    raw.on('error', () => undefined);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    raw.write([
      `GET /ws?token=${TOKEN} HTTP/1.1`, `Host: 127.0.0.1:${door.port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Origin: http://127.0.0.1:${door.port}`,
      `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`, '', '',
    ].join('\r\n'));
    await new Promise<void>((resolve) => raw.once('data', () => resolve()));
    const started = Date.now();
    await door.close();
    assert.ok(Date.now() - started < 1_500, 'close() waited for a silent peer');
    raw.destroy();
  });
});
