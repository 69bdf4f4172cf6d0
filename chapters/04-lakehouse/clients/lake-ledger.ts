// Exactness of the lakehouse against the collector's ledger (chapter 3's contract: acked
// ticks and exact 8-decimal volume per market and UTC minute, .lab-state/collector/report.json):
//   candles_1m  every ledger minute the table's watermark has passed must be there once, with
//               the same tick count and volume ("lost" = missing, "mismatched" = different;
//               the primary key makes a duplicate candle impossible, so we count extra minutes)
//   ticks       rows per market = acked ticks, and no (partition, offset) twice ("duplicated")
// Prints a summary (or --json) and exits 1 when anything is off.
//   node chapters/04-lakehouse/clients/lake-ledger.ts --ledger .lab-state/collector/report.json
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SqlGateway } from '../paimon-query.ts';
import { DEFAULT_GATEWAY_URL, candlesSince, openLakeSession, snapshots, tickCounts } from '../lake.ts';

const { values } = parseArgs({
  options: {
    ledger: { type: 'string', default: '.lab-state/collector/report.json' },
    gateway: { type: 'string', default: process.env['FLINK_SQL_GATEWAY'] ?? DEFAULT_GATEWAY_URL },
    json: { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '300000' },
  },
});

type Ledger = { version: 1; acked: number; markets: Record<string, { acked: number; minutes: Record<string, { ticks: number; volume: string }> }> };
const ledger = JSON.parse(readFileSync(values.ledger, 'utf8')) as Ledger; // the collector's own JSON contract
if (ledger.version !== 1) throw new Error(`${values.ledger}: not a version 1 collector report`);

/** Decimal text -> units of 1e-8 (exact, no double on the way). */
function units(text: string): bigint {
  const [whole = '0', fraction = ''] = text.trim().replace(/^-/, '').split('.');
  const value = BigInt(whole || '0') * 100_000_000n + BigInt((fraction + '00000000').slice(0, 8));
  return text.trim().startsWith('-') ? -value : value;
}
const minuteMs = (key: string): number => Date.parse(key.replace('Z', ':00Z'));

const signal = AbortSignal.timeout(Number(values['timeout-ms']));
const gateway = new SqlGateway({ baseUrl: values.gateway, requestTimeoutMs: 120_000 });
const session = await openLakeSession(gateway, signal);
try {
  const started = Date.now();
  const [latest] = await snapshots(session, 'candles_1m', 1, signal);
  const watermark = latest?.watermark ?? null;
  const ledgerMinutes = Object.values(ledger.markets).flatMap((m) => Object.keys(m.minutes));
  const since = Math.min(...ledgerMinutes.map(minuteMs));
  const candles = await candlesSince(session, since, 200_000, signal);
  const candleQueryMs = Date.now() - started;
  const ticks = await tickCounts(session, signal);

  // A minute is due when the watermark committed with the latest snapshot has passed its end.
  const due = (key: string): boolean => watermark !== null && minuteMs(key) + 60_000 <= watermark;
  const byKey = new Map(candles.map((c) => [`${c.market} ${c.minute}`, c]));
  let compared = 0;
  const lost: string[] = [];
  const mismatched: string[] = [];
  for (const [market, m] of Object.entries(ledger.markets)) {
    for (const [minute, want] of Object.entries(m.minutes)) {
      if (!due(minute)) continue;
      compared += 1;
      const got = byKey.get(`${market} ${minute}`);
      if (got === undefined) lost.push(`${market} ${minute}`);
      else if (got.ticks !== want.ticks || units(got.volume) !== units(want.volume)) {
        mismatched.push(`${market} ${minute}: ticks ${got.ticks}/${want.ticks}, volume ${got.volume}/${want.volume}`);
      }
    }
  }
  const extra = candles.filter((c) => ledger.markets[c.market]?.minutes[c.minute] === undefined).map((c) => `${c.market} ${c.minute}`);
  const tickRows = ticks.reduce((sum, t) => sum + t.ticks, 0);
  const duplicated = ticks.reduce((sum, t) => sum + (t.ticks - t.distinctOffsets), 0);
  const tickDiff = Object.fromEntries(Object.entries(ledger.markets).map(([market, m]) => [market, (ticks.find((t) => t.market === market)?.ticks ?? 0) - m.acked]));
  const report = {
    watermark: watermark === null ? null : new Date(watermark).toISOString(),
    snapshot: latest?.snapshotId ?? null,
    candles: { compared, lost: lost.length, mismatched: mismatched.length, extra: extra.length, examples: [...lost, ...mismatched, ...extra].slice(0, 5), queryMs: candleQueryMs },
    ticks: { rows: tickRows, acked: ledger.acked, duplicated, minusAckedPerMarket: tickDiff },
  };
  const ok = compared > 0 && lost.length === 0 && mismatched.length === 0 && extra.length === 0 && duplicated === 0;
  if (values.json) console.log(JSON.stringify({ ok, ...report }, null, 2));
  else {
    console.log(`캔들: 장부의 닫힌 분 ${compared}개 비교, 빠짐 ${lost.length}, 불일치 ${mismatched.length}, 장부에 없는 분 ${extra.length} (워터마크 ${report.watermark}, 스냅샷 #${report.snapshot}, 조회 ${candleQueryMs} ms)`);
    for (const line of report.candles.examples) console.log(`  ${line}`);
    console.log(`틱: ${tickRows}줄 (장부 ack ${ledger.acked}), 중복 ${duplicated}, 마켓별 (테이블 - 장부): ${JSON.stringify(tickDiff)}`);
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  await session.close();
}
