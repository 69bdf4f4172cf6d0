// The Upbit ticker as the whole course sees it: zod schemas for both wire formats (DEFAULT
// and SIMPLE), the key map between them, the semantic rules a real ticker obeys, and how a
// duplicate record is recognised. The collector validates with it, the stand-in is tested
// against it, and later chapters (Flink DDL, lakehouse checks, MCP tools) import the types.
import { z } from 'zod';

import { DEFAULT_KEYS, SIMPLE_KEYS, toSimpleKeys, type DefaultKey } from './fields.ts';

export { DEFAULT_KEYS, DEFAULT_OF_SIMPLE, FORMATS, SIMPLE_KEYS, fromSimple, type DefaultKey, type Format, type SimpleKey } from './fields.ts';

// Upbit sends whole-won prices as JSON integers (e.g. 135000000) and small ones as decimals,
// so every price or volume is a plain finite number; never assume an integer type.
const num = z.number().finite();
const nonNegative = num.min(0);
const epochMs = z.number().int().min(1_000_000_000_000).max(9_999_999_999_999);
const ymd = z.string().regex(/^\d{8}$/, 'yyyyMMdd (UTC)');
const hms = z.string().regex(/^\d{6}$/, 'HHmmss (UTC)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd');
export const MARKET_CODE = /^[A-Z0-9]+-[A-Z0-9]+$/;

const shape = {
  type: z.literal('ticker'),
  code: z.string().regex(MARKET_CODE, '대문자 마켓 코드 (예: KRW-BTC)'),
  opening_price: nonNegative,
  high_price: nonNegative,
  low_price: nonNegative,
  trade_price: nonNegative,
  prev_closing_price: nonNegative,
  change: z.enum(['RISE', 'EVEN', 'FALL']),
  change_price: nonNegative,
  signed_change_price: num,
  change_rate: nonNegative,
  signed_change_rate: num,
  trade_volume: nonNegative,
  acc_trade_volume: nonNegative,
  acc_trade_volume_24h: nonNegative,
  acc_trade_price: nonNegative,
  acc_trade_price_24h: nonNegative,
  trade_date: ymd,
  trade_time: hms,
  trade_timestamp: epochMs,
  ask_bid: z.enum(['ASK', 'BID']),
  acc_ask_volume: nonNegative,
  acc_bid_volume: nonNegative,
  highest_52_week_price: nonNegative,
  highest_52_week_date: isoDate,
  lowest_52_week_price: nonNegative,
  lowest_52_week_date: isoDate,
  market_state: z.enum(['PREVIEW', 'ACTIVE', 'DELISTED']),
  // Deprecated by Upbit but still sent; kept so the record stays byte-for-byte Upbit's.
  is_trading_suspended: z.boolean(),
  delisting_date: isoDate.nullable(),
  market_warning: z.enum(['NONE', 'CAUTION']),
  timestamp: epochMs,
  stream_type: z.enum(['SNAPSHOT', 'REALTIME']),
} satisfies Record<DefaultKey, z.ZodType>;

/** Exactly the 33 documented fields: what the stand-in must send. */
export const TickerDefault = z.object(shape).strict();
/** The same rules, but tolerant of fields Upbit may add later: what the collector accepts. */
export const TickerDefaultLoose = z.object(shape).loose();
export type Ticker = z.infer<typeof TickerDefault>;

const simpleShape = Object.fromEntries(DEFAULT_KEYS.map((key) => [SIMPLE_KEYS[key], shape[key]]));
/** SIMPLE format: same values under the short keys. */
export const TickerSimple = z.object(simpleShape as { [K in DefaultKey as (typeof SIMPLE_KEYS)[K]]: (typeof shape)[K] }).strict();
export type TickerSimpleT = z.infer<typeof TickerSimple>;

export function toSimple(ticker: Ticker): TickerSimpleT {
  return toSimpleKeys(ticker) as TickerSimpleT;
}

const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance;

/**
 * Rules a genuine ticker obeys beyond its types (what a faithful stand-in must also obey).
 * Returns the broken rules in plain words; empty means consistent.
 */
export function tickerInconsistencies(t: Ticker): string[] {
  const problems: string[] = [];
  const diff = t.trade_price - t.prev_closing_price;
  const expected = diff > 0 ? 'RISE' : diff < 0 ? 'FALL' : 'EVEN';
  if (t.change !== expected) problems.push(`change ${t.change} but trade ${t.trade_price} vs prev close ${t.prev_closing_price} is ${expected}`);
  const eps = Math.max(1e-9, Math.abs(t.prev_closing_price) * 1e-9);
  if (!close(t.signed_change_price, diff, eps)) problems.push(`signed_change_price ${t.signed_change_price} != trade - prev close ${diff}`);
  if (!close(t.change_price, Math.abs(t.signed_change_price), eps)) problems.push('change_price != |signed_change_price|');
  if (t.prev_closing_price > 0 && !close(t.signed_change_rate, diff / t.prev_closing_price, 1e-6)) problems.push(`signed_change_rate ${t.signed_change_rate} != ${diff / t.prev_closing_price}`);
  if (!close(t.change_rate, Math.abs(t.signed_change_rate), 1e-12)) problems.push('change_rate != |signed_change_rate|');
  if (t.high_price < t.low_price) problems.push('high_price < low_price');
  if (t.trade_price > t.high_price || t.trade_price < t.low_price) problems.push(`trade_price ${t.trade_price} outside the day's low/high ${t.low_price}..${t.high_price}`);
  if (t.opening_price > t.high_price || t.opening_price < t.low_price) problems.push('opening_price outside low/high');
  if (t.highest_52_week_price < t.high_price) problems.push('52-week high below the day high');
  if (t.lowest_52_week_price > t.low_price) problems.push('52-week low above the day low');
  if (t.acc_trade_volume_24h + 1e-8 < t.trade_volume) problems.push('24h volume smaller than this trade');
  if (!close(t.acc_ask_volume + t.acc_bid_volume, t.acc_trade_volume, Math.max(1e-6, t.acc_trade_volume * 1e-9))) problems.push('acc_ask_volume + acc_bid_volume != acc_trade_volume');
  const when = new Date(t.trade_timestamp).toISOString();
  if (when.slice(0, 10).replaceAll('-', '') !== t.trade_date) problems.push(`trade_date ${t.trade_date} is not the UTC date of trade_timestamp (${when})`);
  if (when.slice(11, 19).replaceAll(':', '') !== t.trade_time) problems.push(`trade_time ${t.trade_time} is not the UTC time of trade_timestamp (${when})`);
  return problems;
}

/**
 * How a duplicate record is recognised in `upbit-ticker`. Upbit's ticker carries no sequence
 * id (the trade stream has `sequential_id`, the ticker does not), and two trades of one
 * market can share a millisecond. `acc_trade_volume` grows with every trade of the UTC day,
 * so (code, trade_timestamp, acc_trade_volume) names one trade even within a millisecond,
 * on real Upbit data as well as on the stand-in's. Two records with this same key are the
 * same ticker delivered twice.
 */
export function tickerIdentity(t: Pick<Ticker, 'code' | 'trade_timestamp' | 'acc_trade_volume'>): string {
  return `${t.code}|${t.trade_timestamp}|${t.acc_trade_volume}`;
}

/** Upbit's documented WebSocket error names. */
export const UPBIT_ERROR_NAMES = ['INVALID_AUTH', 'WRONG_FORMAT', 'NO_TICKET', 'NO_TYPE', 'NO_CODES', 'INVALID_PARAM'] as const;
export const UpbitError = z.object({ error: z.object({ name: z.string(), message: z.string() }) });
export const UpbitStatus = z.object({ status: z.string() });
