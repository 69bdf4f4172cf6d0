// The candle chart panel's snapshot: committed 1-minute candles per market, each closed
// minute marked against the collector's acked ledger (and, in chapter 4, against the Paimon
// row). Plain types and constants only (no zod, no Node APIs): the page imports this file.
import type { PanelSnapshot } from '../../../server/wire.ts';

/** Chapter 3's kind: live candles from Kafka. */
export const CANDLE_CHART_KIND = 'flink-candle-chart';
/** Chapter 4's kind: the same chart, with each minute also checked against the Paimon table. */
export const LAKE_CANDLE_CHART_KIND = 'lakehouse-candle-chart';
export type CandleChartKind = typeof CANDLE_CHART_KIND | typeof LAKE_CANDLE_CHART_KIND;
export const CANDLE_CHART_KINDS: readonly CandleChartKind[] = [CANDLE_CHART_KIND, LAKE_CANDLE_CHART_KIND];

/** Tick count and exact volume (8-decimal text) of one market and minute. */
export interface MinuteCount {
  ticks: number;
  volume: string;
}

/**
 * A candle against the collector's ledger:
 * agree: ticks and volume equal the ledger; disagree: they differ;
 * duplicate: the topic holds more than one committed candle for the minute;
 * extra: a judged minute the ledger does not know (someone else wrote the topic);
 * pending: not judged yet (the minute is the newest, or the ledger was not written since it closed);
 * unjudged: before the ledger starts, or no ledger at all.
 */
export type LedgerVerdict = 'agree' | 'disagree' | 'duplicate' | 'extra' | 'pending' | 'unjudged';

/** The Paimon row against the Kafka candle; `off` when the panel does not read Paimon. */
export type LakeVerdict = 'agree' | 'disagree' | 'missing' | 'pending' | 'off';

export interface ChartCandle {
  /** UTC minute key of the window start, e.g. 2026-11-30T12:34Z. */
  minute: string;
  /** Window start in epoch seconds (the chart's time axis). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  ticks: number;
  volume: string;
  /** Committed candles the topic holds for this market and minute (more than 1: duplicate). */
  copies: number;
  ledger: LedgerVerdict;
  /** The ledger's numbers, when they are worth showing (disagree, duplicate). */
  expected?: MinuteCount | undefined;
  lake: LakeVerdict;
  /** The Paimon row's numbers, when they differ from the candle. */
  lakeRow?: (MinuteCount & { open: number; high: number; low: number; close: number }) | undefined;
  /** When the lab server first read this candle (epoch ms): for the close-to-drawn latency. */
  seenAt: number;
}

/** A closed minute the ledger has acked ticks for and the topic has no candle for. */
export interface ChartGap {
  minute: string;
  time: number;
  expected: MinuteCount;
}

export interface ChartMarket {
  market: string;
  candles: ChartCandle[];
  gaps: ChartGap[];
}

export interface AgreementTotals {
  /** Closed minutes compared with the ledger. */
  judged: number;
  agree: number;
  /** Judged minutes that disagree (numbers, duplicates, extras, gaps). */
  disagree: number;
  /** Minutes compared with Paimon, and how many of them differ or are missing. */
  lakeJudged: number;
  lakeDisagree: number;
}

export interface CandleChartSnapshot extends PanelSnapshot {
  kind: CandleChartKind;
  topic: string;
  /** Whether the last read of the brokers worked. */
  reachable: boolean;
  /** Korean: why there is nothing to draw (what is wrong and what to do), or null. */
  problem: string | null;
  /** Whether the collector's ledger (report.json) was found, and the first minute it judges. */
  ledger: { present: boolean; from: string | null; updatedAt: number | null };
  /** Paimon: not read by this kind, read, or the gateway did not answer. */
  lake: 'off' | 'read' | 'unreachable';
  markets: ChartMarket[];
  newestMinute: string | null;
  totals: AgreementTotals;
  /** The server's bounds: at most this many markets, minutes back and records kept. */
  limits: { markets: number; minutes: number; rows: number; truncated: boolean };
  /** Korean lines for what changed since the previous snapshot (newly closed or disagreeing minutes). */
  events: string[];
}
