// Development and test producer for chapter 3: writes Upbit DEFAULT-format tickers to
// `upbit-ticker` (key = market code, record timestamp = trade_timestamp), the same shape the
// collector writes, and keeps a report in the collector's contract (acked ticks and exact
// 8-decimal volume per market and UTC minute). It lets the Flink jobs and checks be tested
// without the Upbit stand-in, and with timestamps chosen on purpose:
//   --backfill N   N whole minutes ending at the current minute, then exits
//   --live S       S seconds of ticks stamped "now" at --rate per second (default)
//   --late N       N ticks stamped --late-by seconds in the past (late-data tests)
// Only acknowledged sends are counted (acks=all, idempotent producer).
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { Partitioners, type Producer } from 'kafkajs';
import { DEFAULT_BROKERS, STATE_DIR, ensureTopic, kafkaClient, writeJson } from '../../02-kafka/clients/common.ts';
import { ReportAccumulator, type CollectorReport } from '../candles.ts';

const { values } = parseArgs({
  options: {
    markets: { type: 'string', default: 'KRW-BTC,KRW-ETH,KRW-XRP,KRW-SOL' },
    topic: { type: 'string', default: 'upbit-ticker' },
    brokers: { type: 'string', default: DEFAULT_BROKERS.join(',') },
    backfill: { type: 'string' },
    'per-minute': { type: 'string', default: '30' },
    live: { type: 'string' },
    rate: { type: 'string', default: '8' },
    late: { type: 'string' },
    'late-by': { type: 'string', default: '90' },
    market: { type: 'string' },
    report: { type: 'string', default: join(STATE_DIR, 'dev-ticks', 'report.json') },
    fresh: { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
  },
});

const markets = values.markets.split(',').map((m) => m.trim()).filter(Boolean);
const basePrice: Record<string, number> = { 'KRW-BTC': 135_200_000, 'KRW-ETH': 4_870_000, 'KRW-XRP': 3215, 'KRW-SOL': 231_400, 'KRW-DOGE': 352 };

// A small deterministic PRNG: repeated runs give the same volumes, which makes a failing
// exactness test reproducible.
let state = Number(values.seed) >>> 0 || 7;
const random = () => {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
};

const prices = new Map(markets.map((m) => [m, basePrice[m] ?? 10_000]));
function ticker(market: string, tradeTs: number): { value: string; volume: string } {
  const previous = prices.get(market)!;
  const price = Math.max(1, Math.round(previous * (1 + (random() - 0.5) * 0.004)));
  prices.set(market, price);
  // Volume in units of 1e-8 with up to 8 decimals, as Upbit sends it.
  const units = BigInt(Math.floor(random() * 5_000_000_000) + 1);
  const volume = `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`;
  const d = new Date(tradeTs);
  const iso = d.toISOString();
  const open = basePrice[market] ?? 10_000;
  const change = price > open ? 'RISE' : price < open ? 'FALL' : 'EVEN';
  const body = {
    type: 'ticker', code: market, opening_price: open, high_price: Math.max(open, price), low_price: Math.min(open, price),
    trade_price: price, prev_closing_price: open, change, change_price: Math.abs(price - open),
    signed_change_price: price - open, change_rate: Math.abs(price - open) / open, signed_change_rate: (price - open) / open,
    trade_volume: Number(volume), acc_trade_volume: 1000, acc_trade_volume_24h: 2000, acc_trade_price: 1e10, acc_trade_price_24h: 2e10,
    trade_date: iso.slice(0, 10).replaceAll('-', ''), trade_time: iso.slice(11, 19).replaceAll(':', ''), trade_timestamp: tradeTs,
    ask_bid: random() < 0.5 ? 'ASK' : 'BID', acc_ask_volume: 500, acc_bid_volume: 500,
    highest_52_week_price: open * 1.5, highest_52_week_date: '2026-03-14', lowest_52_week_price: open * 0.5, lowest_52_week_date: '2025-12-01',
    market_state: 'ACTIVE', is_trading_suspended: false, delisting_date: null, market_warning: 'NONE',
    timestamp: tradeTs + 5, stream_type: 'REALTIME',
  };
  return { value: JSON.stringify(body), volume };
}

const accumulator = new ReportAccumulator();
if (!values.fresh && existsSync(values.report)) accumulator.load(JSON.parse(readFileSync(values.report, 'utf8')) as CollectorReport);
const startedAt = new Date().toISOString();

// One send per market: every record of a send then goes to one partition (the chapter 2
// clients do the same to stay clear of a kafkajs retry bug with multi-partition sends).
async function sendTicks(producer: Producer, batch: { market: string; ts: number }[]): Promise<void> {
  const byMarket = new Map<string, { market: string; ts: number }[]>();
  for (const tick of batch) byMarket.set(tick.market, [...(byMarket.get(tick.market) ?? []), tick]);
  for (const [market, ticks] of byMarket) {
    const built = ticks.map((t) => ({ ...t, ...ticker(market, t.ts) }));
    await producer.send({
      topic: values.topic,
      acks: -1,
      messages: built.map((t) => ({ key: market, value: t.value, timestamp: String(t.ts) })),
    });
    for (const t of built) accumulator.add(market, t.ts, t.volume);
  }
  writeJson(values.report, accumulator.report('dev-ticks', startedAt));
}

const kafka = kafkaClient('dev-ticks', values.brokers.split(','));
const admin = kafka.admin();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
await admin.connect();
await ensureTopic(admin, values.topic);
await admin.disconnect();
await producer.connect();
try {
  if (values.backfill) {
    const minutes = Number(values.backfill);
    const perMinute = Number(values['per-minute']);
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - minutes * 60_000;
    for (let minute = start; minute < end; minute += 60_000) {
      const batch: { market: string; ts: number }[] = [];
      for (let i = 0; i < perMinute; i++) {
        // Ticks spread over the minute, in time order (ms offsets strictly increase).
        const ts = minute + Math.floor(((i + random() * 0.9) / perMinute) * 60_000);
        for (const market of markets) batch.push({ market, ts });
      }
      await sendTicks(producer, batch);
    }
    console.log(`backfill: ${minutes} min x ${perMinute} ticks x ${markets.length} markets -> ${values.topic}`);
  }
  if (values.late) {
    const count = Number(values.late);
    const lateBy = Number(values['late-by']) * 1000;
    const market = values.market ?? markets[0]!;
    const now = Date.now();
    const batch = Array.from({ length: count }, (_, i) => ({ market, ts: now - lateBy + i }));
    await sendTicks(producer, batch);
    console.log(`late: ${count} ticks for ${market} stamped ${values['late-by']} s ago (${new Date(now - lateBy).toISOString()})`);
  }
  if (values.live || (!values.backfill && !values.late)) {
    const seconds = Number(values.live ?? '60');
    const rate = Number(values.rate);
    const until = Date.now() + seconds * 1000;
    let stopping = false;
    process.once('SIGINT', () => { stopping = true; });
    process.once('SIGTERM', () => { stopping = true; });
    while (!stopping && Date.now() < until) {
      const tickStart = Date.now();
      const batch = Array.from({ length: rate }, (_, i) => ({ market: markets[i % markets.length]!, ts: tickStart + Math.floor((i / rate) * 1000) }));
      await sendTicks(producer, batch);
      const wait = 1000 - (Date.now() - tickStart);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    console.log(`live: ${accumulator.acked} ticks acked in total`);
  }
} finally {
  await producer.disconnect();
}
