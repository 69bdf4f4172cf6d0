// list_markets: which market codes the other tools accept, with their Korean and English names.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ToolFailure } from '../errors.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';
import { NoInput } from '../inputs.ts';

export function registerListMarkets(server: McpServer, deps: ToolDeps): void {
  server.registerTool('list_markets', {
    title: 'List markets / 마켓 목록',
    description:
      'Lists the Upbit market codes this pipeline collects (e.g. KRW-BTC) with Korean and English names. Call this first when unsure which code to pass to the other tools.\n' +
      '파이프라인이 모으는 업비트 마켓 코드(예: KRW-BTC)와 한글·영문 이름을 돌려줍니다. 다른 도구에 넘길 코드를 모를 때 먼저 부르세요.',
    inputSchema: NoInput,
    outputSchema: {
      source: z.enum(['upbit-replay', 'paimon']),
      markets: z.array(z.object({ market: z.string(), korean_name: z.string().nullable(), english_name: z.string().nullable(), warning: z.boolean() })),
    },
    annotations: READ_ONLY,
  }, () => guarded(deps.config.queryTimeoutMs + 5000, async () => {
    try {
      const markets = await deps.markets.list(deps.now());
      return ok({ source: 'upbit-replay', markets }, `${markets.length} markets (source: upbit-replay)`);
    } catch (error) {
      // The source is down: the lake still knows which markets have candles.
      if (!(error instanceof ToolFailure)) throw error;
      const inLake = await deps.paimon.marketsInLake().catch(() => { throw error; });
      const markets = inLake.map((m) => ({ market: m.market, korean_name: null, english_name: null, warning: false }));
      return ok({ source: 'paimon', markets }, `${markets.length} markets with candles in Paimon (upbit-replay is down: ${error.en})`);
    }
  }));
}
