// Upbit ticker field names in both formats, with no dependencies, so the stand-in server
// can load it without zod (its container starts faster and smaller). ticker-schema.ts
// re-exports everything here next to the zod schemas.
/** DEFAULT key -> SIMPLE key, in Upbit's documented field order (33 fields). */
export const SIMPLE_KEYS = {
  type: 'ty',
  code: 'cd',
  opening_price: 'op',
  high_price: 'hp',
  low_price: 'lp',
  trade_price: 'tp',
  prev_closing_price: 'pcp',
  change: 'c',
  change_price: 'cp',
  signed_change_price: 'scp',
  change_rate: 'cr',
  signed_change_rate: 'scr',
  trade_volume: 'tv',
  acc_trade_volume: 'atv',
  acc_trade_volume_24h: 'atv24h',
  acc_trade_price: 'atp',
  acc_trade_price_24h: 'atp24h',
  trade_date: 'tdt',
  trade_time: 'ttm',
  trade_timestamp: 'ttms',
  ask_bid: 'ab',
  acc_ask_volume: 'aav',
  acc_bid_volume: 'abv',
  highest_52_week_price: 'h52wp',
  highest_52_week_date: 'h52wdt',
  lowest_52_week_price: 'l52wp',
  lowest_52_week_date: 'l52wdt',
  market_state: 'ms',
  is_trading_suspended: 'its',
  delisting_date: 'dd',
  market_warning: 'mw',
  timestamp: 'tms',
  stream_type: 'st',
} as const;

export type DefaultKey = keyof typeof SIMPLE_KEYS;
export type SimpleKey = (typeof SIMPLE_KEYS)[DefaultKey];
export const DEFAULT_KEYS = Object.keys(SIMPLE_KEYS) as DefaultKey[];
export const DEFAULT_OF_SIMPLE: Record<SimpleKey, DefaultKey> = Object.fromEntries(
  DEFAULT_KEYS.map((key) => [SIMPLE_KEYS[key], key]),
) as Record<SimpleKey, DefaultKey>;

export const FORMATS = ['DEFAULT', 'SIMPLE', 'JSON_LIST', 'SIMPLE_LIST'] as const;
export type Format = (typeof FORMATS)[number];

/** DEFAULT-keyed object -> SIMPLE-keyed object, in Upbit's field order. */
export function toSimpleKeys<T extends Record<DefaultKey, unknown>>(ticker: T): Record<SimpleKey, unknown> {
  return Object.fromEntries(DEFAULT_KEYS.map((key) => [SIMPLE_KEYS[key], ticker[key]])) as Record<SimpleKey, unknown>;
}

export function fromSimple(simple: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(simple).map(([key, value]) => [DEFAULT_OF_SIMPLE[key as SimpleKey] ?? key, value]));
}
