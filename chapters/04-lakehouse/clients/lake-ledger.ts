// Exactness of the lakehouse against the collector's ledger (chapter 3's contract: acked
// ticks and exact 8-decimal volume per market and UTC minute, <lab state>/collector/report.json),
// judged exactly as chapter 3 judges its Kafka candles (candles.ts compareWithReport): from
// the minute after the collector started (its first minute is partial and may hold an
// earlier run's ticks) up to the newest candle, which is not final yet.
//   candles_1m  every judged ledger minute must be there once with the same tick count and
//               volume ("lost" = missing, "mismatched" = different, "extra" = not in the ledger;
//               the primary key makes a second candle for one minute impossible)
//   ticks       no Kafka (partition, offset) twice ("duplicated")
// Prints a summary (or --json) and exits 1 when anything is off.
//   node chapters/04-lakehouse/clients/lake-ledger.ts [--ledger FILE] [--json]
import { parseArgs } from 'node:util';
import { collectorReportPath, compareWithReport, formatUnits, judgedFrom, readCollectorReport, toUnits, type Candle } from '../../03-flink/candles.ts';
import { SqlGateway } from '../paimon-query.ts';
import { DEFAULT_GATEWAY_URL, candlesSince, openLakeSession, snapshots, tickCounts } from '../lake.ts';

const { values } = parseArgs({
  options: {
    ledger: { type: 'string', default: collectorReportPath() },
    gateway: { type: 'string', default: process.env['FLINK_SQL_GATEWAY'] ?? DEFAULT_GATEWAY_URL },
    json: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '300000' },
  },
});

const report = readCollectorReport(values.ledger);
const from = judgedFrom(report);
const signal = AbortSignal.timeout(Number(values['timeout-ms']));
const gateway = new SqlGateway({ baseUrl: values.gateway, requestTimeoutMs: 120_000 });
const session = await openLakeSession(gateway, signal);
try {
  const [latest] = await snapshots(session, 'candles_1m', 1, signal);
  const started = Date.now();
  const rows = await candlesSince(session, Date.parse(from.replace('Z', ':00Z')), 200_000, signal);
  const queryMs = Date.now() - started;
  const ticks = await tickCounts(session, signal);
  const candles: Candle[] = rows.map((row) => ({
    market: row.market, minute: row.minute, windowStart: row.minute, ticks: row.ticks,
    volume: formatUnits(toUnits(row.volume)), open: 0, high: 0, low: 0, close: 0, partition: -1, offset: '-1',
  }));
  const result = compareWithReport(candles, report, from);
  const duplicated = ticks.reduce((sum, t) => sum + (t.ticks - t.distinctOffsets), 0);
  const tickRows = ticks.reduce((sum, t) => sum + t.ticks, 0);
  const problems = [...result.lost, ...result.mismatched, ...result.extra].slice(0, 5)
    .map((p) => `${p.market} ${p.minute}: 장부 ${JSON.stringify(p.expected ?? null)}, 테이블 ${JSON.stringify(p.got ?? [])}`);
  const ok = result.compared > 0 && result.lost.length === 0 && result.mismatched.length === 0 && result.extra.length === 0 && duplicated === 0;
  const summary = {
    ok,
    snapshot: latest?.snapshotId ?? null,
    judged: { from, before: result.newestMinute ?? null },
    candles: { rows: rows.length, compared: result.compared, matched: result.matched, lost: result.lost.length, mismatched: result.mismatched.length, extra: result.extra.length, queryMs, problems },
    ticks: { rows: tickRows, duplicated },
  };
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(`캔들: 장부의 닫힌 분 ${result.compared}개 비교 (${from} 이상 ${result.newestMinute ?? '-'} 미만), 일치 ${result.matched}, 빠짐 ${result.lost.length}, 불일치 ${result.mismatched.length}, 장부에 없는 분 ${result.extra.length} (스냅샷 #${summary.snapshot}, 배치 조회 ${queryMs} ms)`);
    for (const line of problems) console.log(`  ${line}`);
    console.log(`틱: ${tickRows}줄, 같은 (파티션, 오프셋) 중복 ${duplicated}`);
    if (result.compared === 0) console.log('아직 닫히고 커밋된 분이 없습니다. 수집기를 켜 둔 채 1~2분 뒤 다시 실행하세요.');
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  await session.close();
}
