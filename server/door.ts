// The lab server's front door: one HTTP server that serves the built site, a tiny JSON API and
// the /ws WebSocket. The lab server types commands into real shells on the learner's laptop,
// so this file is the security boundary: it decides who gets in (Host, Origin, token,
// subprotocol, connection cap), hands only validated messages to the lab logic, and makes
// sure no malformed request, oversized frame or listener bug can crash the process.
// It knows nothing about labs; server/main.ts wires startDoor() to the terminals and steps.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  buildAllowlist,
  createTokenCheck,
  hasValidToken,
  isAllowedHost,
  isAllowedOrigin,
  isWellFormedToken,
  offersSubprotocol,
  sessionCookie,
} from './door/guard.ts';
import { contentSecurityPolicy, readScriptHashes } from './door/csp.ts';
import { applySecurityHeaders, rawResponse, sendJson, sendText } from './door/headers.ts';
import { CloseCode, type LabSocket, wrapSocket } from './door/socket.ts';
import { openStaticSite, serveStatic } from './door/static.ts';
import { isLabError, LabError, listenError } from './errors.ts';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, SUBPROTOCOL } from './wire.ts';

export type { LabSocket } from './door/socket.ts';

export interface DoorOptions {
  /** Default '127.0.0.1'; main refuses non-loopback unless LAB_ALLOW_REMOTE=1. */
  host?: string;
  /** 0 = ephemeral (tests). */
  port: number;
  /** >= 128 random bits, base64url. */
  token: string;
  /** The built site (dist/). */
  siteDir: string;
  /** Default 8; further WebSocket upgrades get 503. */
  maxConnections?: number;
  /** Extra Host/Origin names (no port) for LAB_ALLOW_REMOTE setups; loopback names are always allowed. */
  extraHostNames?: readonly string[];
  /** Ping interval; a socket that has not answered the previous ping is terminated. Default 15 s. */
  heartbeatMs?: number;
  /** How long close() waits for sockets to finish the close handshake before cutting them. Default 2 s. */
  closeGraceMs?: number;
  onSocket(socket: LabSocket): void;
  /** Extra JSON for GET /api/status. */
  status?(): unknown;
  /** Never receives the token. */
  log?(line: string): void;
}

export interface Door {
  /** Base address, e.g. http://127.0.0.1:4800/ (no token). */
  readonly url: string;
  /** The address to open once: sets the cookie and redirects to `url`. Contains the token: print it, never log it. */
  readonly openUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

const TOKEN_HINT = 'npm start가 터미널에 출력한 주소(토큰 포함)로 페이지를 다시 여세요.';

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Splits the request target; only origin-form (`/path?query`) is accepted. */
function splitTarget(target: string | undefined): { path: string; query: URLSearchParams } | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  const mark = target.indexOf('?');
  if (mark < 0) return { path: target, query: new URLSearchParams() };
  return { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}

/** Plain objects are merged into the status body; anything else is nested so it cannot clobber `protocol`. */
function statusBody(extra: unknown): Record<string, unknown> {
  if (extra !== null && typeof extra === 'object' && !Array.isArray(extra)) {
    return { ...(extra as Record<string, unknown>), protocol: PROTOCOL_VERSION };
  }
  return extra === undefined ? { protocol: PROTOCOL_VERSION } : { protocol: PROTOCOL_VERSION, status: extra };
}

/** Ends a socket that never became a WebSocket, letting the response flush first. */
function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(rawResponse(status, text));
}

export async function startDoor(options: DoorOptions): Promise<Door> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 8;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const closeGraceMs = options.closeGraceMs ?? 2_000;
  const token = options.token;
  if (!isWellFormedToken(token)) {
    throw new LabError('weak-token', '실습 서버 토큰은 128비트 이상의 base64url 문자열이어야 합니다.', {
      hint: "crypto.randomBytes(32).toString('base64url')로 만드세요.",
    });
  }
  // Defense in depth: even if a caller passes a line that quotes a URL, the token never reaches the log.
  const log = (line: string): void => options.log?.(line.split(token).join('[token]'));
  const checkToken = createTokenCheck(token);
  const site = await openStaticSite(options.siteDir);
  // Inline scripts run only if the build hashed them (door/csp.ts): no 'unsafe-inline'.
  const policy = contentSecurityPolicy(readScriptHashes(options.siteDir));

  // Set after listen(): with port 0 the allowlist must name the port we actually got.
  let allowlist = buildAllowlist(options.port, options.extraHostNames);
  // Likewise the cookie name, which carries the port (guard.ts cookieName).
  let port = options.port;
  let closing = false;

  /** Every live WebSocket, whether it answered the last ping, and when its 'close' has run. */
  const live = new Map<WebSocket, { alive: boolean; closed: Promise<void> }>();
  /** Upgrades accepted but not yet open, so concurrent handshakes cannot exceed the cap. */
  let pendingUpgrades = 0;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_FRAME_BYTES,
    // Compression would let a 1 MiB frame inflate to far more than we budget for.
    perMessageDeflate: false,
    handleProtocols: () => SUBPROTOCOL,
  });

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    applySecurityHeaders(response, policy);
    if (!isAllowedHost(allowlist, request.headers.host)) {
      log(`refused request: host not allowed (${JSON.stringify(request.headers.host?.slice(0, 100) ?? null)})`);
      return sendText(response, 403, '허용되지 않은 Host입니다. 127.0.0.1 또는 localhost 주소로 여세요.\n');
    }
    if (closing) return sendText(response, 503, '실습 서버가 종료되는 중입니다.\n', { Connection: 'close' });
    const target = splitTarget(request.url);
    if (target === undefined) return sendText(response, 400, '잘못된 요청 대상입니다.\n');
    const method = request.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') {
      return sendText(response, 405, '이 주소는 GET과 HEAD만 받습니다.\n', { Allow: 'GET, HEAD' });
    }

    if (target.path === '/api/status') {
      if (!hasValidToken(checkToken, request.headers.cookie, target.query.get('token'), port)) {
        return sendJson(response, 401, { error: 'unauthorized', message: '토큰이 없거나 올바르지 않습니다.', hint: TOKEN_HINT });
      }
      return sendJson(response, 200, statusBody(options.status?.()));
    }
    if (target.path === '/api' || target.path.startsWith('/api/')) {
      return sendJson(response, 404, { error: 'not-found', message: '없는 API입니다.' });
    }

    const queryToken = target.query.get('token');
    if (queryToken !== null) {
      if (!checkToken(queryToken)) return sendText(response, 401, `토큰이 올바르지 않습니다. ${TOKEN_HINT}\n`);
      // Move the token out of the address bar (and history, and screenshots) into an HttpOnly cookie.
      // Only redirect to a path that is safely on our origin; anything odd goes to the start page.
      const location = /^\/(?![/\\])[^\\]*$/.test(target.path) ? target.path : '/';
      response.writeHead(302, { 'Set-Cookie': sessionCookie(token, port), Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      response.end();
      return;
    }
    if (target.path === '/ws') return sendText(response, 426, 'WebSocket 전용 주소입니다.\n', { Upgrade: 'websocket' });
    return serveStatic(site, request, response, target.path);
  }

  /** The one final error handler: LabErrors become their JSON body, anything else a generic 500. */
  function failRequest(response: ServerResponse, error: unknown): void {
    const labError = isLabError(error)
      ? error
      : new LabError('internal', '실습 서버 내부에서 오류가 났습니다.', { hint: '실습 서버를 실행한 터미널의 로그를 확인하세요.' });
    log(`request failed: ${isLabError(error) ? error.code : 'unexpected'}: ${(error as Error | undefined)?.message ?? String(error)}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    // Headers set before the failure (e.g. a half-built file response) must not leak into the error.
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    applySecurityHeaders(response, policy);
    sendJson(response, labError.status, labError.toBody());
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until ws owns it, a reset on this socket would otherwise be an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, why: string, text: string): void => {
      log(`refused websocket: ${why} (from ${request.socket.remoteAddress ?? '?'})`);
      refuseUpgrade(socket, status, text);
    };
    if (!isAllowedHost(allowlist, request.headers.host)) return refuse(403, 'host not allowed', '허용되지 않은 Host입니다.\n');
    const target = splitTarget(request.url);
    if (target?.path !== '/ws') return refuse(404, 'not /ws', '없는 주소입니다.\n');
    if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuse(400, 'not a websocket upgrade', 'WebSocket 요청이 아닙니다.\n');
    // A page on any other site can open a WebSocket to 127.0.0.1 with our cookie attached;
    // only the Origin header tells us it is not our own page.
    if (!isAllowedOrigin(allowlist, request.headers.origin)) return refuse(403, 'origin not allowed', '허용되지 않은 Origin입니다.\n');
    if (!hasValidToken(checkToken, request.headers.cookie, target.query.get('token'), port)) {
      return refuse(401, 'missing or wrong token', `토큰이 없거나 올바르지 않습니다. ${TOKEN_HINT}\n`);
    }
    if (!offersSubprotocol(request.headers['sec-websocket-protocol'], SUBPROTOCOL)) {
      return refuse(400, 'wrong subprotocol', `이 실습 서버는 ${SUBPROTOCOL} 프로토콜만 받습니다. 페이지를 새로 고치세요.\n`);
    }
    if (closing) return refuse(503, 'shutting down', '실습 서버가 종료되는 중입니다.\n');
    if (live.size + pendingUpgrades >= maxConnections) {
      return refuse(503, 'too many connections', `동시에 열 수 있는 연결은 ${maxConnections}개입니다. 쓰지 않는 탭을 닫으세요.\n`);
    }

    pendingUpgrades += 1;
    let settled = false;
    const settle = (): void => {
      if (!settled) pendingUpgrades -= 1;
      settled = true;
    };
    // ws aborts a malformed handshake (bad key or version) itself and never calls back.
    socket.once('close', settle);
    wss.handleUpgrade(request, socket, head, (ws) => {
      settle();
      socket.off('close', settle);
      acceptSocket(ws);
    });
  }

  function acceptSocket(ws: WebSocket): void {
    if (closing) {
      ws.close(CloseCode.goingAway, 'server shutting down');
      return;
    }
    let markClosed = (): void => undefined;
    const state = { alive: true, closed: new Promise<void>((resolve) => (markClosed = resolve)) };
    live.set(ws, state);
    ws.on('pong', () => {
      state.alive = true;
    });
    const labSocket = wrapSocket(ws, randomUUID(), log);
    // Registered after wrapSocket's listener, so the lab logic's onClose listeners have run
    // when close() sees this socket as gone.
    ws.once('close', () => {
      live.delete(ws);
      markClosed();
    });
    try {
      options.onSocket(labSocket);
    } catch (error) {
      log(`onSocket failed: ${(error as Error).message}`);
      labSocket.close(CloseCode.internalError, 'internal error');
    }
  }

  const server: Server = createServer(
    {
      // We answer a missing Host ourselves (403) instead of Node's bare 400.
      requireHostHeader: false,
      maxHeaderSize: 16 * 1024,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
    },
    (request, response) => {
      handleRequest(request, response).catch((error: unknown) => failRequest(response, error));
    },
  );
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      handleUpgrade(request, socket, head);
    } catch (error) {
      log(`upgrade failed: ${(error as Error).message}`);
      socket.destroy();
    }
  });
  // Garbage bytes, oversized headers and resets arrive here; without a listener Node only
  // answers 400, but with one we also decide: answer if we still can, never throw.
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    refuseUpgrade(socket, status, '잘못된 HTTP 요청입니다.\n');
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(listenError(error, host, options.port));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port: options.port, exclusive: true });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));

  const address = server.address();
  port = address !== null && typeof address === 'object' ? address.port : options.port;
  allowlist = buildAllowlist(port, options.extraHostNames);
  const url = `http://${hostForUrl(host)}:${port}/`;

  const heartbeat = setInterval(() => {
    for (const [ws, state] of live) {
      if (!state.alive) {
        log('socket missed a pong; terminating');
        ws.terminate();
        continue;
      }
      state.alive = false;
      try {
        ws.ping();
      } catch (error) {
        log(`ping failed: ${(error as Error).message}`);
      }
    }
  }, heartbeatMs);

  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= (async () => {
      closing = true;
      clearInterval(heartbeat);
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsClosed = [...live.values()].map((state) => state.closed);
      for (const ws of live.keys()) ws.close(CloseCode.goingAway, 'server shutting down');
      server.closeIdleConnections();
      // Peers that never answer the close handshake (or slow downloads) must not hold shutdown hostage.
      const grace = setTimeout(() => {
        for (const ws of live.keys()) ws.terminate();
        server.closeAllConnections();
      }, closeGraceMs);
      try {
        await Promise.all([serverClosed, ...socketsClosed]);
      } finally {
        clearTimeout(grace);
        wss.close();
      }
    })();
    return closed;
  }

  return { url, openUrl: `${url}?token=${token}`, port, close };
}
