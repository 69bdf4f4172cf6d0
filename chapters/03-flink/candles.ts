// Exactness evidence for chapter 3: reads the 1-minute candles Flink committed to Kafka
// (read_committed, so aborted transactions stay invisible, as for any correct consumer) and
// compares them per market and UTC minute with what the collector says the brokers acked.
// "Lost" = an acked minute without a candle, "duplicated" = more than one committed candle
// for one market and minute, "mismatched" = tick count or exact volume differ.
// Run it: node chapters/03-flink/candles.ts [--report FILE] [--since 2026-11-30T12:34Z] [--json]
// (default --since: the minute after the collector started)
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { kafkaClient, DEFAULT_BROKERS, STATE_DIR } from '../02-kafka/clients/common.ts';
import { join } from 'node:path';

// ---- exact decimals (units of 1e-8), the same arithmetic Flink's DECIMAL(38,8) does ----
const SCALE = 8;
const FACTOR = 10n ** BigInt(SCALE);

/** Decimal text (or a JS number) -> units of 1e-8. Text is taken digit by digit, never via a double. */
export function toUnits(value: string | number): bigint {
  let text = typeof value === 'number' ? value.toFixed(SCALE) : value.trim();
  if (/e/i.test(text)) text = Number(text).toFixed(SCALE);
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  const [whole = '0', fraction = ''] = text.split('.');
  if (fraction.length > SCALE && /[1-9]/.test(fraction.slice(SCALE))) throw new Error(`more than ${SCALE} decimals: ${value}`);
  const units = BigInt(whole || '0') * FACTOR + BigInt((fraction + '0'.repeat(SCALE)).slice(0, SCALE));
  return negative ? -units : units;
}

export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  return `${negative ? '-' : ''}${abs / FACTOR}.${(abs % FACTOR).toString().padStart(SCALE, '0')}`;
}

/** The collector's minute key: UTC minute of trade_timestamp, e.g. 2026-11-30T12:34Z. */
export function minuteKey(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16)}Z`;
}

// ---- the collector report contract (.lab-state/collector/report.json) ----
export interface MinuteCount { ticks: number; volume: string }
export interface CollectorReport {
  version: 1;
  source: string;
  startedAt: string;
  updatedAt: string;
  acked: number;
  pending: number;
  reconnects: number;
  markets: Record<string, { acked: number; minutes: Record<string, MinuteCount> }>;
}

export const collectorReportPath = (stateDir = STATE_DIR) => join(stateDir, 'collector', 'report.json');

export function readCollectorReport(path: string): CollectorReport {
  const report = JSON.parse(readFileSync(path, 'utf8')) as CollectorReport;
  if (report.version !== 1 || typeof report.markets !== 'object') throw new Error(`${path} is not a version 1 collector report`);
  return report;
}

/** Builds a report in the contract's shape from acked ticks (used by the dev producer). */
export class ReportAccumulator {
  readonly #markets = new Map<string, Map<string, { ticks: number; units: bigint }>>();
  acked = 0;

  add(market: string, tradeTs: number, volume: string | number): void {
    let minutes = this.#markets.get(market);
    if (!minutes) this.#markets.set(market, minutes = new Map());
    const key = minuteKey(tradeTs);
    const entry = minutes.get(key) ?? { ticks: 0, units: 0n };
    entry.ticks++;
    entry.units += toUnits(volume);
    minutes.set(key, entry);
    this.acked++;
  }

  load(report: CollectorReport): void {
    for (const [market, data] of Object.entries(report.markets)) {
      const minutes = this.#markets.get(market) ?? new Map<string, { ticks: number; units: bigint }>();
      for (const [key, m] of Object.entries(data.minutes)) minutes.set(key, { ticks: m.ticks, units: toUnits(m.volume) });
      this.#markets.set(market, minutes);
    }
    this.acked = report.acked;
  }

  report(source: string, startedAt: string): CollectorReport {
    const markets: CollectorReport['markets'] = {};
    for (const [market, minutes] of [...this.#markets].sort(([a], [b]) => a.localeCompare(b))) {
      let acked = 0;
      const out: Record<string, MinuteCount> = {};
      for (const [key, m] of [...minutes].sort(([a], [b]) => a.localeCompare(b))) {
        out[key] = { ticks: m.ticks, volume: formatUnits(m.units) };
        acked += m.ticks;
      }
      markets[market] = { acked, minutes: out };
    }
    return { version: 1, source, startedAt, updatedAt: new Date().toISOString(), acked: this.acked, pending: 0, reconnects: 0, markets };
  }
}

// ---- reading the candles ----
export interface Candle {
  market: string;
  minute: string;          // UTC minute key of window_start
  windowStart: string;     // as written by Flink (ISO-8601, UTC)
  ticks: number;
  volume: string;          // exact decimal text from the record
  open: number; high: number; low: number; close: number;
  partition: number;
  offset: string;
}

/** The candle's fields from a record value; volume keeps the digits Flink wrote. */
export function parseCandle(raw: string, partition = -1, offset = '-1'): Candle {
  const value = JSON.parse(raw) as Record<string, unknown>;
  const volumeText = /"volume"\s*:\s*"?(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)/.exec(raw)?.[1];
  const windowStart = String(value['window_start']);
  const startMs = Date.parse(windowStart.endsWith('Z') || windowStart.includes('+') ? windowStart : `${windowStart}Z`);
  if (!value['market'] || Number.isNaN(startMs) || volumeText === undefined) throw new Error(`not a candle: ${raw.slice(0, 200)}`);
  return {
    market: String(value['market']),
    minute: minuteKey(startMs),
    windowStart,
    ticks: Number(value['ticks']),
    volume: formatUnits(toUnits(volumeText)),
    open: Number(value['open_price']), high: Number(value['high_price']), low: Number(value['low_price']), close: Number(value['close_price']),
    partition,
    offset,
  };
}

export interface ReadOptions {
  brokers?: string[];
  topic?: string;
  /** Give up waiting for more records after this long without one (ms). */
  idleMs?: number;
  /** Hard limit for the whole read (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Reads every committed candle from the beginning of the topic. Stops when each partition
 * reached its last stable offset (what a read_committed consumer can see now), or after
 * idleMs without a record, or at timeoutMs. Uses a throwaway consumer group, deleted after.
 */
export async function readCommittedCandles(options: ReadOptions = {}): Promise<{ candles: Candle[]; unreadable: number }> {
  const topic = options.topic ?? 'upbit-candles-1m';
  const kafka = kafkaClient('candles-check', options.brokers ?? DEFAULT_BROKERS);
  const admin = kafka.admin();
  const groupId = `candles-check-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
  const candles: Candle[] = [];
  let unreadable = 0;
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return { candles, unreadable };
    // Listing offsets as a read_committed client gives the last stable offset per partition.
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: BigInt(p.low), stable: BigInt(p.offset) }]));
    const remaining = new Set([...ends].filter(([, e]) => e.stable > e.low).map(([p]) => p));
    if (remaining.size === 0) return { candles, unreadable };
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let lastRecordAt = Date.now();
    const done = new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const now = Date.now();
        if (remaining.size === 0 || now - lastRecordAt > (options.idleMs ?? 4000)) finish();
        else if (now - started > (options.timeoutMs ?? 60_000)) finish(new Error(`reading ${topic} took longer than ${(options.timeoutMs ?? 60_000) / 1000} s`));
      }, 200);
      const onAbort = () => finish(new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      function finish(error?: Error) {
        clearInterval(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error); else resolve();
      }
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        lastRecordAt = Date.now();
        try {
          candles.push(parseCandle(message.value?.toString('utf8') ?? '', partition, message.offset));
        } catch {
          unreadable++;
        }
        // A commit marker follows the last record of a transaction, so a partition is done
        // when the next offset reaches the stable end minus that one marker.
        const end = ends.get(partition);
        if (end && BigInt(message.offset) + 2n >= end.stable) remaining.delete(partition);
      },
    });
    await done;
    return { candles, unreadable };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

// ---- the comparison ----
export interface MinuteProblem { market: string; minute: string; expected?: MinuteCount; got?: MinuteCount[] }
export interface Exactness {
  /** Minutes compared: report minutes from `since` up to, not including, the newest minute with a candle. */
  compared: number;
  matched: number;
  lost: MinuteProblem[];
  duplicated: MinuteProblem[];
  mismatched: MinuteProblem[];
  /** Candles of judged minutes the report does not know (another producer wrote the topic). */
  extra: MinuteProblem[];
  candles: number;
  newestMinute: string | undefined;
  since: string | undefined;
  markets: Record<string, { compared: number; matched: number }>;
}

/**
 * Compares candles with the report. Only closed minutes can be judged: a minute counts as
 * closed when a candle of a later minute exists for any market, because the job's watermark
 * is one for all markets. The newest minute itself is left out: its commit markers may not
 * have reached every partition at the moment the read began. `since` (a minute key) skips
 * older minutes, e.g. the partial first minute of a collector started while the topic
 * already had data.
 */
export function compareWithReport(candles: Candle[], report: CollectorReport, since?: string): Exactness {
  const byKey = new Map<string, Candle[]>();
  for (const candle of candles) {
    const key = `${candle.market}|${candle.minute}`;
    byKey.set(key, [...(byKey.get(key) ?? []), candle]);
  }
  const newestMinute = candles.reduce<string | undefined>((max, c) => (max === undefined || c.minute > max ? c.minute : max), undefined);
  const from = since ?? Object.values(report.markets).flatMap((m) => Object.keys(m.minutes)).sort()[0];
  const result: Exactness = { compared: 0, matched: 0, lost: [], duplicated: [], mismatched: [], extra: [], candles: candles.length, newestMinute, since: from, markets: {} };
  if (newestMinute === undefined) return result;
  const count = (c: Candle): MinuteCount => ({ ticks: c.ticks, volume: c.volume });
  for (const [market, data] of Object.entries(report.markets)) {
    const stats = result.markets[market] = { compared: 0, matched: 0 };
    for (const [minute, expected] of Object.entries(data.minutes)) {
      if ((from && minute < from) || minute >= newestMinute) continue;
      stats.compared++;
      result.compared++;
      const got = byKey.get(`${market}|${minute}`) ?? [];
      if (got.length === 0) result.lost.push({ market, minute, expected });
      else if (got.length > 1) result.duplicated.push({ market, minute, expected, got: got.map(count) });
      else if (got[0]!.ticks !== expected.ticks || toUnits(got[0]!.volume) !== toUnits(expected.volume)) result.mismatched.push({ market, minute, expected, got: got.map(count) });
      else { stats.matched++; result.matched++; }
    }
  }
  for (const [key, got] of byKey) {
    const [market, minute] = key.split('|') as [string, string];
    // Judged over the same minutes as above: the newest minute's candles are not final yet.
    if ((from && minute < from) || minute >= newestMinute) continue;
    if (!report.markets[market]?.minutes[minute]) result.extra.push({ market, minute, got: got.map(count) });
    else if (got.length > 1 && !result.duplicated.some((d) => d.market === market && d.minute === minute)) result.duplicated.push({ market, minute, got: got.map(count) });
  }
  return result;
}

/**
 * The first minute judged against a report: the minute after the collector started. Its own
 * first minute is partial and may also hold ticks of an earlier collector run that ended in
 * the same minute, which this report does not know about.
 */
export function judgedFrom(report: Pick<CollectorReport, 'startedAt'>): string {
  return minuteKey(Date.parse(report.startedAt) + 60_000);
}

export const isExact = (e: Exactness) => e.compared > 0 && e.lost.length === 0 && e.duplicated.length === 0 && e.mismatched.length === 0;

// ---- command line ----
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      report: { type: 'string', default: collectorReportPath() },
      since: { type: 'string' },
      topic: { type: 'string', default: 'upbit-candles-1m' },
      json: { type: 'boolean', default: false },
    },
  });
  const report = readCollectorReport(values.report);
  const { candles, unreadable } = await readCommittedCandles({ topic: values.topic });
  const result = compareWithReport(candles, report, values.since ?? judgedFrom(report));
  if (values.json) {
    console.log(JSON.stringify({ ...result, unreadable }, null, 2));
  } else {
    console.log(`캔들 ${result.candles}개 (읽을 수 없는 레코드 ${unreadable}개), 비교한 분 ${result.compared}개 (${result.since} ~ ${result.newestMinute ?? '-'})`);
    console.log(`일치 ${result.matched}, 빠짐 ${result.lost.length}, 중복 ${result.duplicated.length}, 불일치 ${result.mismatched.length}, 보고에 없는 분 ${result.extra.length}`);
    for (const [label, list] of [['빠짐', result.lost], ['중복', result.duplicated], ['불일치', result.mismatched]] as const) {
      for (const p of list.slice(0, 10)) console.log(`  ${label} ${p.market} ${p.minute}: 보고 ${JSON.stringify(p.expected)} 캔들 ${JSON.stringify(p.got ?? [])}`);
    }
  }
  process.exitCode = isExact(result) ? 0 : 1;
}
