// price_change(market, window): how much a market moved over a look-back window. The price
// now comes from Kafka (latest_ticker's path); the price then is the open of the first
// 1-minute candle of the window in Paimon. 'utc-day' needs Kafka only: Upbit's own change
// rate against the previous UTC day's close.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LIMITS } from '../config.ts';
import { ToolFailure } from '../errors.ts';
import { PriceChangeInput } from '../inputs.ts';
import { dual } from '../time.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';
import { unknownMarket } from './latest-ticker.ts';

const WINDOW_MS = { '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '24h': 86_400_000 } as const;
const Time = z.object({ utc: z.string(), kst: z.string(), epochMs: z.number() });

export function registerPriceChange(server: McpServer, deps: ToolDeps): void {
  server.registerTool('price_change', {
    title: 'Price change / 가격 변화',
    description:
      "Change of one market's price over a window (5m|15m|1h|4h|24h: now from Kafka vs the window's first 1-minute candle in Paimon, plus the window's high and low; utc-day: Upbit's change vs the previous UTC day's close, Kafka only). Percent values are percent, not fractions.\n" +
      '한 마켓의 가격이 구간 동안 얼마나 움직였는지: 5m|15m|1h|4h|24h는 Kafka의 현재가와 Paimon 캔들의 구간 첫 시가를 비교하고 고가·저가도 줍니다. utc-day는 업비트 기준(전일 UTC 종가 대비)이며 Kafka만 씁니다. 퍼센트 값은 % 단위입니다.',
    inputSchema: PriceChangeInput,
    outputSchema: {
      market: z.string(),
      window: z.string(),
      price_now: z.number(),
      price_then: z.number(),
      change: z.number(),
      change_percent: z.number(),
      high: z.number().nullable(),
      low: z.number().nullable(),
      now: Time,
      then: Time,
      sources: z.array(z.string()),
    },
    annotations: READ_ONLY,
  }, ({ market, window }) => guarded(deps.config.queryTimeoutMs + 15_000, async () => {
    if ((await deps.markets.known(market)) === false) throw unknownMarket(market);
    const record = await deps.kafka.newestForKey(deps.config.tickerTopic, market, LIMITS.kafkaTailRecords);
    const ticker = record?.value ? (JSON.parse(record.value) as Record<string, unknown>) : null;
    const priceNow = typeof ticker?.['trade_price'] === 'number' ? ticker['trade_price'] : null;
    if (!ticker || priceNow === null) {
      throw new ToolFailure('kafka', `${market}의 최근 시세가 Kafka에 없습니다: 수집기가 돌고 있는지 보세요`, `No recent ${market} ticker in Kafka: is the collector running?`);
    }
    const nowMs = typeof ticker['trade_timestamp'] === 'number' ? ticker['trade_timestamp'] : record!.timestamp;
    if (window === 'utc-day') {
      const prev = Number(ticker['prev_closing_price']);
      const dayStart = Math.floor(nowMs / 86_400_000) * 86_400_000;
      const result = {
        market, window, price_now: priceNow, price_then: prev, change: round(priceNow - prev),
        change_percent: round(Number(ticker['signed_change_rate']) * 100, 4),
        high: typeof ticker['high_price'] === 'number' ? ticker['high_price'] : null,
        low: typeof ticker['low_price'] === 'number' ? ticker['low_price'] : null,
        now: dual(nowMs), then: dual(dayStart), sources: ['kafka upbit-ticker'],
      };
      return ok(result, `${market} ${result.change_percent}% since 00:00 UTC (09:00 KST)`);
    }
    const fromMs = deps.now() - WINDOW_MS[window];
    const { rows } = await deps.paimon.candles(market, fromMs, deps.now() + 60_000, LIMITS.maxQueryRows);
    const first = rows[0];
    if (!first) {
      throw new ToolFailure('paimon', `${window} 구간의 캔들이 Paimon에 아직 없습니다: 4편 스트리밍 잡이 돌고 체크포인트가 지났는지 보세요`,
        `No candles in Paimon for the last ${window} yet: is chapter 4's streaming job running and past a checkpoint?`);
    }
    const high = Math.max(priceNow, ...rows.map((r) => r.high));
    const low = Math.min(priceNow, ...rows.map((r) => r.low));
    const result = {
      market, window, price_now: priceNow, price_then: first.open, change: round(priceNow - first.open),
      change_percent: round(((priceNow - first.open) / first.open) * 100, 4), high, low,
      now: dual(nowMs), then: dual(first.windowStartMs), sources: ['kafka upbit-ticker', 'paimon candles_1m'],
    };
    return ok(result, `${market} ${result.change_percent}% over ${window} (${first.open} -> ${priceNow})`);
  }));
}

const round = (value: number, digits = 8): number => Math.round(value * 10 ** digits) / 10 ** digits;
