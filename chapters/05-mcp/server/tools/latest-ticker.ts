// latest_ticker(market): the newest ticker record of one market, read from Kafka (the topic
// the collector writes), not from the lake: it is seconds old, not a checkpoint old.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { LIMITS } from '../config.ts';
import { badInput, ToolFailure } from '../errors.ts';
import { LatestTickerInput } from '../inputs.ts';
import { dual } from '../time.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';

const Time = z.object({ utc: z.string(), kst: z.string(), epochMs: z.number() });

/** Fields of the Upbit DEFAULT ticker we pass on; the rest stays in Kafka. */
const FIELDS = ['trade_price', 'change', 'signed_change_price', 'signed_change_rate', 'opening_price', 'high_price', 'low_price',
  'prev_closing_price', 'trade_volume', 'acc_trade_price_24h', 'acc_trade_volume_24h', 'ask_bid', 'market_state', 'stream_type'] as const;

export function registerLatestTicker(server: McpServer, deps: ToolDeps): void {
  server.registerTool('latest_ticker', {
    title: 'Latest ticker / 최신 시세',
    description:
      "Newest trade ticker of one market straight from Kafka topic upbit-ticker (seconds old). Prices in KRW; change fields compare with the previous UTC day's close (Upbit's rule). Times in UTC and KST.\n" +
      'Kafka 토픽 upbit-ticker에서 한 마켓의 가장 최근 체결 시세를 읽습니다(몇 초 전 값). 가격은 원화, 변동률은 전일(UTC 0시 기준) 종가 대비입니다. 시각은 UTC와 KST로 줍니다.',
    inputSchema: LatestTickerInput,
    outputSchema: {
      market: z.string(),
      trade_time: Time,
      age_seconds: z.number(),
      kafka: z.object({ topic: z.string(), partition: z.number(), offset: z.string() }),
      ticker: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    },
    annotations: READ_ONLY,
  }, ({ market }) => guarded(deps.config.backendTimeoutMs * 2 + 4000, async () => {
    const known = await deps.markets.known(market);
    if (known === false) throw unknownMarket(market);
    const record = await deps.kafka.newestForKey(deps.config.tickerTopic, market, LIMITS.kafkaTailRecords);
    if (!record || record.value === null) {
      throw new ToolFailure('kafka',
        `${market}의 시세가 최근 ${LIMITS.kafkaTailRecords}건 안에 없습니다: 수집기(3편 flink-source 실습)가 돌고 있는지, 마켓 코드가 맞는지 보세요`,
        `No ${market} ticker in the last ${LIMITS.kafkaTailRecords} records of its partition: is the collector running (chapter 3, lab flink-source) and is the code right?`);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(record.value) as Record<string, unknown>;
    } catch {
      throw new ToolFailure('kafka', `${market} 레코드가 JSON이 아닙니다 (offset ${record.offset})`, `The ${market} record is not JSON (offset ${record.offset})`);
    }
    const ticker: Record<string, string | number | boolean | null> = {};
    for (const key of FIELDS) {
      const value = parsed[key];
      // Strings from the topic are data, not instructions: cap them so a poisoned record cannot carry a long payload.
      ticker[key] = typeof value === 'string' ? value.slice(0, 40) : typeof value === 'number' || typeof value === 'boolean' ? value : null;
    }
    const tradeMs = typeof parsed['trade_timestamp'] === 'number' ? parsed['trade_timestamp'] : record.timestamp;
    const age = Math.max(0, Math.round((deps.now() - tradeMs) / 100) / 10);
    const result = {
      market,
      trade_time: dual(tradeMs),
      age_seconds: age,
      kafka: { topic: deps.config.tickerTopic, partition: record.partition, offset: record.offset },
      ticker,
    };
    return ok(result, `${market} ${ticker['trade_price']} KRW at ${result.trade_time.kst} (KST), ${age} s ago`);
  }));
}

export function unknownMarket(market: string): ToolFailure {
  return badInput(`모르는 마켓입니다: ${market}. list_markets로 코드를 확인하세요`, `Unknown market: ${market}. Call list_markets for valid codes`);
}
