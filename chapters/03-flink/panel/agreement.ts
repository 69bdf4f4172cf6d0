// The candle chart's agreement marks, pure (no Kafka, no files): committed candles against the
// collector's acked ledger per market and UTC minute (tick count, exact volume), and, in
// chapter 4, the Paimon row against the Kafka candle. The server runs it on every read and
// sends the verdicts; unit tests run it on made-up minutes. Volumes are compared as scaled
// integers (decimal.ts) because a double would call equal volumes different.
import { toScaled } from '../upbit/decimal.ts';
import type { AgreementTotals, ChartCandle, ChartGap, ChartMarket, LakeVerdict, LedgerVerdict, MinuteCount } from './chart-snapshot.ts';

/** One committed candle as read from the topic (the fields the chart and the marks need). */
export interface CandleRecord extends MinuteCount {
  market: string;
  minute: string;
  open: number;
  high: number;
  low: number;
  close: number;
  seenAt: number;
}

/** The collector's ledger, cut down to what judging needs. */
export interface LedgerInput {
  /** First minute the ledger is complete for (judgedFrom: the minute after the collector started). */
  from: string;
  /** When the collector last wrote its report (epoch ms). */
  updatedAt: number;
  markets: Record<string, { minutes: Record<string, MinuteCount> }>;
}

/** A Paimon candles_1m row (chapter 4). */
export interface LakeRow extends MinuteCount {
  market: string;
  minute: string;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface AgreementInput {
  candles: readonly CandleRecord[];
  ledger?: LedgerInput | undefined;
  /** Paimon rows; undefined when the panel does not read Paimon. */
  lake?: readonly LakeRow[] | undefined;
  /** Markets to show, in this order (the lab's bound); others are dropped. */
  markets: readonly string[];
}

export interface AgreementResult {
  markets: ChartMarket[];
  newestMinute: string | null;
  totals: AgreementTotals;
}

/**
 * The ledger keeps counting acks of a minute until the watermark (5 s after the minute)
 * could pass it; it is written every second. A minute is judged only once the ledger was
 * written this long after the minute ended, so a report taken mid-minute is not a "disagree".
 */
export const LEDGER_GRACE_MS = 10_000;

export const minuteStartMs = (minute: string): number => Date.parse(minute.replace(/Z$/, ':00Z'));

export function sameCount(a: MinuteCount, b: MinuteCount): boolean {
  return a.ticks === b.ticks && toScaled(a.volume) === toScaled(b.volume);
}

function ledgerVerdict(copies: readonly CandleRecord[], minute: string, closed: boolean, ledger: LedgerInput | undefined, expected: MinuteCount | undefined): LedgerVerdict {
  if (!ledger || minute < ledger.from) return 'unjudged';
  if (!closed || ledger.updatedAt < minuteStartMs(minute) + 60_000 + LEDGER_GRACE_MS) return 'pending';
  if (copies.length > 1) return 'duplicate';
  if (!expected) return 'extra';
  return sameCount(copies[0]!, expected) ? 'agree' : 'disagree';
}

function lakeVerdict(candle: CandleRecord, row: LakeRow | undefined, lakeNewest: string | undefined, lakeRead: boolean): LakeVerdict {
  if (!lakeRead) return 'off';
  if (!row) return lakeNewest !== undefined && candle.minute < lakeNewest ? 'missing' : 'pending';
  const same = sameCount(candle, row) && candle.open === row.open && candle.high === row.high && candle.low === row.low && candle.close === row.close;
  return same ? 'agree' : 'disagree';
}

/**
 * Marks every candle and lists the gaps. A minute is closed when any market has a candle of a
 * later minute (the job's watermark is one for all markets); the newest minute stays pending,
 * as its commit may not have reached every partition when the read began. The drawn bar of a
 * duplicated minute is the last copy read, marked `duplicate` with the ledger's numbers.
 */
export function judgeCandles(input: AgreementInput): AgreementResult {
  const wanted = new Set(input.markets);
  const byKey = new Map<string, CandleRecord[]>();
  let newest: string | undefined;
  for (const candle of input.candles) {
    if (!wanted.has(candle.market)) continue;
    const key = `${candle.market}|${candle.minute}`;
    const list = byKey.get(key);
    if (list) list.push(candle); else byKey.set(key, [candle]);
    if (newest === undefined || candle.minute > newest) newest = candle.minute;
  }
  const lakeRead = input.lake !== undefined;
  const lakeByKey = new Map((input.lake ?? []).filter((row) => wanted.has(row.market)).map((row) => [`${row.market}|${row.minute}`, row]));
  const lakeNewest = (input.lake ?? []).reduce<string | undefined>((max, row) => (max === undefined || row.minute > max ? row.minute : max), undefined);
  const totals: AgreementTotals = { judged: 0, agree: 0, disagree: 0, lakeJudged: 0, lakeDisagree: 0 };
  const markets: ChartMarket[] = [];
  for (const market of input.markets) {
    const candles: ChartCandle[] = [];
    const ledgerMinutes = input.ledger?.markets[market]?.minutes ?? {};
    const keys = [...byKey.keys()].filter((key) => key.startsWith(`${market}|`)).sort();
    for (const key of keys) {
      const copies = byKey.get(key)!;
      const drawn = copies[copies.length - 1]!;
      const expected = ledgerMinutes[drawn.minute];
      const closed = newest !== undefined && drawn.minute < newest;
      const ledger = ledgerVerdict(copies, drawn.minute, closed, input.ledger, expected);
      const lake = lakeVerdict(drawn, lakeByKey.get(key), lakeNewest, lakeRead);
      if (ledger !== 'pending' && ledger !== 'unjudged') {
        totals.judged++;
        if (ledger === 'agree') totals.agree++; else totals.disagree++;
      }
      if (lake === 'agree' || lake === 'disagree' || lake === 'missing') {
        totals.lakeJudged++;
        if (lake !== 'agree') totals.lakeDisagree++;
      }
      const row = lakeByKey.get(key);
      candles.push({
        minute: drawn.minute,
        time: minuteStartMs(drawn.minute) / 1000,
        open: drawn.open, high: drawn.high, low: drawn.low, close: drawn.close,
        ticks: drawn.ticks, volume: drawn.volume,
        copies: copies.length,
        ledger,
        expected: ledger === 'disagree' || ledger === 'duplicate' ? expected : undefined,
        lake,
        lakeRow: lake === 'disagree' && row ? { ticks: row.ticks, volume: row.volume, open: row.open, high: row.high, low: row.low, close: row.close } : undefined,
        seenAt: Math.min(...copies.map((c) => c.seenAt)),
      });
    }
    const gaps: ChartGap[] = [];
    const ledger = input.ledger;
    if (ledger && newest !== undefined) {
      const oldestShown = candles[0]?.minute ?? newest;
      for (const [minute, expected] of Object.entries(ledgerMinutes)) {
        // Only closed, judged minutes inside the window the chart shows can be a gap; an
        // older ledger minute fell outside the panel's bound, not out of the topic.
        if (minute < ledger.from || minute >= newest || minute < oldestShown || expected.ticks === 0) continue;
        if (ledger.updatedAt < minuteStartMs(minute) + 60_000 + LEDGER_GRACE_MS) continue;
        if (byKey.has(`${market}|${minute}`)) continue;
        gaps.push({ minute, time: minuteStartMs(minute) / 1000, expected });
        totals.judged++;
        totals.disagree++;
      }
      gaps.sort((a, b) => a.time - b.time);
    }
    markets.push({ market, candles, gaps });
  }
  return { markets, newestMinute: newest ?? null, totals };
}

export const MAX_EVENT_LINES = 10;

const VERDICT_WORDS: Readonly<Record<Exclude<LedgerVerdict, 'agree' | 'pending' | 'unjudged'>, string>> = {
  disagree: '수집기 보고서와 다릅니다',
  duplicate: '캔들이 두 번 이상 커밋됐습니다',
  extra: '수집기 보고서에 없는 분입니다',
};

/** Korean lines for minutes newly judged since `previous` (a summary line, plus one line per disagreement). */
export function describeAgreementChanges(previous: AgreementResult | undefined, next: AgreementResult): string[] {
  const before = new Map<string, ChartCandle>();
  const gapsBefore = new Set<string>();
  for (const market of previous?.markets ?? []) {
    for (const candle of market.candles) before.set(`${market.market}|${candle.minute}`, candle);
    for (const gap of market.gaps) gapsBefore.add(`${market.market}|${gap.minute}`);
  }
  const lines: string[] = [];
  let newlyAgreed = 0;
  for (const market of next.markets) {
    for (const candle of market.candles) {
      const old = before.get(`${market.market}|${candle.minute}`);
      if (old && old.ledger === candle.ledger && old.lake === candle.lake) continue;
      if (candle.ledger === 'agree') newlyAgreed++;
      else if (candle.ledger === 'disagree' || candle.ledger === 'duplicate' || candle.ledger === 'extra') {
        const expected = candle.expected ? ` (보고서 체결 ${candle.expected.ticks}건·거래량 ${candle.expected.volume}, 캔들 ${candle.ticks}건·${candle.volume}${candle.copies > 1 ? `, ${candle.copies}개` : ''})` : '';
        lines.push(`${market.market} ${kstMinute(candle.minute)}: ${VERDICT_WORDS[candle.ledger]}${expected}.`);
      }
      if (candle.lake === 'disagree' || candle.lake === 'missing') {
        lines.push(`${market.market} ${kstMinute(candle.minute)}: Paimon ${candle.lake === 'missing' ? '행이 없습니다' : `행이 Kafka 캔들과 다릅니다 (Paimon 체결 ${candle.lakeRow?.ticks ?? '-'}건·거래량 ${candle.lakeRow?.volume ?? '-'})`}.`);
      }
    }
    for (const gap of market.gaps) {
      if (gapsBefore.has(`${market.market}|${gap.minute}`)) continue;
      lines.push(`${market.market} ${kstMinute(gap.minute)}: 캔들이 없습니다 (보고서 체결 ${gap.expected.ticks}건·거래량 ${gap.expected.volume}).`);
    }
  }
  // The first snapshot of a bad topic can disagree on every minute: the lines are a summary
  // for the timeline and the screen reader, the table view has every number.
  if (lines.length > MAX_EVENT_LINES) lines.splice(MAX_EVENT_LINES - 1, lines.length, `그 밖에 ${lines.length - MAX_EVENT_LINES + 1}개 분이 다릅니다. 표 보기에서 숫자를 보세요.`);
  if (newlyAgreed > 0) lines.unshift(`닫힌 분 ${newlyAgreed}개가 수집기 보고서와 일치합니다.`);
  return lines;
}

/** `HH:mm` in Korea time (UTC+9, no daylight saving) of a UTC minute key: stable in any locale. */
export function kstMinute(minute: string): string {
  const kst = new Date(minuteStartMs(minute) + 9 * 3_600_000);
  return `${String(kst.getUTCHours()).padStart(2, '0')}:${String(kst.getUTCMinutes()).padStart(2, '0')}`;
}
