// The collector's report: what the brokers acknowledged, per market and per UTC minute of
// trade_timestamp. Later chapters' checks compare Flink's and Paimon's results with it, so
// it counts only acked records and sums volumes exactly (see decimal.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatScaled, toScaled } from './decimal.ts';

export const REPORT_VERSION = 1;

const MinuteEntry = z.object({ ticks: z.number().int().min(0), volume: z.string().regex(/^\d+\.\d{8}$/) }).strict();
export const CollectorReport = z.object({
  version: z.literal(REPORT_VERSION),
  source: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  acked: z.number().int().min(0),
  pending: z.number().int().min(0),
  reconnects: z.number().int().min(0),
  markets: z.record(z.string(), z.object({
    acked: z.number().int().min(0),
    minutes: z.record(z.string(), MinuteEntry),
  }).strict()),
}).loose();
export type CollectorReport = z.infer<typeof CollectorReport>;

/** `${UPBIT_LAB_STATE_DIR:-.lab-state}/collector` relative to the working folder. */
export function collectorDir(stateDir = process.env['UPBIT_LAB_STATE_DIR'] ?? '.lab-state'): string {
  return join(stateDir, 'collector');
}
export const reportPath = (stateDir?: string) => join(collectorDir(stateDir), 'report.json');

/** Minute key: the UTC minute of trade_timestamp, e.g. 2026-11-30T12:34Z. */
export function minuteKey(tradeTimestamp: number): string {
  return `${new Date(tradeTimestamp).toISOString().slice(0, 16)}Z`;
}

export function readReport(path: string): CollectorReport {
  return CollectorReport.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Accumulates acked tickers; `snapshot()` gives the JSON the contract describes. */
export class ReportBuilder {
  readonly #markets = new Map<string, { acked: number; minutes: Map<string, { ticks: number; volume: bigint }> }>();
  acked = 0;

  add(market: string, tradeTimestamp: number, tradeVolume: number | string): void {
    let entry = this.#markets.get(market);
    if (!entry) this.#markets.set(market, entry = { acked: 0, minutes: new Map() });
    const key = minuteKey(tradeTimestamp);
    const minute = entry.minutes.get(key) ?? { ticks: 0, volume: 0n };
    minute.ticks++;
    minute.volume += toScaled(tradeVolume);
    entry.minutes.set(key, minute);
    entry.acked++;
    this.acked++;
  }

  markets(): CollectorReport['markets'] {
    const out: CollectorReport['markets'] = {};
    for (const [market, entry] of [...this.#markets].sort(([a], [b]) => a.localeCompare(b))) {
      const minutes: Record<string, { ticks: number; volume: string }> = {};
      for (const [key, minute] of [...entry.minutes].sort(([a], [b]) => a.localeCompare(b))) minutes[key] = { ticks: minute.ticks, volume: formatScaled(minute.volume) };
      out[market] = { acked: entry.acked, minutes };
    }
    return out;
  }
}
