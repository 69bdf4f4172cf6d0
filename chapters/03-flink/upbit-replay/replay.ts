// upbit-replay: an offline stand-in for the parts of Upbit's quotation API the course uses.
// Same WebSocket request array, DEFAULT/SIMPLE (and list) formats, SNAPSHOT then REALTIME,
// binary frames, Upbit's error objects, {"status":"UP"} after a text PING, and the idle
// close; REST /v1/market/all, /v1/ticker and /v1/candles/minutes/{unit} computed from the
// very trades it served. Data are generated (generator.ts), never real. Course-only control
// endpoints live under /_replay/ and answer only loopback callers unless allowed otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MarketBook, MarketTape, loadMarkets, type MarketDef, type TapeTrade } from './generator.ts';
import { FORMATS, toSimpleKeys, type Format } from '../upbit/fields.ts';
import type { Ticker } from '../upbit/ticker-schema.ts';

export interface ReplayOptions {
  port?: number;
  host?: string;
  speed?: number;
  seed?: number;
  /** Close a connection after this long with no frame either way (Upbit: about 120 s). */
  idleTimeoutMs?: number;
  statusIntervalMs?: number;
  /** A client that stops reading is cut off once this much is queued for it. */
  maxBufferedBytes?: number;
  /** Allow /_replay/ from any address (the compose service publishes on host loopback only). */
  controlFromAnyAddress?: boolean;
  markets?: MarketDef[];
  /** Serve the first trades only after this delay (tests subscribe before any trade). */
  startDelayMs?: number;
  log?: (line: string) => void;
}

interface Subscription { codes: Set<string>; format: Format; snapshot: boolean; realtime: boolean }
interface Client { ws: WebSocket; sub?: Subscription; lastActivity: number; statusTimer?: NodeJS.Timeout; sent: number }

interface Lane { tape: MarketTape; book: MarketBook; next: TapeTrade; due: number }

const ERROR_TEXT: Record<string, string> = {
  WRONG_FORMAT: '요청 형식이 올바르지 않습니다.',
  NO_TICKET: '티켓 필드가 없습니다.',
  NO_TYPE: '타입 필드가 없습니다.',
  NO_CODES: '코드 필드가 없습니다.',
  INVALID_PARAM: '지원하지 않는 값입니다.',
};
const errorFrame = (name: string, detail?: string) => Buffer.from(JSON.stringify({ error: { name, message: detail ?? ERROR_TEXT[name] ?? name } }));

/** Parses Upbit's request array; returns the subscription or the error name Upbit would send. */
export function parseRequest(text: string): Subscription | { error: string; detail?: string } {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return { error: 'WRONG_FORMAT' }; }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((item) => item && typeof item === 'object' && !Array.isArray(item))) return { error: 'WRONG_FORMAT' };
  const items = parsed as Record<string, unknown>[];
  if (!items.some((item) => typeof item['ticket'] === 'string' && item['ticket'].length > 0)) return { error: 'NO_TICKET' };
  const typed = items.filter((item) => 'type' in item);
  if (typed.length === 0) return { error: 'NO_TYPE' };
  let format: Format = 'DEFAULT';
  const formatItem = items.find((item) => 'format' in item);
  if (formatItem) {
    const value = formatItem['format'];
    if (typeof value !== 'string' || !(FORMATS as readonly string[]).includes(value)) return { error: 'INVALID_PARAM', detail: `지원하지 않는 format입니다: ${String(value)}` };
    format = value as Format;
  }
  const codes = new Set<string>();
  let snapshot = true, realtime = true;
  for (const item of typed) {
    if (item['type'] !== 'ticker') return { error: 'INVALID_PARAM', detail: `이 대역 서버는 ticker만 제공합니다: ${String(item['type'])}` };
    const list = item['codes'];
    if (!Array.isArray(list) || list.length === 0) return { error: 'NO_CODES' };
    if (!list.every((code) => typeof code === 'string')) return { error: 'INVALID_PARAM', detail: 'codes는 문자열 배열이어야 합니다' };
    for (const code of list as string[]) codes.add(code);
    if (item['is_only_snapshot'] === true) realtime = false;
    if (item['is_only_realtime'] === true) snapshot = false;
  }
  return { codes, format, snapshot, realtime };
}

function encode(ticker: Ticker, format: Format): Buffer {
  const body = format === 'SIMPLE' || format === 'SIMPLE_LIST' ? toSimpleKeys(ticker) : ticker;
  return Buffer.from(JSON.stringify(format.endsWith('_LIST') ? [body] : body));
}

const isLoopback = (address: string | undefined) => !!address && (address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1');

export interface Replay {
  url: string;
  wsUrl: string;
  port: number;
  setSpeed(speed: number): void;
  state(): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startReplay(options: ReplayOptions = {}): Promise<Replay> {
  const catalogue = options.markets ? { seed: options.seed ?? 1, markets: options.markets } : loadMarkets();
  const seed = options.seed ?? catalogue.seed;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const statusIntervalMs = options.statusIntervalMs ?? 10_000;
  const maxBuffered = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const log = options.log ?? ((line: string) => console.log(line));
  let speed = options.speed ?? 1;
  let burstUntil = 0, burstFactor = 1;
  const startedAt = Date.now();

  const lanes = new Map<string, Lane>();
  for (const def of catalogue.markets) {
    const tape = new MarketTape(def, seed);
    const book = new MarketBook(tape, startedAt);
    const next = tape.next();
    lanes.set(def.market, { tape, book, next, due: startedAt + (options.startDelayMs ?? 0) + next.gapMs / speed });
  }
  const pendingLate: { market: string; offsetMs: number }[] = [];
  const clients = new Set<Client>();
  let slowClosed = 0, idleClosed = 0, faults = 0;

  /** Stretches or shrinks the wait before each market's next trade to the new pace. */
  function replan(before: number): void {
    const now = Date.now();
    const ratio = before / currentSpeed();
    for (const lane of lanes.values()) lane.due = now + Math.max(0, lane.due - now) * ratio;
  }

  const currentSpeed = () => speed * (Date.now() < burstUntil ? burstFactor : 1);

  function send(client: Client, frame: Buffer): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.ws.bufferedAmount > maxBuffered) {
      // Upbit drops a consumer that stops reading; so do we, rather than grow without bound.
      slowClosed++;
      log(`slow client cut off (${(client.ws.bufferedAmount / 1e6).toFixed(1)} MB queued)`);
      client.ws.terminate();
      return;
    }
    client.ws.send(frame, { binary: true });
    client.lastActivity = Date.now();
    client.sent++;
  }

  function broadcast(ticker: Ticker): void {
    for (const client of clients) {
      if (client.sub?.realtime && client.sub.codes.has(ticker.code)) send(client, encode(ticker, client.sub.format));
    }
  }

  // The scheduler: every 20 ms, serve every trade whose due time has come, oldest first.
  const pump = setInterval(() => {
    const now = Date.now();
    for (;;) {
      let soonest: Lane | undefined;
      for (const lane of lanes.values()) if (lane.due <= now && (!soonest || lane.due < soonest.due)) soonest = lane;
      if (!soonest) break;
      const lane = soonest;
      const lateIndex = pendingLate.findIndex((late) => late.market === lane.book.def.market);
      let ts = Math.max(lane.book.lastTs + 1, Math.floor(lane.due));
      if (lateIndex >= 0) {
        // A deliberately late trade: stamped in the past, delivered now (chapter 3's late-data lab).
        ts = now - pendingLate[lateIndex]!.offsetMs;
        pendingLate.splice(lateIndex, 1);
      }
      const lastTs = lane.book.lastTs;
      const ticker = lane.book.apply(lane.next, ts, now);
      if (lateIndex >= 0) lane.book.lastTs = lastTs;
      broadcast(ticker);
      lane.next = lane.tape.next();
      lane.due += lane.next.gapMs / currentSpeed();
      // After a long stall (or a speed drop) never let the schedule fall hours behind.
      if (lane.due < now - 5000) lane.due = now;
    }
  }, 20);

  const housekeeping = setInterval(() => {
    const now = Date.now();
    for (const client of clients) {
      if (now - client.lastActivity > idleTimeoutMs) {
        idleClosed++;
        client.ws.close(1000, 'idle timeout');
      }
    }
  }, Math.min(5000, Math.max(200, idleTimeoutMs / 4)));

  const http = createServer((req, res) => { handleHttp(req, res).catch((error: unknown) => json(res, 500, { error: { name: 'server_error', message: String(error) } })); });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '');
    if (path !== '/websocket/v1') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const client: Client = { ws, lastActivity: Date.now(), sent: 0 };
    clients.add(client);
    ws.on('ping', () => { client.lastActivity = Date.now(); });
    ws.on('pong', () => { client.lastActivity = Date.now(); });
    ws.on('message', (data, isBinary) => {
      client.lastActivity = Date.now();
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
      if (!isBinary && text.trim() === 'PING') {
        send(client, Buffer.from('{"status":"UP"}'));
        client.statusTimer ??= setInterval(() => send(client, Buffer.from('{"status":"UP"}')), statusIntervalMs);
        return;
      }
      const request = parseRequest(text);
      if ('error' in request) {
        send(client, errorFrame(request.error, request.detail));
        return;
      }
      client.sub = request;
      if (request.snapshot) {
        // Unknown codes are silently ignored, as Upbit does: no snapshot, no stream.
        for (const code of request.codes) {
          const lane = lanes.get(code);
          if (lane) send(client, encode({ ...lane.book.last, stream_type: 'SNAPSHOT', timestamp: Date.now() }, request.format));
        }
      }
    });
    ws.on('close', () => {
      clients.delete(client);
      if (client.statusTimer) clearInterval(client.statusTimer);
    });
    ws.on('error', () => undefined);
  });

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/$/, '');
    if (path === '/health') return json(res, 200, { ok: true, markets: lanes.size, clients: clients.size });
    if (path.startsWith('/_replay/')) return control(req, res, path.slice('/_replay/'.length), url.searchParams);
    if (req.method !== 'GET') return json(res, 405, { error: { name: 'method_not_allowed', message: 'GET만 지원합니다' } });
    if (path === '/v1/market/all') {
      const details = url.searchParams.get('is_details') === 'true';
      return json(res, 200, [...lanes.values()].map(({ book: { def } }) => ({
        market: def.market,
        korean_name: def.korean_name,
        english_name: def.english_name,
        ...(details ? { market_event: { warning: !!def.warning, caution: { PRICE_FLUCTUATIONS: false, TRADING_VOLUME_SOARING: false, DEPOSIT_AMOUNT_SOARING: false, GLOBAL_PRICE_DIFFERENCES: false, CONCENTRATION_OF_SMALL_ACCOUNTS: false } } } : {}),
      })));
    }
    if (path === '/v1/ticker') {
      const codes = (url.searchParams.get('markets') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
      if (codes.length === 0) return json(res, 400, { error: { name: 'invalid_parameter', message: 'markets 파라미터가 필요합니다' } });
      const unknown = codes.filter((code) => !lanes.has(code));
      if (unknown.length > 0) return json(res, 404, { error: { name: '404', message: 'Code not found' } });
      return json(res, 200, codes.map((code) => restTicker(lanes.get(code)!.book.last)));
    }
    const candle = /^\/v1\/candles\/minutes\/(\d+)$/.exec(path);
    if (candle) return candles(res, Number(candle[1]), url.searchParams);
    return json(res, 404, { error: { name: 'not_found', message: `없는 경로입니다: ${path}` } });
  }

  function restTicker(t: Ticker): Record<string, unknown> {
    const kst = new Date(t.trade_timestamp + 9 * 3600_000).toISOString();
    return {
      market: t.code, trade_date: t.trade_date, trade_time: t.trade_time,
      trade_date_kst: kst.slice(0, 10).replaceAll('-', ''), trade_time_kst: kst.slice(11, 19).replaceAll(':', ''),
      trade_timestamp: t.trade_timestamp, opening_price: t.opening_price, high_price: t.high_price, low_price: t.low_price,
      trade_price: t.trade_price, prev_closing_price: t.prev_closing_price, change: t.change, change_price: t.change_price,
      change_rate: t.change_rate, signed_change_price: t.signed_change_price, signed_change_rate: t.signed_change_rate,
      trade_volume: t.trade_volume, acc_trade_price: t.acc_trade_price, acc_trade_price_24h: t.acc_trade_price_24h,
      acc_trade_volume: t.acc_trade_volume, acc_trade_volume_24h: t.acc_trade_volume_24h,
      highest_52_week_price: t.highest_52_week_price, highest_52_week_date: t.highest_52_week_date,
      lowest_52_week_price: t.lowest_52_week_price, lowest_52_week_date: t.lowest_52_week_date, timestamp: Date.now(),
    };
  }

  function candles(res: ServerResponse, unit: number, params: URLSearchParams): void {
    if (![1, 3, 5, 10, 15, 30, 60, 240].includes(unit)) return json(res, 400, { error: { name: 'invalid_parameter', message: `지원하지 않는 분 단위입니다: ${unit}` } });
    const market = params.get('market') ?? '';
    const lane = lanes.get(market);
    if (!lane) return json(res, 404, { error: { name: '404', message: 'Code not found' } });
    const count = Math.min(200, Math.max(1, Number(params.get('count') ?? '1') || 1));
    const toText = params.get('to');
    // `to` is exclusive; a value without a zone is read as UTC here.
    const to = toText ? Date.parse(/Z|[+-]\d\d:?\d\d$/.test(toText) ? toText : `${toText.replace(' ', 'T')}Z`) : Infinity;
    if (Number.isNaN(to)) return json(res, 400, { error: { name: 'invalid_parameter', message: `to 형식이 올바르지 않습니다: ${toText}` } });
    const size = unit * 60_000;
    const groups = new Map<number, { open: number; openTs: number; high: number; low: number; close: number; lastTs: number; volume: number; value: number }>();
    for (const bar of [...lane.book.bars.values()].sort((a, b) => a.start - b.start)) {
      const start = Math.floor(bar.start / size) * size;
      if (start >= to) continue;
      const group = groups.get(start);
      if (!group) groups.set(start, { open: bar.open, openTs: bar.start, high: bar.high, low: bar.low, close: bar.close, lastTs: bar.lastTs, volume: bar.volume, value: bar.value });
      else {
        group.high = Math.max(group.high, bar.high); group.low = Math.min(group.low, bar.low);
        if (bar.lastTs >= group.lastTs) { group.close = bar.close; group.lastTs = bar.lastTs; }
        group.volume += bar.volume; group.value += bar.value;
      }
    }
    const out = [...groups.entries()].sort(([a], [b]) => b - a).slice(0, count).map(([start, g]) => ({
      market,
      candle_date_time_utc: new Date(start).toISOString().slice(0, 19),
      candle_date_time_kst: new Date(start + 9 * 3600_000).toISOString().slice(0, 19),
      opening_price: g.open, high_price: g.high, low_price: g.low, trade_price: g.close,
      timestamp: g.lastTs,
      candle_acc_trade_price: Number(g.value.toFixed(8)),
      candle_acc_trade_volume: Number(g.volume.toFixed(8)),
      unit,
    }));
    json(res, 200, out);
  }

  function control(req: IncomingMessage, res: ServerResponse, action: string, params: URLSearchParams): void {
    if (!options.controlFromAnyAddress && !isLoopback(req.socket.remoteAddress)) return json(res, 403, { error: { name: 'forbidden', message: '/_replay/는 이 컴퓨터(loopback)에서만 쓸 수 있습니다' } });
    if (action === 'state' && req.method === 'GET') return json(res, 200, replay.state());
    if (req.method !== 'POST') return json(res, 405, { error: { name: 'method_not_allowed', message: 'POST로 요청하세요' } });
    const number = (name: string, fallback: number) => { const v = Number(params.get(name) ?? fallback); return Number.isFinite(v) ? v : fallback; };
    switch (action) {
      case 'speed': {
        const x = number('x', NaN);
        if (!(x > 0 && x <= 1000)) return json(res, 400, { error: { name: 'invalid_parameter', message: 'x는 0보다 크고 1000 이하여야 합니다' } });
        replay.setSpeed(x);
        return json(res, 200, { speed: x });
      }
      case 'burst': {
        const before = currentSpeed();
        burstFactor = Math.min(100, Math.max(1, number('factor', 10)));
        burstUntil = Date.now() + Math.min(600, Math.max(1, number('seconds', 60))) * 1000;
        replan(before);
        log(`burst x${burstFactor} until ${new Date(burstUntil).toISOString()}`);
        return json(res, 200, { factor: burstFactor, until: new Date(burstUntil).toISOString() });
      }
      case 'late': {
        const market = params.get('market') ?? '';
        if (!lanes.has(market)) return json(res, 404, { error: { name: '404', message: `없는 마켓입니다: ${market}` } });
        const offsetMs = Math.round(number('offsetSec', 60) * 1000);
        const count = Math.min(100, Math.max(1, Math.round(number('count', 1))));
        for (let i = 0; i < count; i++) pendingLate.push({ market, offsetMs });
        return json(res, 200, { market, offsetSec: offsetMs / 1000, count });
      }
      case 'fault': {
        const kind = params.get('kind') ?? '';
        if (!['garbage', 'not-json', 'simple', 'drop', 'close'].includes(kind)) return json(res, 400, { error: { name: 'invalid_parameter', message: 'kind: garbage | not-json | simple | drop | close' } });
        faults++;
        for (const client of clients) {
          if (kind === 'garbage') send(client, Buffer.from('{"type":"ticker","code":'));
          else if (kind === 'not-json') send(client, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
          else if (kind === 'simple') { const lane = [...lanes.values()][0]!; send(client, encode(lane.book.last, 'SIMPLE')); }
          else if (kind === 'drop') client.ws.terminate();
          else client.ws.close(1001, 'going away');
        }
        return json(res, 200, { kind, clients: clients.size });
      }
      default:
        return json(res, 404, { error: { name: 'not_found', message: `없는 제어 명령입니다: ${action}` } });
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8765, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  const replay: Replay = {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/websocket/v1`,
    port,
    setSpeed(x: number) {
      const before = currentSpeed();
      speed = x;
      replan(before);
    },
    state() {
      return {
        speed, burst: Date.now() < burstUntil ? { factor: burstFactor, until: new Date(burstUntil).toISOString() } : null,
        seed, startedAt: new Date(startedAt).toISOString(), clients: clients.size, slowClosed, idleClosed, faults,
        served: Object.fromEntries([...lanes].map(([code, lane]) => [code, lane.book.served])),
      };
    },
    async close() {
      clearInterval(pump);
      clearInterval(housekeeping);
      for (const client of clients) { if (client.statusTimer) clearInterval(client.statusTimer); client.ws.terminate(); }
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
  return replay;
}
