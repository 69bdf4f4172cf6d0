// The pipeline's first stage: Upbit's ticker WebSocket (or the offline stand-in) -> Kafka
// topic `upbit-ticker`, key = market code, value = Upbit's DEFAULT JSON exactly as received,
// record timestamp = trade_timestamp. acks=all through ONE idempotent producer that lives as
// long as the process (a replaced producer gets a new id, and its retries become
// duplicates). The buffer between socket and producer is bounded: when it fills, the socket
// is paused (TCP back-pressure to the source) instead of anything being dropped. Only what
// the brokers acknowledged is counted in the report that later chapters check against.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Partitioners } from 'kafkajs';
import { DEFAULT_BROKERS, STATE_DIR, describeKafkaError, ensureTopic, kafkaClient, writeJson } from '../../02-kafka/clients/common.ts';
import { TickerDefaultLoose, UpbitError, UpbitStatus, tickerIdentity } from '../upbit/ticker-schema.ts';
import { REPORT_VERSION, ReportBuilder, type CollectorReport } from '../upbit/report.ts';

const UPBIT_WS = 'wss://api.upbit.com/websocket/v1';
const DEFAULT_SOURCE = 'ws://localhost:8765/websocket/v1';
export const DEFAULT_MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE'];

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: process.env['UPBIT_SOURCE'] ?? DEFAULT_SOURCE },
    markets: { type: 'string', default: process.env['UPBIT_MARKETS'] ?? DEFAULT_MARKETS.join(',') },
    topic: { type: 'string', default: 'upbit-ticker' },
    brokers: { type: 'string', default: DEFAULT_BROKERS.join(',') },
    'max-pending': { type: 'string', default: '5000' },
    'batch-size': { type: 'string', default: '500' },
    'flush-timeout': { type: 'string', default: '30' },
    'acked-log': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const source = values.source === 'upbit' ? UPBIT_WS : values.source;
const restBase = (() => {
  const url = new URL(source);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
})();
const maxPending = Math.max(10, Number(values['max-pending']) || 5000);
const batchSize = Math.max(1, Math.min(1000, Number(values['batch-size']) || 500));
const dir = join(STATE_DIR, 'collector');
const reportFile = join(dir, 'report.json');
const rejectedFile = join(dir, 'rejected.ndjson');
const ackedFile = join(dir, 'acked.ndjson');

interface Pending { seq: number; market: string; value: string; tradeTs: number; volume: number; serverTs: number; identity: string }

const queues = new Map<number, Pending[]>();
let queued = 0;
let inFlight = 0;
let nextSeq = 0;
let running = true;
let paused = false;
let ws: WebSocket | undefined;
let partitionCount = 3;
const builder = new ReportBuilder();
const startedAt = new Date();
const stats = {
  received: 0, rejected: 0, snapshotsSkipped: 0, reconnects: 0, sendFailures: 0, pauses: 0,
  lastError: '' as string, connected: false, lastReconnectMs: null as number | null, maxPending: 0,
};
const latencySample: number[] = [];
const partitioner = Partitioners.DefaultPartitioner();
const partitionMetadata = () => Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
const pending = () => queued + inFlight;

function partitionOf(market: string): number {
  // kafkajs's default partitioner is Java's murmur2, so a market lands where any Kafka client
  // would put that key; choosing it here lets every send() carry exactly one partition.
  return partitioner({ topic: values.topic, partitionMetadata: partitionMetadata(), message: { key: market, value: null } });
}

function say(line: string) {
  if (process.stdout.isTTY && !values.quiet) process.stdout.write('\r\x1b[K');
  console.log(line);
}

async function resolveMarkets(): Promise<string[]> {
  let wanted: string[];
  let known: Set<string> | undefined;
  try {
    const response = await fetch(`${restBase}/v1/market/all`, { signal: AbortSignal.timeout(5000) });
    if (response.ok) known = new Set(((await response.json()) as { market: string }[]).map((m) => m.market));
  } catch (error) {
    say(`마켓 목록(${restBase}/v1/market/all)을 읽지 못했습니다: ${(error as Error).message}. 코드 확인 없이 진행합니다.`);
  }
  if (values.markets.trim().toLowerCase() === 'all-krw') {
    if (!known) throw new Error('--markets all-krw에는 /v1/market/all 응답이 필요합니다');
    wanted = [...known].filter((m) => m.startsWith('KRW-'));
  } else {
    wanted = values.markets.split(',').map((m) => m.trim()).filter(Boolean);
  }
  const upper = wanted.map((m) => m.toUpperCase());
  const changed = upper.filter((m, i) => m !== wanted[i]);
  if (changed.length > 0) say(`업비트는 대문자 코드만 알아듣습니다: ${changed.join(', ')}로 바꿔 구독합니다.`);
  const unknown = known ? upper.filter((m) => !known.has(m)) : [];
  if (unknown.length > 0) say(`없는 마켓 코드는 뺍니다 (업비트는 이런 코드에 아무것도 보내지 않습니다): ${unknown.join(', ')}`);
  const result = [...new Set(upper.filter((m) => !unknown.includes(m)))];
  if (result.length === 0) throw new Error('구독할 마켓이 하나도 없습니다. --markets KRW-BTC,KRW-ETH 처럼 정확한 코드를 주세요.');
  return result;
}

function reject(reason: string, raw: string) {
  stats.rejected++;
  if (stats.rejected <= 1000) appendFileSync(rejectedFile, `${JSON.stringify({ at: new Date().toISOString(), reason, raw: raw.slice(0, 2000) })}\n`);
  if (stats.rejected <= 5 || stats.rejected % 100 === 0) say(`받은 메시지를 버립니다 (${stats.rejected}번째, ${reason}). 원문은 ${rejectedFile}`);
}

let fatal: string | undefined;

function onFrame(data: WebSocket.RawData) {
  const raw = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return reject('JSON이 아님', raw);
  }
  if (UpbitStatus.safeParse(parsed).success) return;
  const error = UpbitError.safeParse(parsed);
  if (error.success) {
    // Upbit answers a bad request with an error object; retrying the same request cannot help.
    fatal = `업비트 오류 ${error.data.error.name}: ${error.data.error.message}`;
    say(`${fatal} (구독 요청이 거부됐습니다. 마켓 코드와 형식을 확인하세요)`);
    void shutdown(2);
    return;
  }
  const ticker = TickerDefaultLoose.safeParse(parsed);
  if (!ticker.success) {
    const simple = parsed && typeof parsed === 'object' && 'ty' in parsed;
    return reject(simple ? 'SIMPLE 형식 (DEFAULT를 기대함)' : `티커 스키마 위반: ${ticker.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, raw);
  }
  const t = ticker.data;
  if (t.stream_type === 'SNAPSHOT') {
    // A snapshot repeats the market's last trade: producing it would double that trade's volume.
    stats.snapshotsSkipped++;
    return;
  }
  stats.received++;
  const partition = partitionOf(t.code);
  let queue = queues.get(partition);
  if (!queue) queues.set(partition, queue = []);
  queue.push({ seq: nextSeq++, market: t.code, value: raw, tradeTs: t.trade_timestamp, volume: t.trade_volume, serverTs: t.timestamp, identity: tickerIdentity(t) });
  queued++;
  stats.maxPending = Math.max(stats.maxPending, pending());
  if (!paused && pending() >= maxPending && ws) {
    paused = true;
    stats.pauses++;
    ws.pause();
    say(`버퍼가 가득 찼습니다 (${pending()}건): 소스 읽기를 멈추고 브로커가 따라잡기를 기다립니다`);
  }
  wake();
}

let wakeUp: (() => void) | undefined;
function wake() { const w = wakeUp; wakeUp = undefined; w?.(); }
const sleep = (ms: number) => new Promise<void>((resolve) => { const timer = setTimeout(resolve, ms); wakeUp = () => { clearTimeout(timer); resolve(); }; });

function oldestPartition(): number | undefined {
  let best: number | undefined, bestSeq = Infinity;
  for (const [partition, queue] of queues) if (queue.length > 0 && queue[0]!.seq < bestSeq) { bestSeq = queue[0]!.seq; best = partition; }
  return best;
}

const kafka = kafkaClient('upbit-collector', values.brokers.split(','), 10_000);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 } });

async function sendLoop() {
  let failures = 0;
  // A batch that failed is retried exactly as it was: same records, same partition, same
  // size. kafkajs gives it the same sequence numbers again, so if the first attempt did land,
  // the broker recognises the repeat and answers with the original offsets. A retry with a
  // different batch boundary would start at the same sequence but end elsewhere, which the
  // broker rejects as out of order, and writes would never resume.
  let retry: { partition: number; batch: Pending[] } | undefined;
  while (running || pending() > 0) {
    let partition: number;
    let batch: Pending[];
    if (retry) {
      ({ partition, batch } = retry);
    } else {
      const oldest = oldestPartition();
      if (oldest === undefined) {
        if (!running) break;
        await sleep(200);
        continue;
      }
      partition = oldest;
      const queue = queues.get(partition)!;
      batch = queue.splice(0, batchSize);
      queued -= batch.length;
      inFlight = batch.length;
    }
    try {
      await producer.send({
        topic: values.topic,
        acks: -1,
        messages: batch.map((p) => ({ partition, key: p.market, value: p.value, timestamp: String(p.tradeTs) })),
      });
      const now = Date.now();
      for (const p of batch) {
        builder.add(p.market, p.tradeTs, p.volume);
        if (latencySample.length < 200_000) latencySample.push(now - p.serverTs);
      }
      if (values['acked-log']) appendFileSync(ackedFile, batch.map((p) => `${JSON.stringify(p.identity)}\n`).join(''));
      inFlight = 0;
      retry = undefined;
      failures = 0;
    } catch (error) {
      retry = { partition, batch };
      stats.sendFailures++;
      stats.lastError = describeKafkaError(error);
      failures++;
      if (failures === 1 || failures % 10 === 0) say(`Kafka 쓰기 실패 (${stats.lastError}), 대기 ${pending()}건을 버리지 않고 같은 배치를 다시 보냅니다`);
      const backoff = Math.min(5000, 200 * 2 ** Math.min(failures, 5));
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
    if (paused && pending() <= maxPending / 2 && ws && running) {
      paused = false;
      ws.resume();
      say(`버퍼가 ${pending()}건으로 줄어 소스 읽기를 다시 시작합니다`);
    }
  }
}

let attempt = 0;
let droppedAt: number | undefined;
let reconnectTimer: NodeJS.Timeout | undefined;
let markets: string[] = [];
let startOffsets: Record<string, number> = {};

function connect() {
  if (!running) return;
  const socket = new WebSocket(source, { handshakeTimeout: 10_000, maxPayload: 1024 * 1024 });
  ws = socket;
  let lastHeard = Date.now();
  let keepAlive: NodeJS.Timeout | undefined;
  socket.on('open', () => {
    attempt = 0;
    stats.connected = true;
    if (droppedAt !== undefined) {
      stats.lastReconnectMs = Date.now() - droppedAt;
      say(`다시 연결했습니다 (${stats.lastReconnectMs} ms 만에): ${source}`);
      droppedAt = undefined;
    }
    // is_only_realtime: the snapshot would repeat a trade we may already have produced.
    socket.send(JSON.stringify([{ ticket: `upbit-lab-${randomUUID()}` }, { type: 'ticker', codes: markets, is_only_realtime: true }, { format: 'DEFAULT' }]));
    keepAlive = setInterval(() => {
      // Upbit closes a silent connection after about 120 s; a ping every 30 s keeps it open,
      // and 70 s without a frame or pong means the connection is dead even if TCP says not.
      if (paused) { lastHeard = Date.now(); return; }
      if (Date.now() - lastHeard > 70_000) { say('70초 동안 아무것도 받지 못해 연결을 끊고 다시 붙습니다'); socket.terminate(); return; }
      socket.ping();
    }, 30_000);
  });
  socket.on('message', (data) => { lastHeard = Date.now(); onFrame(data); });
  socket.on('pong', () => { lastHeard = Date.now(); });
  socket.on('error', (error) => { stats.lastError = `소스: ${error.message}`; });
  socket.on('close', (code, reason) => {
    if (keepAlive) clearInterval(keepAlive);
    const wasConnected = stats.connected;
    stats.connected = false;
    if (ws === socket) ws = undefined;
    paused = false;
    if (!running) return;
    if (wasConnected) {
      droppedAt = Date.now();
      stats.reconnects++;
      say(`소스 연결이 끊겼습니다 (code ${code}${reason.length ? `, ${reason.toString()}` : ''}). 다시 연결합니다`);
    }
    droppedAt ??= Date.now();
    // Capped exponential backoff with jitter: many collectors must not reconnect in lockstep.
    const ceiling = Math.min(30_000, 250 * 2 ** Math.min(attempt++, 7));
    reconnectTimer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function report(final = false): CollectorReport & Record<string, unknown> {
  return {
    version: REPORT_VERSION,
    source,
    startedAt: startedAt.toISOString(),
    updatedAt: new Date().toISOString(),
    acked: builder.acked,
    pending: pending(),
    reconnects: stats.reconnects,
    markets: builder.markets(),
    // Beyond the contract: diagnostics for the lab and the failure tests.
    topic: values.topic,
    startOffsets,
    subscribed: markets,
    received: stats.received,
    rejected: stats.rejected,
    snapshotsSkipped: stats.snapshotsSkipped,
    sendFailures: stats.sendFailures,
    pauses: stats.pauses,
    maxPending: stats.maxPending,
    lastReconnectMs: stats.lastReconnectMs,
    latencyMs: { p50: percentile(latencySample, 0.5), p99: percentile(latencySample, 0.99), samples: latencySample.length },
    rssMb: Math.round(process.memoryUsage().rss / 1e5) / 10,
    final,
    ...(fatal ? { fatal } : {}),
  };
}

let lastAcked = 0;
let lastTick = Date.now();
const ticker = setInterval(() => {
  const now = Date.now();
  const rate = ((builder.acked - lastAcked) * 1000) / Math.max(1, now - lastTick);
  lastAcked = builder.acked;
  lastTick = now;
  writeJson(reportFile, report());
  if (values.quiet) return;
  const line = `${stats.connected ? '● 연결' : '○ 끊김'} ${source} | ${rate.toFixed(0)}건/s | acked ${builder.acked} | 대기 ${pending()}${paused ? ' (읽기 멈춤)' : ''} | 재연결 ${stats.reconnects}${stats.rejected ? ` | 버림 ${stats.rejected}` : ''}${stats.sendFailures && stats.lastError ? ` | 오류 ${stats.lastError}` : ''}`;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
  else if (now % 5000 < 1000) console.log(line);
}, 1000);

let exitCode = 0;
let stoppedAtMs = 0;
let stopRequested = 0;
async function shutdown(code = 0) {
  stopRequested++;
  if (stopRequested > 1 && code === 0) {
    say('두 번째 중지 요청: 남은 대기분을 기다리지 않고 끝냅니다 (보고서에는 acked만 있습니다)');
    writeJson(reportFile, report(true));
    process.exit(130);
  }
  if (!running) return;
  running = false;
  stoppedAtMs = Date.now();
  exitCode = code;
  if (reconnectTimer) clearTimeout(reconnectTimer);
  ws?.close(1000, 'collector stopping');
  wake();
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

try {
  mkdirSync(dir, { recursive: true });
  writeFileSync(rejectedFile, '');
  if (values['acked-log']) writeFileSync(ackedFile, '');
  markets = await resolveMarkets();
  const admin = kafka.admin();
  await admin.connect();
  try {
    partitionCount = await ensureTopic(admin, values.topic);
    // Where this run starts in each partition, so a check can compare exactly this run's records.
    startOffsets = Object.fromEntries((await admin.fetchTopicOffsets(values.topic)).map((o) => [String(o.partition), Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
  await producer.connect();
  say(`수집기 시작: ${source} → ${values.topic} (파티션 ${partitionCount}개, acks=all, 멱등 프로듀서 1개) · 마켓 ${markets.join(', ')} · 끝내려면 Ctrl-C`);
  connect();
  const flushTimeoutMs = Number(values['flush-timeout']) * 1000;
  await Promise.race([
    sendLoop(),
    // Bounded flush: after a stop request, wait at most --flush-timeout for the brokers.
    new Promise<void>((resolve) => {
      const check = setInterval(() => { if (!running && Date.now() - stoppedAtMs > flushTimeoutMs) { clearInterval(check); resolve(); } else if (!running && pending() === 0) { clearInterval(check); resolve(); } }, 200);
    }),
  ]);
} catch (error) {
  fatal ??= describeKafkaError(error);
  exitCode = exitCode || 1;
  say(`수집기 오류: ${fatal}`);
} finally {
  running = false;
  if (reconnectTimer) clearTimeout(reconnectTimer);
  ws?.terminate();
  clearInterval(ticker);
  await producer.disconnect().catch(() => undefined);
  const final = report(true);
  writeJson(reportFile, final);
  say(`종료: acked ${final.acked}건, 남은 대기 ${final.pending}건, 재연결 ${final.reconnects}번, 버린 메시지 ${final.rejected}건. 보고서: ${reportFile}`);
  process.exit(exitCode);
}
