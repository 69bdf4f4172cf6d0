// The tools' input schemas. Every string parameter has a strict pattern or an enum, so
// nothing free-form (quotes, semicolons, comments, newlines, paths) can reach a Kafka key, a
// SQL statement or a file name: a bad value is refused by the SDK before the tool runs, and
// the AI gets an isError result that says which parameter was wrong.
import { z } from 'zod';
import { TIME_INPUT } from './time.ts';

/** Upbit market codes: quote-base in upper case (KRW-BTC, BTC-ETH, USDT-XRP). */
export const MARKET_PATTERN = /^(KRW|BTC|USDT)-[A-Z0-9]{1,12}$/;

export const market = z
  .string()
  .max(17)
  .regex(MARKET_PATTERN, 'market must look like KRW-BTC (Upbit code, upper case) / 마켓 코드는 KRW-BTC처럼 대문자로')
  .describe('Upbit market code, e.g. KRW-BTC / 업비트 마켓 코드 (예: KRW-BTC)');

export const timeInput = z
  .string()
  .max(32)
  .regex(TIME_INPUT, 'time must be ISO 8601 with zone (2026-11-30T14:00+09:00), KST wall time (2026-11-30 14:00) or now-1h / 시각 형식 오류');

export const CANDLE_INTERVALS = ['1m', '5m', '15m', '1h'] as const;
export const interval = z.enum(CANDLE_INTERVALS).describe('candle length / 캔들 길이');

export const PRICE_WINDOWS = ['5m', '15m', '1h', '4h', '24h', 'utc-day'] as const;
export const priceWindow = z
  .enum(PRICE_WINDOWS)
  .describe("look-back window; 'utc-day' = since 00:00 UTC (09:00 KST), Upbit's own change rate / 비교 구간");

const slug = z.string().max(48).regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lowercase id like mcp-tools / 소문자 id');
export const labId = slug.describe('lab id, e.g. mcp-tools / 실습 id');
export const stepId = slug.describe('step id within the lab / 단계 id');

// Strict objects, not raw shapes: the SDK wraps a raw shape in a plain z.object, which drops
// unknown keys silently, so a client that misspells `form` for `from` would get a default
// range instead of an error. Strict objects refuse them and list additionalProperties: false.
export const LatestTickerInput = z.strictObject({ market });
export const NoInput = z.strictObject({});
export const CandlesInput = z.strictObject({
  market,
  from: timeInput.describe('start (inclusive) / 시작 시각 (포함)'),
  to: timeInput.default('now').describe('end (exclusive), default now / 끝 시각 (제외), 기본 now'),
  interval: interval.default('1m'),
  limit: z.number().int().min(1).max(500).default(120).describe('max rows returned, newest kept (<= 500) / 최대 행 수'),
});
export const PriceChangeInput = z.strictObject({ market, window: priceWindow.default('1h') });
export const ExplainInput = z.strictObject({ lab: labId, step: stepId.optional() });
