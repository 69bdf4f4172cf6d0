// The candle chart's page words without a browser: KST labels with the UTC for hover, marks
// told by symbol and word (not colour), the table view with a row per minute and per gap
// (numbers included), escaping, and the screen-reader summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CandleChartSnapshot, ChartCandle } from '../../../chapters/03-flink/panel/chart-snapshot.ts';
import { candleLook, describeChart, kstLabel, problemsHtml, tableHtml, totalsText, utcLabel } from '../../../chapters/03-flink/panel/site/chart-view.ts';

const T0 = Date.parse('2026-11-30T15:04:00Z') / 1000;
const bar = (over: Partial<ChartCandle> = {}): ChartCandle => ({
  minute: '2026-11-30T15:04Z', time: T0, open: 100_000_000, high: 100_500_000, low: 99_900_000, close: 100_200_000,
  ticks: 12, volume: '0.12300000', copies: 1, ledger: 'agree', lake: 'off', seenAt: 0, ...over,
});
const snap = (over: Partial<CandleChartSnapshot> = {}): CandleChartSnapshot => ({
  kind: 'flink-candle-chart', at: 1, topic: 'upbit-candles-1m', reachable: true, problem: null,
  ledger: { present: true, from: '2026-11-30T15:00Z', updatedAt: 1 }, lake: 'off',
  markets: [{ market: 'KRW-BTC', candles: [bar()], gaps: [] }], newestMinute: '2026-11-30T15:05Z',
  totals: { judged: 1, agree: 1, disagree: 0, lakeJudged: 0, lakeDisagree: 0 },
  limits: { markets: 1, minutes: 60, rows: 1500, truncated: false }, events: [], ...over,
});

test('times are KST on screen and UTC on hover, across midnight', () => {
  assert.equal(kstLabel(T0), '00:04');
  assert.equal(kstLabel(T0, true), '12-01 00:04');
  assert.equal(utcLabel(T0), '2026-11-30 15:04 UTC');
  const html = tableHtml(snap().markets[0]!, false, 'cap');
  assert.match(html, /<time datetime="2026-11-30T15:04:00.000Z" title="2026-11-30 15:04 UTC">12-01 00:04<\/time>/);
});

test('marks carry a symbol and a word; the worst mark wins', () => {
  assert.deepEqual(candleLook(bar()), { symbol: '✓', word: '일치', tone: 'ok' });
  assert.equal(candleLook(bar({ ledger: 'pending' })).word, '대기');
  assert.equal(candleLook(bar({ lake: 'missing' })).word, 'Paimon 없음');
  assert.equal(candleLook(bar({ ledger: 'duplicate', lake: 'missing' })).word, '중복');
});

test('the table has a header row, a row per minute and per gap, newest first, with the disagreeing numbers', () => {
  const market = {
    market: 'KRW-BTC',
    candles: [bar(), bar({ minute: '2026-11-30T15:06Z', time: T0 + 120, ledger: 'disagree', expected: { ticks: 13, volume: '0.12400000' } })],
    gaps: [{ minute: '2026-11-30T15:05Z', time: T0 + 60, expected: { ticks: 4, volume: '1.00000000' } }],
  };
  const html = tableHtml(market, true, 'cap');
  assert.match(html, /aria-labelledby="cap"/);
  assert.equal((html.match(/<th scope="col"/g) ?? []).length, 9, 'time, ledger, Paimon, ticks, volume, OHLC');
  const minutes = [...html.matchAll(/data-minute="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(minutes, ['2026-11-30T15:06Z', '2026-11-30T15:05Z', '2026-11-30T15:04Z']);
  assert.match(html, /다름 \(보고서 체결 13건, 거래량 0.124\)/);
  assert.match(html, /빠짐 \(보고서 체결 4건, 거래량 1\)/);
  assert.match(html, /<td>0.123<\/td>/, 'volume trimmed for reading');
  assert.match(html, /<thead><tr><th scope="col">시각\(KST\)<\/th><th scope="col" class="cc-mark-col">보고서 대조<\/th><th scope="col" class="cc-mark-col">Paimon 대조<\/th>/, 'marks first: no sideways scroll to see them');
});

test('problems list only disagreeing minutes; names are escaped; the summary is Korean', () => {
  const bad = snap({ markets: [{ market: '<b>X</b>', candles: [bar(), bar({ time: T0 + 60, ledger: 'extra' })], gaps: [] }] });
  const html = problemsHtml(bad);
  assert.equal((html.match(/<li>/g) ?? []).length, 1);
  assert.ok(!html.includes('<b>X</b>'));
  assert.match(html, /보고서에 없음/);
  assert.equal(totalsText(snap()), '보고서와 대조한 닫힌 분 1개: 일치 1, 다름 0.');
  assert.match(totalsText(snap({ ledger: { present: false, from: null, updatedAt: null } })), /수집기 보고서가 없어/);
  assert.match(describeChart(snap(), 'KRW-BTC'), /KRW-BTC 마지막 캔들 00:04 종가 100,200,000, 체결 12건/);
  assert.equal(describeChart(snap({ problem: '브로커에 연결할 수 없습니다.' }), 'KRW-BTC'), '브로커에 연결할 수 없습니다.');
});
