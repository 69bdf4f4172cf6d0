// Unit tests of the shared Upbit model: tick grid, exact decimals, report, formats, identity,
// and that the stand-in's generated tape is deterministic and looks like a market.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOnKrwTick, krwTickBand, roundToKrwTick } from '../../../chapters/03-flink/upbit/tick-size.ts';
import { formatScaled, toScaled } from '../../../chapters/03-flink/upbit/decimal.ts';
import { CollectorReport, ReportBuilder, minuteKey } from '../../../chapters/03-flink/upbit/report.ts';
import { DEFAULT_KEYS, SIMPLE_KEYS, TickerDefault, TickerSimple, fromSimple, tickerIdentity, tickerInconsistencies, toSimple } from '../../../chapters/03-flink/upbit/ticker-schema.ts';
import { MarketBook, MarketTape, loadMarkets } from '../../../chapters/03-flink/upbit-replay/generator.ts';

test('KRW tick table: bands and rounding', () => {
  assert.equal(krwTickBand(135_000_000).tick, 1000);
  assert.equal(krwTickBand(1_500_000).tick, 1000);
  assert.equal(krwTickBand(999_999).tick, 500);
  assert.equal(krwTickBand(231_400).tick, 100);
  assert.equal(krwTickBand(60_000).tick, 50);
  assert.equal(krwTickBand(24_830).tick, 10);
  assert.equal(krwTickBand(8_935).tick, 5);
  assert.equal(krwTickBand(3_215).tick, 1);
  assert.equal(krwTickBand(352).tick, 1);
  assert.equal(krwTickBand(12.5).tick, 0.01);
  assert.equal(roundToKrwTick(135_123_456), 135_123_000);
  assert.equal(roundToKrwTick(8_937.4), 8_935);
  assert.equal(roundToKrwTick(9_999.9), 10_000);
  assert.equal(roundToKrwTick(12.345), 12.35);
  assert.ok(isOnKrwTick(135_124_000) && !isOnKrwTick(135_124_500) && isOnKrwTick(12.34) && !isOnKrwTick(8_936));
});

test('exact 8-decimal sums', () => {
  assert.equal(toScaled(0.1) + toScaled(0.2), toScaled('0.3'));
  assert.equal(formatScaled(toScaled(0.1) + toScaled(0.2)), '0.30000000');
  assert.equal(formatScaled(toScaled(1e-8)), '0.00000001');
  assert.equal(formatScaled(toScaled(12_345_678.12345678)), '12345678.12345678');
  assert.equal(formatScaled(toScaled('0.123456785')), '0.12345679');
  assert.equal(formatScaled(toScaled(-2.5)), '-2.50000000');
});

test('report builder: per market, per UTC minute, exact volume, valid against the contract', () => {
  const builder = new ReportBuilder();
  const t = Date.UTC(2026, 10, 30, 12, 34, 56, 789);
  builder.add('KRW-BTC', t, 0.1);
  builder.add('KRW-BTC', t + 1000, 0.2);
  builder.add('KRW-BTC', t + 10_000, 0.00000001);
  builder.add('KRW-ETH', t, 1);
  assert.equal(minuteKey(t), '2026-11-30T12:34Z');
  const markets = builder.markets();
  assert.deepEqual(markets['KRW-BTC'], { acked: 3, minutes: { '2026-11-30T12:34Z': { ticks: 2, volume: '0.30000000' }, '2026-11-30T12:35Z': { ticks: 1, volume: '0.00000001' } } });
  assert.equal(builder.acked, 4);
  CollectorReport.parse({ version: 1, source: 'x', startedAt: 'a', updatedAt: 'b', acked: 4, pending: 0, reconnects: 0, markets });
  assert.throws(() => CollectorReport.parse({ version: 2, source: 'x', startedAt: 'a', updatedAt: 'b', acked: 4, pending: 0, reconnects: 0, markets }));
});

function sampleTickers(seed: number, count: number, market = 'KRW-BTC') {
  const def = loadMarkets().markets.find((m) => m.market === market)!;
  const tape = new MarketTape(def, seed);
  const start = Date.UTC(2026, 10, 30, 23, 59, 0);
  const book = new MarketBook(tape, start);
  let ts = start;
  const out = [];
  for (let i = 0; i < count; i++) {
    const trade = tape.next();
    ts += trade.gapMs;
    out.push({ trade, ticker: book.apply(trade, ts, ts) });
  }
  return out;
}

test('the generated tape is a pure function of the seed', () => {
  const a = sampleTickers(7, 500).map((x) => x.trade);
  const b = sampleTickers(7, 500).map((x) => x.trade);
  const c = sampleTickers(8, 500).map((x) => x.trade);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('generated tickers are valid Upbit tickers, on the tick grid, across a UTC midnight', () => {
  const samples = sampleTickers(20261130, 3000);
  const dates = new Set<string>();
  for (const { ticker } of samples) {
    TickerDefault.parse(ticker);
    assert.deepEqual(tickerInconsistencies(ticker), []);
    assert.ok(isOnKrwTick(ticker.trade_price));
    dates.add(ticker.trade_date);
  }
  assert.equal(dates.size, 2, 'the sample crosses 00:00 UTC');
  const firstOfDay = samples.find(({ ticker }) => ticker.trade_date === '20261201')!.ticker;
  assert.equal(firstOfDay.acc_trade_volume, firstOfDay.trade_volume, 'accumulation restarts at 00:00 UTC');
  assert.equal(firstOfDay.opening_price, firstOfDay.trade_price);
  const lastBefore = samples.filter(({ ticker }) => ticker.trade_date === '20261130').at(-1)!.ticker;
  assert.equal(firstOfDay.prev_closing_price, lastBefore.trade_price);
});

test('volatility clusters: large moves follow large moves', () => {
  const samples = sampleTickers(3, 20_000, 'KRW-ETH').map((x) => x.trade.price);
  const moves = samples.slice(1).map((p, i) => Math.abs(Math.log(p / samples[i]!)));
  const mean = moves.reduce((a, b) => a + b, 0) / moves.length;
  let num = 0, den = 0;
  for (let i = 1; i < moves.length; i++) { num += (moves[i]! - mean) * (moves[i - 1]! - mean); den += (moves[i]! - mean) ** 2; }
  assert.ok(num / den > 0.02, `autocorrelation of |return| ${num / den}`);
});

test('SIMPLE keys: 33 fields, round trip, identity', () => {
  assert.equal(DEFAULT_KEYS.length, 33);
  assert.equal(new Set(Object.values(SIMPLE_KEYS)).size, 33);
  const { ticker } = sampleTickers(1, 1)[0]!;
  const simple = TickerSimple.parse(toSimple(ticker));
  assert.deepEqual(TickerDefault.parse(fromSimple(simple)), ticker);
  assert.equal(tickerIdentity(ticker), `KRW-BTC|${ticker.trade_timestamp}|${ticker.acc_trade_volume}`);
  assert.throws(() => TickerDefault.parse({ ...ticker, extra: 1 }));
  assert.throws(() => TickerDefault.parse({ ...ticker, change: 'UP' }));
  assert.ok(tickerInconsistencies({ ...ticker, change: ticker.change === 'RISE' ? 'FALL' : 'RISE' }).length > 0);
});
