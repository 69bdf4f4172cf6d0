// The instructor's class server (`npm run class -- host`): the one thing in the course that may
// listen beyond loopback, and only where the instructor says. Attendees' lab servers join
// with the printed code, get a per-attendee token and report step changes and doctor results;
// the instructor's browser watches a live grid. Everything an attendee sends is hostile
// input: bodies are size-capped and zod-validated, reports are rate-limited and replay-checked,
// joins are capped, and the only answers are acknowledgements. It never runs a command and
// imports nothing that could (a unit test checks): the worst a bad attendee can do is lie
// about its own row.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeMatches, formatJoinCode, HEARTBEAT_MS, JoinRequest, MAX_ATTENDEES, MAX_BODY_BYTES, Report, tokenHash,
  type ClassEvent, type ClassStepStatus, type JoinAck, type Refusal, type ReportAck,
} from './protocol.ts';
import { TokenBucket } from './rate.ts';
import { buildSnapshot, type AttendeeState, type ClassSnapshot, type StepInfo } from './snapshot.ts';

export type { ClassSnapshot, StepInfo } from './snapshot.ts';

export interface ClassHostOptions {
  /** Where to listen; the CLI defaults to 127.0.0.1 and binds a LAN address only when told. */
  bind: string;
  /** 0 = ephemeral (tests). */
  port: number;
  /** The course's steps in order: reports naming any other step are refused. */
  steps: readonly StepInfo[];
  /** Tests pass a fixed code; the CLI makes a random one. */
  code?: string;
  maxAttendees?: number;
  /** Per attendee: sustained reports per second and burst. */
  reportRate?: { perSecond: number; burst: number };
  /** Coalescing delay before the instructor's page gets a changed grid. */
  pushDelayMs?: number;
  /** An attendee silent this long may be replaced when the class is full. */
  staleMs?: number;
  log?(line: string): void;
}

export interface ClassHost {
  readonly code: string;
  readonly port: number;
  /** Base address attendees use (host:port). */
  readonly address: string;
  /** The instructor's address, with the viewing key: print it, never log it. */
  readonly instructorUrl: string;
  snapshot(): ClassSnapshot;
  stats(): { attendees: number; refusedJoins: number; refusedReports: number; viewers: number };
  close(): Promise<void>;
}

const PAGE_DIR = joinPath(dirname(fileURLToPath(import.meta.url)), 'page');
/** The page's own files only: no path from a request ever reaches the file system. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/instructor.js': { file: 'instructor.js', type: 'text/javascript; charset=utf-8' },
  '/instructor.css': { file: 'instructor.css', type: 'text/css; charset=utf-8' },
};
const MAX_VIEWERS = 8;
/** Failed joins per address before it must slow down: the code is 80 bits, this only keeps logs sane. */
const JOIN_FAILURE_BURST = 10;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function refuse(response: ServerResponse, status: number, error: string, message: string, headers: Record<string, string> = {}): void {
  const body: Refusal = { error, message };
  send(response, status, body, headers);
}

class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Reads a JSON body of at most MAX_BODY_BYTES; a larger one is cut off, not buffered. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) throw new BodyError(413, `본문이 ${MAX_BODY_BYTES}바이트를 넘습니다.`);
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw new BodyError(415, 'JSON 본문만 받습니다.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, `본문이 ${MAX_BODY_BYTES}바이트를 넘습니다.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, 'JSON이 아닙니다.');
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function bearer(request: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startClassHost(options: ClassHostOptions): Promise<ClassHost> {
  const code = options.code ?? formatJoinCode(randomBytes(10));
  const viewKey = randomBytes(32).toString('base64url');
  const maxAttendees = options.maxAttendees ?? MAX_ATTENDEES;
  const rate = options.reportRate ?? { perSecond: 5, burst: 20 };
  const pushDelayMs = options.pushDelayMs ?? 100;
  const staleMs = options.staleMs ?? 10 * 60_000;
  // Keys and tokens never reach the log, even if a caller logs a line that quotes one.
  const log = (line: string): void => options.log?.(line.split(viewKey).join('[key]'));
  const knownSteps = new Set(options.steps.map((step) => `${step.lab}/${step.step}`));

  /** By sha256 of the token: the map never holds a usable token, and lookup leaks nothing useful. */
  const attendees = new Map<string, AttendeeState & { bucket: TokenBucket }>();
  const joinFailures = new Map<string, TokenBucket>();
  const viewers = new Set<ServerResponse>();
  let refusedJoins = 0;
  let refusedReports = 0;
  let port = options.port;
  let cookie = `upbit_class_${port}`;
  let closing = false;
  let pushTimer: NodeJS.Timeout | null = null;

  const snapshot = (): ClassSnapshot => buildSnapshot(options.steps, [...attendees.values()], Date.now(), { refusedJoins, maxAttendees });

  function push(): void {
    pushTimer = null;
    if (viewers.size === 0) return;
    const frame = `data: ${JSON.stringify(snapshot())}\n\n`;
    for (const viewer of viewers) viewer.write(frame);
  }
  /** Many attendees changing at once become one frame per pushDelayMs, not one each. */
  function changed(): void {
    if (pushTimer === null && !closing) pushTimer = setTimeout(push, pushDelayMs);
  }
  // Idle minutes grow without any report: refresh the page's view of time now and then.
  const tick = setInterval(push, 15_000);
  tick.unref();

  function failedJoinAllowed(address: string): boolean {
    let bucket = joinFailures.get(address);
    if (!bucket) {
      // Bounded: a flood of addresses cannot grow this map without end.
      if (joinFailures.size >= 1000) joinFailures.clear();
      bucket = new TokenBucket(0.2, JOIN_FAILURE_BURST);
      joinFailures.set(address, bucket);
    }
    return bucket.peek();
  }

  function evictStale(now: number): boolean {
    let oldest: [string, AttendeeState] | undefined;
    for (const entry of attendees) if (now - entry[1].lastSeen > staleMs && (!oldest || entry[1].lastSeen < oldest[1].lastSeen)) oldest = entry;
    if (!oldest) return false;
    attendees.delete(oldest[0]);
    log(`attendee ${oldest[1].id} replaced after ${Math.round((now - oldest[1].lastSeen) / 60_000)} min of silence`);
    return true;
  }

  async function join(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const address = request.socket.remoteAddress ?? '?';
    if (!failedJoinAllowed(address)) {
      refusedJoins++;
      return refuse(response, 429, 'too-many-attempts', '틀린 참가 코드가 너무 많이 들어왔습니다. 잠시 뒤 강사가 알려 준 코드로 다시 시도하세요.', { 'Retry-After': '5' });
    }
    const parsed = JoinRequest.safeParse(await readJson(request));
    if (!parsed.success) {
      refusedJoins++;
      return refuse(response, 400, 'bad-join', `참가 요청이 올바르지 않습니다: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    }
    if (!codeMatches(code, parsed.data.code)) {
      joinFailures.get(address)?.take();
      refusedJoins++;
      log(`wrong join code from ${address}`);
      return refuse(response, 403, 'wrong-code', '참가 코드가 틀렸습니다. 강사 화면에 보이는 코드를 확인하세요.');
    }
    const now = Date.now();
    if (attendees.size >= maxAttendees && !evictStale(now)) {
      refusedJoins++;
      return refuse(response, 503, 'class-full', `이 수업은 정원(${maxAttendees}명)이 찼습니다. 강사에게 알려 주세요.`);
    }
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    attendees.set(tokenHash(token), {
      id, name: parsed.data.name, joinedAt: now, lastSeen: now, lastChange: now, lastSeq: 0, dropped: 0,
      steps: new Map(), current: null, doctor: null, bucket: new TokenBucket(rate.perSecond, rate.burst),
    });
    log(`attendee joined (${attendees.size}/${maxAttendees})`);
    changed();
    const ack: JoinAck = { id, token, heartbeatMs: HEARTBEAT_MS };
    send(response, 200, ack);
  }

  function attendeeOf(request: IncomingMessage): [string, AttendeeState & { bucket: TokenBucket }] | undefined {
    const token = bearer(request);
    if (token === undefined) return undefined;
    const key = tokenHash(token);
    const attendee = attendees.get(key);
    return attendee ? [key, attendee] : undefined;
  }

  function apply(attendee: AttendeeState, event: ClassEvent): void {
    if (event.kind === 'doctor') {
      attendee.doctor = { ok: event.ok, failed: event.results.filter((r) => r.status === 'fail').map((r) => r.title), warned: event.results.filter((r) => r.status === 'warn').length, at: event.at };
      return;
    }
    const status: ClassStepStatus = event.status;
    const cell = status === 'failed' && event.summary !== undefined ? { status, summary: event.summary } : { status };
    attendee.steps.set(`${event.lab}/${event.step}`, cell);
    attendee.current = { lab: event.lab, step: event.step, ...cell };
    attendee.lastChange = Date.now();
  }

  async function report(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const found = attendeeOf(request);
    if (!found) {
      refusedReports++;
      return refuse(response, 401, 'unknown-attendee', '참가 토큰이 없거나 올바르지 않습니다. 수업에 다시 참가하세요.');
    }
    const [, attendee] = found;
    if (!attendee.bucket.take()) {
      refusedReports++;
      request.resume();
      return refuse(response, 429, 'slow-down', '보고가 너무 잦습니다.', { 'Retry-After': '1' });
    }
    const parsed = Report.safeParse(await readJson(request));
    if (!parsed.success) {
      refusedReports++;
      return refuse(response, 400, 'bad-report', `보고가 올바르지 않습니다: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    }
    const unknown = parsed.data.events.find((event) => event.kind === 'step' && !knownSteps.has(`${event.lab}/${event.step}`));
    if (unknown && unknown.kind === 'step') {
      refusedReports++;
      return refuse(response, 400, 'unknown-step', `이 수업에 없는 단계입니다: ${unknown.lab}/${unknown.step}`);
    }
    attendee.lastSeen = Date.now();
    // A retried report whose ack was lost, or a replay: acknowledged, never applied twice.
    if (parsed.data.seq <= attendee.lastSeq) {
      const ack: ReportAck = { ok: true, seq: parsed.data.seq, duplicate: true };
      return send(response, 200, ack);
    }
    attendee.lastSeq = parsed.data.seq;
    attendee.dropped += parsed.data.dropped ?? 0;
    for (const event of parsed.data.events) apply(attendee, event);
    changed();
    const ack: ReportAck = { ok: true, seq: parsed.data.seq };
    send(response, 200, ack);
  }

  function leave(request: IncomingMessage, response: ServerResponse): void {
    const found = attendeeOf(request);
    request.resume();
    if (!found) return refuse(response, 401, 'unknown-attendee', '참가 토큰이 없거나 올바르지 않습니다.');
    attendees.delete(found[0]);
    log(`attendee left (${attendees.size}/${maxAttendees})`);
    changed();
    send(response, 200, { ok: true });
  }

  function isViewer(request: IncomingMessage): boolean {
    const given = cookieValue(request.headers.cookie, cookie);
    return given !== undefined && codeMatches(viewKey, given);
  }

  function events(request: IncomingMessage, response: ServerResponse): void {
    if (viewers.size >= MAX_VIEWERS) return refuse(response, 503, 'too-many-viewers', `강사 화면은 ${MAX_VIEWERS}개까지 열 수 있습니다.`);
    response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    response.write(`retry: 2000\ndata: ${JSON.stringify(snapshot())}\n\n`);
    viewers.add(response);
    request.socket.setTimeout(0);
    response.on('close', () => viewers.delete(response));
  }

  function page(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): void {
    const key = query.get('key');
    if (key !== null) {
      if (!codeMatches(viewKey, key)) return refuse(response, 401, 'wrong-key', '강사 주소의 키가 틀렸습니다. npm run class -- host가 출력한 주소로 여세요.');
      // Out of the address bar (and screenshots on the projector) into an HttpOnly cookie.
      response.writeHead(302, { 'Set-Cookie': `${cookie}=${key}; HttpOnly; SameSite=Strict; Path=/`, Location: '/', 'Content-Length': 0 });
      response.end();
      return;
    }
    if (!isViewer(request)) return refuse(response, 401, 'not-instructor', '강사용 화면입니다. npm run class -- host가 출력한 주소로 여세요.');
    const html = readFileSync(joinPath(PAGE_DIR, 'instructor.html'));
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': html.byteLength });
    response.end(request.method === 'HEAD' ? undefined : html);
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    securityHeaders(response);
    if (closing) return refuse(response, 503, 'closing', '수업 서버가 종료되는 중입니다.', { Connection: 'close' });
    const target = request.url ?? '';
    if (!target.startsWith('/')) return refuse(response, 400, 'bad-target', '잘못된 요청 대상입니다.');
    const url = new URL(target, 'http://class.invalid');
    const method = request.method ?? '';
    if (url.pathname.startsWith('/api/attendee/')) {
      // Attendees are lab servers, not browsers: a request with an Origin comes from some web page.
      if (request.headers.origin !== undefined) return refuse(response, 403, 'browser-refused', '브라우저에서 보낸 요청은 받지 않습니다.');
      if (method !== 'POST') return refuse(response, 405, 'method', 'POST만 받습니다.', { Allow: 'POST' });
      switch (url.pathname) {
        case '/api/attendee/join': return join(request, response);
        case '/api/attendee/report': return report(request, response);
        case '/api/attendee/leave': return leave(request, response);
        default: return refuse(response, 404, 'not-found', '없는 주소입니다.');
      }
    }
    if (method !== 'GET' && method !== 'HEAD') return refuse(response, 405, 'method', 'GET만 받습니다.', { Allow: 'GET, HEAD' });
    const asset = ASSETS[url.pathname];
    if (asset) {
      const body = readFileSync(joinPath(PAGE_DIR, asset.file));
      response.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': body.byteLength });
      response.end(method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === '/') return page(request, response, url.searchParams);
    if (url.pathname === '/api/state' || url.pathname === '/api/events') {
      if (!isViewer(request)) return refuse(response, 401, 'not-instructor', '강사용 주소입니다.');
      // The viewing cookie is SameSite=Strict, but a cross-site page must not read the grid even so.
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) return refuse(response, 403, 'origin', '다른 사이트에서 온 요청입니다.');
      return url.pathname === '/api/state' ? send(response, 200, snapshot()) : events(request, response);
    }
    return refuse(response, 404, 'not-found', '없는 주소입니다.');
  }

  const server: Server = createServer({ maxHeaderSize: 8 * 1024, headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 65_000 }, (request, response) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof BodyError ? error.status : 500;
      if (status === 500) log(`request failed: ${(error as Error | undefined)?.message ?? String(error)}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // A body cut off at the cap: answer, then drop the connection instead of reading the rest.
      refuse(response, status, status === 500 ? 'internal' : 'bad-body', error instanceof BodyError ? error.message : '수업 서버 내부 오류입니다.', { Connection: 'close' });
      if (status === 413) response.on('finish', () => request.destroy());
    });
  });
  server.maxConnections = maxAttendees * 4 + MAX_VIEWERS * 2;
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.bind, port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  const bound = server.address();
  port = bound !== null && typeof bound === 'object' ? bound.port : options.port;
  cookie = `upbit_class_${port}`;
  const base = `http://${hostForUrl(options.bind)}:${port}/`;

  let closed: Promise<void> | undefined;
  return {
    code,
    port,
    address: `${hostForUrl(options.bind)}:${port}`,
    instructorUrl: `${base}?key=${viewKey}`,
    snapshot,
    stats: () => ({ attendees: attendees.size, refusedJoins, refusedReports, viewers: viewers.size }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        clearInterval(tick);
        if (pushTimer) clearTimeout(pushTimer);
        for (const viewer of viewers) viewer.end();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
