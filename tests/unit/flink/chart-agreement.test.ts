// The candle chart's agreement marks without Kafka: each closed minute against the collector's
// ledger (agree, differing numbers, duplicate, extra, gap), the newest minute and a stale
// ledger left pending, and the Paimon row against the Kafka candle. Each mark is shown both
// failing (the wrong state) and passing (the right one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAgreementChanges, judgeCandles, kstMinute, type CandleRecord, type LakeRow, type LedgerInput } from '../../../chapters/03-flink/panel/agreement.ts';

const M0 = '2026-11-30T03:00Z';
const M1 = '2026-11-30T03:01Z';
const M2 = '2026-11-30T03:02Z';
const M3 = '2026-11-30T03:03Z';
const end = (minute: string) => Date.parse(minute.replace('Z', ':00Z')) + 60_000;

const candle = (market: string, minute: string, ticks: number, volume: string, over: Partial<CandleRecord> = {}): CandleRecord =>
  ({ market, minute, ticks, volume, open: 100, high: 110, low: 90, close: 105, seenAt: end(minute) + 20_000, ...over });

function ledger(minutes: Record<string, Record<string, [number, string]>>, over: Partial<LedgerInput> = {}): LedgerInput {
  const markets: LedgerInput['markets'] = {};
  for (const [market, byMinute] of Object.entries(minutes)) {
    markets[market] = { minutes: Object.fromEntries(Object.entries(byMinute).map(([m, [ticks, volume]]) => [m, { ticks, volume }])) };
  }
  return { from: M0, updatedAt: end(M3) + 30_000, markets, ...over };
}

test('closed minutes equal to the ledger agree; the newest minute stays pending', () => {
  const result = judgeCandles({
    markets: ['KRW-BTC', 'KRW-ETH'],
    candles: [candle('KRW-BTC', M0, 3, '0.30000000'), candle('KRW-ETH', M0, 2, '1.5'), candle('KRW-BTC', M1, 1, '0.1')],
    ledger: ledger({ 'KRW-BTC': { [M0]: [3, '0.30000000'], [M1]: [1, '0.10000000'] }, 'KRW-ETH': { [M0]: [2, '1.50000000'] } }),
  });
  const btc = result.markets.find((m) => m.market === 'KRW-BTC')!;
  assert.deepEqual(btc.candles.map((c) => c.ledger), ['agree', 'pending']);
  assert.equal(result.markets.find((m) => m.market === 'KRW-ETH')!.candles[0]!.ledger, 'agree', '1.5 and 1.50000000 are the same volume');
  assert.equal(result.newestMinute, M1);
  assert.deepEqual(result.totals, { judged: 2, agree: 2, disagree: 0, lakeJudged: 0, lakeDisagree: 0 });
  assert.equal(btc.candles[0]!.lake, 'off');
  assert.equal(btc.candles[0]!.time, Date.parse('2026-11-30T03:00:00Z') / 1000);
});

test('a minute whose ticks or volume differ disagrees and carries the ledger numbers', () => {
  const result = judgeCandles({
    markets: ['KRW-BTC'],
    candles: [candle('KRW-BTC', M0, 3, '0.30000000'), candle('KRW-BTC', M1, 4, '0.40000001'), candle('KRW-BTC', M2, 1, '1')],
    ledger: ledger({ 'KRW-BTC': { [M0]: [2, '0.30000000'], [M1]: [4, '0.40000000'] } }),
  });
  const [m0, m1] = result.markets[0]!.candles;
  assert.equal(m0!.ledger, 'disagree');
  assert.deepEqual(m0!.expected, { ticks: 2, volume: '0.30000000' });
  assert.equal(m1!.ledger, 'disagree', 'one unit of 1e-8 is a difference');
  assert.deepEqual(result.totals, { judged: 2, agree: 0, disagree: 2, lakeJudged: 0, lakeDisagree: 0 });
  const lines = describeAgreementChanges(undefined, result);
  assert.ok(lines.some((l) => l.includes('KRW-BTC 12:00') && l.includes('보고서 체결 2건') && l.includes('캔들 3건')), lines.join('|'));
});

test('two committed candles for one minute are a duplicate; a minute the ledger lacks is extra', () => {
  const result = judgeCandles({
    markets: ['KRW-BTC'],
    candles: [candle('KRW-BTC', M0, 3, '0.3'), candle('KRW-BTC', M0, 3, '0.3'), candle('KRW-BTC', M1, 1, '0.1'), candle('KRW-BTC', M2, 1, '0.1')],
    ledger: ledger({ 'KRW-BTC': { [M0]: [3, '0.30000000'] } }),
  });
  const [m0, m1] = result.markets[0]!.candles;
  assert.equal(m0!.ledger, 'duplicate');
  assert.equal(m0!.copies, 2);
  assert.deepEqual(m0!.expected, { ticks: 3, volume: '0.30000000' }, 'even equal numbers do not hide a double candle');
  assert.equal(m1!.ledger, 'extra');
  assert.equal(result.markets[0]!.candles.length, 3, 'one bar per minute is drawn');
});

test('an acked minute with no candle is a gap with the ledger numbers; outside the window or open it is not', () => {
  const input = {
    markets: ['KRW-BTC', 'KRW-ETH'],
    candles: [candle('KRW-BTC', M0, 1, '1'), candle('KRW-BTC', M1, 1, '1'), candle('KRW-BTC', M2, 1, '1'), candle('KRW-ETH', M0, 1, '1'), candle('KRW-ETH', M2, 1, '1')],
    ledger: ledger({
      'KRW-BTC': { [M0]: [1, '1.00000000'], [M1]: [1, '1.00000000'], [M2]: [1, '1.00000000'] },
      'KRW-ETH': { [M0]: [1, '1.00000000'], [M1]: [5, '2.00000000'], [M2]: [1, '1.00000000'] },
    }),
  };
  const lost = judgeCandles(input);
  assert.deepEqual(lost.markets[1]!.gaps, [{ minute: M1, time: Date.parse('2026-11-30T03:01:00Z') / 1000, expected: { ticks: 5, volume: '2.00000000' } }]);
  assert.equal(lost.totals.disagree, 1);
  assert.ok(describeAgreementChanges(undefined, lost).some((l) => l.includes('KRW-ETH 12:01: 캔들이 없습니다 (보고서 체결 5건')));
  // The same minutes once the candle is there: no gap.
  const whole = judgeCandles({ ...input, candles: [...input.candles, candle('KRW-ETH', M1, 5, '2')] });
  assert.deepEqual(whole.markets[1]!.gaps, []);
  assert.equal(whole.totals.disagree, 0);
});

test('nothing is judged before the ledger starts, without a ledger, or from a report not written since the minute closed', () => {
  const candles = [candle('KRW-BTC', M0, 9, '9'), candle('KRW-BTC', M1, 9, '9'), candle('KRW-BTC', M2, 9, '9')];
  const late = judgeCandles({ markets: ['KRW-BTC'], candles, ledger: ledger({ 'KRW-BTC': { [M1]: [1, '1'] } }, { from: M1 }) });
  assert.equal(late.markets[0]!.candles[0]!.ledger, 'unjudged', 'the collector\'s partial first minute');
  assert.equal(late.markets[0]!.candles[1]!.ledger, 'disagree');
  const none = judgeCandles({ markets: ['KRW-BTC'], candles });
  assert.ok(none.markets[0]!.candles.every((c) => c.ledger === 'unjudged'));
  const stale = judgeCandles({ markets: ['KRW-BTC'], candles, ledger: ledger({ 'KRW-BTC': { [M1]: [1, '1'] } }, { updatedAt: end(M1) + 2_000 }) });
  assert.equal(stale.markets[0]!.candles[1]!.ledger, 'pending');
  assert.equal(stale.totals.judged, 1, 'only M0 (ledger written 10 s after it closed)');
});

test('markets outside the bound are dropped, and the order is the lab\'s', () => {
  const result = judgeCandles({ markets: ['KRW-ETH', 'KRW-BTC'], candles: [candle('KRW-BTC', M0, 1, '1'), candle('KRW-XRP', M1, 1, '1')] });
  assert.deepEqual(result.markets.map((m) => m.market), ['KRW-ETH', 'KRW-BTC']);
  assert.equal(result.newestMinute, M0, 'an unwanted market does not close minutes either');
});

test('the Paimon row agrees with the Kafka candle only when every number is equal', () => {
  const candles = [candle('KRW-BTC', M0, 3, '0.3'), candle('KRW-BTC', M1, 3, '0.3'), candle('KRW-BTC', M2, 3, '0.3')];
  const row = (minute: string, over: Partial<LakeRow> = {}): LakeRow => ({ market: 'KRW-BTC', minute, ticks: 3, volume: '0.30000000', open: 100, high: 110, low: 90, close: 105, ...over });
  const result = judgeCandles({ markets: ['KRW-BTC'], candles, lake: [row(M0), row(M2, { close: 106 })] });
  assert.deepEqual(result.markets[0]!.candles.map((c) => c.lake), ['agree', 'missing', 'disagree']);
  assert.deepEqual(result.markets[0]!.candles[2]!.lakeRow, { ticks: 3, volume: '0.30000000', open: 100, high: 110, low: 90, close: 106 });
  assert.equal(result.totals.lakeJudged, 3);
  assert.equal(result.totals.lakeDisagree, 2);
  const newest = judgeCandles({ markets: ['KRW-BTC'], candles, lake: [row(M0)] });
  assert.equal(newest.markets[0]!.candles[2]!.lake, 'pending', 'Paimon commits later than Kafka: a minute past its newest row is not missing yet');
  const lines = describeAgreementChanges(undefined, result);
  assert.ok(lines.some((l) => l.includes('Paimon 행이 없습니다')), lines.join('|'));
});

test('only newly judged minutes become events; KST labels are UTC+9', () => {
  const input = { markets: ['KRW-BTC'], candles: [candle('KRW-BTC', M0, 1, '1'), candle('KRW-BTC', M1, 1, '1')], ledger: ledger({ 'KRW-BTC': { [M0]: [1, '1'], [M1]: [1, '1'] } }) };
  const first = judgeCandles(input);
  assert.deepEqual(describeAgreementChanges(undefined, first), ['닫힌 분 1개가 수집기 보고서와 일치합니다.']);
  assert.deepEqual(describeAgreementChanges(first, first), []);
  const second = judgeCandles({ ...input, candles: [...input.candles, candle('KRW-BTC', M2, 1, '1')] });
  assert.deepEqual(describeAgreementChanges(first, second), ['닫힌 분 1개가 수집기 보고서와 일치합니다.']);
  assert.equal(kstMinute('2026-11-30T15:30Z'), '00:30');
});
