// The candle chart panel kind without Kafka: its options are bounded and refuse anything that
// is not a market code (nothing free-form can reach a query), the snapshot at the largest
// bounds still fits one wire frame as a panel.snapshot message, the ledger is read from the
// lab state folder, and the plug-ins register the kind the labs declare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_FRAME_BYTES, type ServerMessage } from '../../../server/wire.ts';
import { judgeCandles, type CandleRecord } from '../../../chapters/03-flink/panel/agreement.ts';
import { candleChartPanel, chartSnapshot, ChartOptions, readLedger } from '../../../chapters/03-flink/panel/chart.ts';
import { CANDLE_CHART_KIND, type CandleChartSnapshot } from '../../../chapters/03-flink/panel/chart-snapshot.ts';
import { courseLabs } from '../../../chapters/index.ts';
import { tempDir } from '../../helpers/temp.ts';

test('chart options are bounded and take market codes only', () => {
  const defaults = ChartOptions.parse({});
  assert.equal(defaults.topic, 'upbit-candles-1m');
  assert.ok(defaults.markets.length >= 2 && defaults.minutes <= 240 && defaults.maxRows <= 2000);
  for (const bad of [
    { markets: ["KRW-BTC' OR '1'='1"] },
    { markets: ['krw-btc'] },
    { markets: Array.from({ length: 9 }, (_, i) => `KRW-A${i}`) },
    { markets: [] },
    { minutes: 241 },
    { maxRows: 2001 },
    { topic: 'a b' },
    { sql: 'SELECT 1' },
  ]) {
    assert.equal(ChartOptions.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

function largest(): CandleChartSnapshot {
  const options = ChartOptions.parse({ markets: Array.from({ length: 8 }, (_, i) => `KRW-COIN${i}`), minutes: 240, maxRows: 2000 });
  const start = Date.parse('2026-11-30T00:00:00Z');
  const candles: CandleRecord[] = [];
  for (let i = 0; i < options.maxRows; i++) {
    const minute = new Date(start + Math.floor(i / 8) * 60_000).toISOString().slice(0, 16) + 'Z';
    candles.push({ market: options.markets[i % 8]!, minute, ticks: 123_456, volume: '12345678.12345678', open: 98_765_432.1, high: 98_765_999.9, low: 98_700_000.5, close: 98_765_000.25, seenAt: start });
  }
  const markets: Record<string, { minutes: Record<string, { ticks: number; volume: string }> }> = {};
  // Every minute disagrees: the snapshot carries the most numbers it ever can.
  for (const c of candles) (markets[c.market] ??= { minutes: {} }).minutes[c.minute] = { ticks: c.ticks + 1, volume: '1.00000000' };
  const ledger = { from: '2026-11-30T00:00Z', updatedAt: start + 86_400_000, markets };
  const result = judgeCandles({ candles, ledger, markets: options.markets, lake: candles.map((c) => ({ ...c, close: 1 })) });
  return chartSnapshot(CANDLE_CHART_KIND, options, { result, previous: undefined, ledger, problem: null, reachable: true, lake: 'read', truncated: true, at: start });
}

test('the snapshot at the largest bounds fits one wire frame as panel.snapshot', (t) => {
  const snapshot = largest();
  assert.ok(snapshot.totals.disagree > 1900, 'every judged minute disagrees');
  const message: ServerMessage = { type: 'panel.snapshot', lab: 'flink-candles', snapshot };
  const bytes = Buffer.byteLength(JSON.stringify(message));
  assert.ok(bytes < MAX_FRAME_BYTES, `${bytes} B`);
  t.diagnostic(`largest panel.snapshot frame: ${bytes} B`);
  assert.ok(snapshot.events.length <= 11, 'events are a summary, not one line per minute');
  const back = JSON.parse(JSON.stringify(message)) as { snapshot: CandleChartSnapshot };
  assert.equal(back.snapshot.kind, CANDLE_CHART_KIND);
  assert.deepEqual(back.snapshot.markets[0]!.candles[0]!.expected, { ticks: 123_457, volume: '1.00000000' });
});

test('no candles yet: the snapshot says in Korean what to do', () => {
  const options = ChartOptions.parse({});
  const result = judgeCandles({ candles: [], markets: options.markets });
  const snapshot = chartSnapshot(CANDLE_CHART_KIND, options, { result, previous: undefined, ledger: undefined, problem: null, reachable: true, lake: 'off', truncated: false, at: 1 });
  assert.match(snapshot.problem ?? '', /수집기를 켜 두고/);
  assert.equal(snapshot.ledger.present, false);
});

test('the ledger comes from the collector report in the state folder; a missing or broken one is absent', (t) => {
  const dir = tempDir('chart-ledger', t.after.bind(t));
  assert.equal(readLedger(dir, 'collector/report.json'), undefined);
  mkdirSync(join(dir, 'collector'));
  writeFileSync(join(dir, 'collector/report.json'), '{"version": 1');
  assert.equal(readLedger(dir, 'collector/report.json'), undefined);
  writeFileSync(join(dir, 'collector/report.json'), JSON.stringify({
    version: 1, source: 'ws://x', startedAt: '2026-11-30T03:00:30Z', updatedAt: '2026-11-30T03:05:00Z', acked: 1, pending: 0, reconnects: 0,
    markets: { 'KRW-BTC': { acked: 1, minutes: { '2026-11-30T03:01Z': { ticks: 1, volume: '1.00000000' } } } },
  }));
  const ledger = readLedger(dir, 'collector/report.json')!;
  assert.equal(ledger.from, '2026-11-30T03:01Z', 'the collector\'s partial first minute is not judged');
  assert.equal(ledger.updatedAt, Date.parse('2026-11-30T03:05:00Z'));
});

test('the candle labs show the chart panel with bounded options', () => {
  const labs = courseLabs().filter((lab) => lab.panel?.kind === CANDLE_CHART_KIND);
  assert.deepEqual(labs.map((lab) => lab.id).sort(), ['flink-candles', 'flink-tm-failure']);
  for (const lab of labs) assert.ok(ChartOptions.safeParse(lab.panel!.with).success, lab.id);
});

test('with no brokers the source sends the Korean reason, and the last tab leaving ends everything', { timeout: 30_000 }, async (t) => {
  const dir = tempDir('chart-source', t.after.bind(t));
  // A port nobody listens on: kafkajs fails to connect within its 2 s timeout.
  const kafka = { brokers: [{ id: 1, container: 'nobody', hostPort: 1 }], bootstrap: ['127.0.0.1:1'] };
  const kind = candleChartPanel({ kafka, collectorReport: 'collector/report.json' });
  const source = kind.create({ docker: undefined as never, stateDir: dir });
  const seen: CandleChartSnapshot[] = [];
  const first = new Promise<void>((resolve) => {
    const stop = source.watch({ markets: ['KRW-BTC', 'KRW-ETH'] }, (snapshot) => {
      seen.push(snapshot as CandleChartSnapshot);
      stop();
      resolve();
    });
  });
  await first;
  assert.equal(seen[0]!.kind, CANDLE_CHART_KIND);
  assert.equal(seen[0]!.reachable, false);
  assert.match(seen[0]!.problem ?? '', /브로커에 연결할 수 없습니다/);
  assert.deepEqual(seen[0]!.markets.map((m) => m.market), ['KRW-BTC', 'KRW-ETH']);
  await source.dispose();
  // node:test waits for open handles at the end of the file: a leaked timer or socket would hang it past the timeout.
});
