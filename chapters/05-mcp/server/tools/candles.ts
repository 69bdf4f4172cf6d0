// candles(market, from, to, interval): OHLC candles from Paimon's candles_1m, read through
// the Flink SQL gateway. Longer intervals are folded from the 1-minute rows here (open of the
// first, close of the last), so the only SQL is the fixed, parameterised 1-minute query.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LIMITS } from '../config.ts';
import { badInput } from '../errors.ts';
import { CandlesInput } from '../inputs.ts';
import type { Candle1m } from '../backends/paimon.ts';
import { dual, parseTime } from '../time.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';
import { unknownMarket } from './latest-ticker.ts';

const INTERVAL_MS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const;
const Time = z.object({ utc: z.string(), kst: z.string(), epochMs: z.number() });
const CandleOut = z.object({
  start: Time, open: z.number(), high: z.number(), low: z.number(), close: z.number(),
  volume: z.number(), trade_value_krw: z.number(), ticks: z.number(), minutes: z.number(),
});
export type CandleOut = z.infer<typeof CandleOut>;

/** Folds 1-minute candles (ordered by time) into `intervalMs` buckets aligned to UTC. */
export function foldCandles(rows: readonly Candle1m[], intervalMs: number): CandleOut[] {
  const out: CandleOut[] = [];
  let current: CandleOut | null = null;
  for (const row of rows) {
    const start = Math.floor(row.windowStartMs / intervalMs) * intervalMs;
    if (!current || current.start.epochMs !== start) {
      current = { start: dual(start), open: row.open, high: row.high, low: row.low, close: row.close, volume: row.volume, trade_value_krw: row.tradeValue, ticks: row.ticks, minutes: 1 };
      out.push(current);
    } else {
      current.high = Math.max(current.high, row.high);
      current.low = Math.min(current.low, row.low);
      current.close = row.close;
      current.volume = round8(current.volume + row.volume);
      current.trade_value_krw += row.tradeValue;
      current.ticks += row.ticks;
      current.minutes += 1;
    }
  }
  return out;
}

const round8 = (value: number): number => Math.round(value * 1e8) / 1e8;

/** Checks a range the schema let through: order, length, not in the future. Returns epoch ms. */
export function checkRange(fromText: string, toText: string, now: number): { fromMs: number; toMs: number } {
  const fromMs = parseTime(fromText, now);
  const toMs = parseTime(toText, now);
  if (fromMs >= toMs) throw badInput(`from(${fromText})이 to(${toText})보다 앞서야 합니다`, `from (${fromText}) must be before to (${toText})`);
  if (toMs - fromMs > LIMITS.maxRangeMs) {
    throw badInput(`구간이 너무 깁니다: 최대 24시간입니다. 더 긴 기간은 나눠서 부르세요`, 'Range too long: at most 24 hours per call; split longer periods');
  }
  if (fromMs > now + 60_000) throw badInput('from이 미래입니다', 'from is in the future');
  return { fromMs, toMs: Math.min(toMs, now + 60_000) };
}

export function registerCandles(server: McpServer, deps: ToolDeps): void {
  server.registerTool('candles', {
    title: 'Candles / 캔들',
    description:
      'OHLC candles of one market from the lakehouse (Paimon table candles_1m, written by Flink), for a range of at most 24 h. interval 1m|5m|15m|1h; at most `limit` rows (newest kept, truncated=true when cut). Times: ISO 8601 with zone, KST wall time "2026-11-30 14:00", or now-2h. Output times in UTC and KST. The first call after the SQL gateway starts takes ~15 s.\n' +
      '레이크하우스(Flink가 쓰는 Paimon 테이블 candles_1m)에서 한 마켓의 캔들을 최대 24시간 구간으로 읽습니다. interval은 1m|5m|15m|1h, 최대 limit행(넘치면 최근 것만, truncated=true). 시각은 UTC와 KST로 줍니다. SQL 게이트웨이를 띄운 뒤 첫 호출은 15초쯤 걸립니다.',
    inputSchema: CandlesInput,
    outputSchema: {
      market: z.string(),
      interval: z.string(),
      from: Time,
      to: Time,
      candles: z.array(CandleOut),
      truncated: z.boolean(),
      source: z.string(),
    },
    annotations: READ_ONLY,
  }, ({ market, from, to, interval, limit }) => guarded(deps.config.queryTimeoutMs + 10_000, async () => {
    const now = deps.now();
    const { fromMs, toMs } = checkRange(from, to, now);
    if ((await deps.markets.known(market)) === false) throw unknownMarket(market);
    const { rows, truncated: rawTruncated } = await deps.paimon.candles(market, fromMs, toMs, LIMITS.maxQueryRows);
    const folded = foldCandles(rows, INTERVAL_MS[interval]);
    const cap = Math.min(limit, LIMITS.maxCandleRows);
    const candles = folded.slice(-cap);
    const result = {
      market, interval, from: dual(fromMs), to: dual(toMs), candles,
      truncated: rawTruncated || folded.length > candles.length,
      source: 'paimon lake.upbit.candles_1m via Flink SQL gateway',
    };
    const last = candles.at(-1);
    const summary = last
      ? `${candles.length} ${interval} candles of ${market}; last ${last.start.kst} close ${last.close}`
      : `No candles of ${market} in ${result.from.kst} ~ ${result.to.kst} (KST): the lake has nothing for that range yet`;
    return ok(result, summary);
  }));
}
