// The exactness arithmetic behind chapter 3's candle checks, without Kafka: decimal text in
// 1e-8 units, candle parsing from Flink's JSON, and the comparison with a collector report
// (lost, duplicated, mismatched, extra; the newest minute and the first partial minute left out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithReport, formatUnits, isExact, judgedFrom, parseCandle, toUnits, type Candle, type CollectorReport } from '../../../chapters/03-flink/candles.ts';
import { flinkChapter } from '../../../chapters/03-flink/chapter.ts';
import { flinkEndpoints } from '../../../chapters/03-flink/flink-access.ts';

test('decimal text becomes exact 1e-8 units and back, never through a double', () => {
  assert.equal(toUnits('0.1') + toUnits('0.2'), toUnits('0.3'));
  assert.equal(formatUnits(toUnits('12.00000001')), '12.00000001');
  assert.equal(formatUnits(toUnits('1.2E-7')), '0.00000012');
  assert.equal(toUnits('-3.5'), -350_000_000n);
  assert.throws(() => toUnits('0.000000001'), /more than 8 decimals/);
});

test('a candle record from the Flink sink parses with its volume digits kept', () => {
  const raw = '{"market":"KRW-BTC","window_start":"2026-11-30T03:34:00Z","window_end":"2026-11-30T03:35:00Z","open_price":1.0,"high_price":2.0,"low_price":0.5,"close_price":1.5,"volume":0.12345678,"trade_value":1.0,"ticks":7}';
  const candle = parseCandle(raw, 2, '41');
  assert.equal(candle.minute, '2026-11-30T03:34Z');
  assert.equal(candle.volume, '0.12345678');
  assert.equal(candle.ticks, 7);
  assert.throws(() => parseCandle('{"market":"KRW-BTC"}'), /not a candle/);
});

const report = (minutes: Record<string, Record<string, { ticks: number; volume: string }>>): CollectorReport => ({
  version: 1, source: 'test', startedAt: '2026-11-30T03:30:20Z', updatedAt: '2026-11-30T03:40:00Z', acked: 0, pending: 0, reconnects: 0,
  markets: Object.fromEntries(Object.entries(minutes).map(([market, m]) => [market, { acked: Object.values(m).reduce((n, e) => n + e.ticks, 0), minutes: m }])),
});
const candle = (market: string, minute: string, ticks: number, volume: string): Candle =>
  ({ market, minute, windowStart: `${minute.slice(0, -1)}:00Z`, ticks, volume, open: 1, high: 1, low: 1, close: 1, partition: 0, offset: '0' });

test('exact candles match; the newest minute and minutes before `since` are not judged', () => {
  const r = report({ 'KRW-BTC': { '2026-11-30T03:30Z': { ticks: 1, volume: '1.00000000' }, '2026-11-30T03:31Z': { ticks: 2, volume: '0.30000000' }, '2026-11-30T03:32Z': { ticks: 5, volume: '9.00000000' } } });
  const candles = [candle('KRW-BTC', '2026-11-30T03:30Z', 99, '1.0'), candle('KRW-BTC', '2026-11-30T03:31Z', 2, '0.3'), candle('KRW-BTC', '2026-11-30T03:32Z', 4, '1')];
  const result = compareWithReport(candles, r, judgedFrom(r));
  assert.equal(judgedFrom(r), '2026-11-30T03:31Z');
  assert.equal(result.compared, 1, 'only 03:31: 03:30 is the partial first minute, 03:32 the newest');
  assert.ok(isExact(result));
});

test('lost, duplicated and mismatched minutes are each found', () => {
  const r = report({
    'KRW-BTC': { '2026-11-30T03:31Z': { ticks: 2, volume: '0.30000000' }, '2026-11-30T03:32Z': { ticks: 1, volume: '1.00000000' } },
    'KRW-ETH': { '2026-11-30T03:31Z': { ticks: 3, volume: '3.00000000' }, '2026-11-30T03:32Z': { ticks: 1, volume: '1.00000000' } },
  });
  const newest = candle('KRW-BTC', '2026-11-30T03:33Z', 1, '1');
  const lost = compareWithReport([candle('KRW-ETH', '2026-11-30T03:31Z', 3, '3'), candle('KRW-ETH', '2026-11-30T03:32Z', 1, '1'), candle('KRW-BTC', '2026-11-30T03:32Z', 1, '1'), newest], r, '2026-11-30T03:31Z');
  assert.deepEqual(lost.lost.map((p) => `${p.market} ${p.minute}`), ['KRW-BTC 2026-11-30T03:31Z']);
  assert.equal(isExact(lost), false);
  const twice = compareWithReport([candle('KRW-BTC', '2026-11-30T03:31Z', 2, '0.3'), candle('KRW-BTC', '2026-11-30T03:31Z', 2, '0.3'), candle('KRW-ETH', '2026-11-30T03:31Z', 3, '3'), newest], r, '2026-11-30T03:31Z');
  assert.equal(twice.duplicated.length, 1);
  const off = compareWithReport([candle('KRW-BTC', '2026-11-30T03:31Z', 2, '0.30000001'), candle('KRW-ETH', '2026-11-30T03:31Z', 3, '3'), newest], r, '2026-11-30T03:31Z');
  assert.equal(off.mismatched.length, 1, 'one unit in the 8th decimal is a mismatch');
  const extra = compareWithReport([candle('KRW-XRP', '2026-11-30T03:31Z', 1, '1'), newest], r, '2026-11-30T03:31Z');
  assert.equal(extra.extra.length, 1);
});

test('nothing to compare is not exact', () => {
  assert.equal(isExact(compareWithReport([], report({ 'KRW-BTC': { '2026-11-30T03:31Z': { ticks: 1, volume: '1.00000000' } } }))), false);
});

test('endpoints come from the manifests: Flink REST, the stand-in, chapter 2 brokers, fixed container names', () => {
  const endpoints = flinkEndpoints(flinkChapter);
  assert.equal(endpoints.rest, 'http://127.0.0.1:8081');
  assert.equal(endpoints.replay, 'http://127.0.0.1:8765');
  assert.equal(endpoints.gateway, 'http://127.0.0.1:8083');
  assert.deepEqual(endpoints.kafka.bootstrap, ['localhost:29092', 'localhost:29093', 'localhost:29094']);
  assert.deepEqual(endpoints.containers, { jobmanager: 'jobmanager', taskmanager: 'taskmanager', replay: 'upbit-replay' });
});
