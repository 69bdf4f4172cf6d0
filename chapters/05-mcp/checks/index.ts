// Chapter 5's checks. Each one talks MCP to the real server (never a mock) and compares what
// it answers with the pipeline read another way, or with what the learner's terminal shows.
import { z } from 'zod';
import { fail, pass, checksFor, terminalParam, type CheckDefinition } from '../../../server/checks.ts';
import { execKafkaTool } from '../../02-kafka/kafka-access.ts';
import { queryOnce, rowObjects, sql, sqlString, SqlGateway } from '../../04-lakehouse/paimon-query.ts';
import { callTool, launchLikeEditor, readServerEntry, textOf, type McpEndpoints } from '../access.ts';
import { SESSION_SETUP } from '../server/backends/paimon.ts';

const defineCheck = checksFor<McpEndpoints>();
const TOOLS = ['candles', 'explain_lab_failure', 'latest_ticker', 'list_markets', 'pipeline_health', 'price_change'];

/** The server started on stdio and said so on stderr (the terminal shows both streams). */
export const serverStarts = defineCheck({
  name: 'mcp-server-starts',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const output = context.output(params.terminal);
    if (/stdio ready/.test(output)) return pass('MCP 서버가 stdio로 떴다가 입력이 끝나자 스스로 내려갔습니다.', [output.trim().split('\n').at(-1) ?? '']);
    if (/ERR_MODULE_NOT_FOUND|Cannot find package/.test(output)) return { ...fail('의존성이 없습니다. 저장소 루트에서 npm install 을 먼저 실행하세요.'), settled: true };
    if (/SyntaxError|ERR_UNKNOWN_FILE_EXTENSION/.test(output)) return { ...fail('Node가 TypeScript를 실행하지 못했습니다. node --version 이 22.18 이상(권장 24)인지 보세요.'), settled: true };
    return fail('아직 "stdio ready" 줄이 보이지 않습니다. 명령을 실행했는지, 오류가 찍히지 않았는지 터미널을 보세요.');
  },
});

/** The Inspector CLI listed every tool (the learner's terminal shows its JSON). */
export const toolsListed = defineCheck({
  name: 'mcp-tools-listed',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const output = context.output(params.terminal);
    const seen = TOOLS.filter((tool) => output.includes(`"name": "${tool}"`) || output.includes(`"name":"${tool}"`));
    if (seen.length === TOOLS.length) return pass(`Inspector가 도구 ${TOOLS.length}개를 모두 받았습니다.`, seen);
    return fail(`Inspector 출력에 도구가 ${seen.length}/${TOOLS.length}개만 보입니다. 명령을 그대로 실행했는지, 오류 줄이 없는지 보세요.`, seen);
  },
});

/** .cursor/mcp.json exists, is valid, uses absolute paths, and launching it yields the tools. */
export const editorConfig = defineCheck({
  name: 'mcp-editor-config',
  params: z.object({}).strict(),
  async verify(context) {
    const { entry, problem } = readServerEntry(context.endpoints.cursorConfig);
    if (!entry || problem) return fail(`에디터 설정이 아직 맞지 않습니다: ${problem}. 등록 명령을 실행하세요.`);
    try {
      const tools = await launchLikeEditor(entry, 30_000);
      const missing = TOOLS.filter((t) => !tools.includes(t));
      if (missing.length > 0) return fail(`설정대로 띄운 서버에 도구가 빠져 있습니다: ${missing.join(', ')}`);
      return pass('설정 파일 그대로 서버를 띄워 도구 6개를 받았습니다. Cursor도 같은 방식으로 띄웁니다.', [`command: ${entry.command}`, `args: ${entry.args.join(' ')}`]);
    } catch (error) {
      return fail(`설정대로 서버를 띄우지 못했습니다 (${error instanceof Error ? error.message : String(error)}). command와 args의 경로를 확인하세요.`);
    }
  },
});

/** latest_ticker's record is the one the broker's own console consumer finds at that offset. */
export const tickerMatchesKafka = defineCheck({
  name: 'mcp-ticker-matches-kafka',
  params: z.object({ market: z.string().regex(/^KRW-[A-Z0-9]{1,12}$/), terminal: terminalParam }).strict(),
  async verify(context, params) {
    if (!context.output(params.terminal).includes('trade_price')) return fail('터미널에 latest_ticker 결과(trade_price)가 아직 없습니다. Inspector 명령을 실행하세요.');
    const result = await callTool(context.endpoints, 'latest_ticker', { market: params.market });
    if (result.isError) return fail(`latest_ticker가 오류를 돌려줬습니다: ${textOf(result).split('\n')[0]}`);
    const s = result.structuredContent as { kafka: { partition: number; offset: string }; ticker: { trade_price: number }; trade_time: { epochMs: number } };
    const broker = context.endpoints.config.kafka.brokers[0]!;
    const read = await execKafkaTool(context.docker, broker.container, ['/opt/kafka/bin/kafka-console-consumer.sh', '--bootstrap-server', 'localhost:9092',
      '--topic', context.endpoints.config.tickerTopic, '--partition', String(s.kafka.partition), '--offset', s.kafka.offset, '--max-messages', '1',
      '--formatter-property', 'print.key=true', '--formatter-property', 'key.separator=|'], 40);
    const line = read.output.split('\n').find((l) => l.startsWith(`${params.market}|`));
    if (!line) return fail(`브로커에서 ${s.kafka.partition}번 파티션 ${s.kafka.offset} 오프셋을 읽지 못했습니다. 잠시 뒤 다시 확인하세요.`, [read.output.slice(-300)]);
    const value = JSON.parse(line.slice(params.market.length + 1)) as { trade_price: number; trade_timestamp: number };
    const same = value.trade_price === s.ticker.trade_price && value.trade_timestamp === s.trade_time.epochMs;
    return same
      ? pass(`MCP가 돌려준 ${params.market} 시세가 브로커에 저장된 레코드(파티션 ${s.kafka.partition}, 오프셋 ${s.kafka.offset})와 같습니다.`, [line.slice(0, 200)])
      : fail('MCP 결과와 브로커의 레코드가 다릅니다. 서버가 다른 파티션을 읽고 있을 수 있습니다.', [JSON.stringify(s.ticker), line.slice(0, 200)]);
  },
});

/** candles equals a hand-written SELECT on candles_1m for a closed range. */
export const candlesMatchPaimon = defineCheck({
  name: 'mcp-candles-match-paimon',
  params: z.object({ market: z.string().regex(/^KRW-[A-Z0-9]{1,12}$/), minutes: z.number().int().min(3).max(60).default(10), terminal: terminalParam }).strict(),
  async verify(context, params) {
    if (!/"candles"/.test(context.output(params.terminal))) return fail('터미널에 candles 결과가 아직 없습니다. Inspector 명령을 실행하세요.');
    // A closed range (ends two minutes ago): those rows no longer change between the two reads.
    const to = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const from = to - params.minutes * 60_000;
    const result = await callTool(context.endpoints, 'candles', { market: params.market, from: new Date(from).toISOString(), to: new Date(to).toISOString(), interval: '1m', limit: 500 });
    if (result.isError) return fail(`candles가 오류를 돌려줬습니다: ${textOf(result).split('\n')[0]}`);
    const viaMcp = (result.structuredContent as { candles: { start: { epochMs: number }; close: number; ticks: number }[] }).candles.map((c) => `${c.start.epochMs}:${c.close}:${c.ticks}`);
    const gateway = new SqlGateway({ baseUrl: context.endpoints.config.sqlGateway });
    const direct = rowObjects(await queryOnce(gateway, SESSION_SETUP,
      sql`SELECT CAST(window_start AS STRING) AS ws, close_price, ticks FROM candles_1m WHERE market = ${sqlString(params.market)} AND window_start >= TO_TIMESTAMP_LTZ(${from}, 3) AND window_start < TO_TIMESTAMP_LTZ(${to}, 3) ORDER BY window_start`,
      { maxRows: 100, timeoutMs: 60_000, signal: context.signal }))
      .map((r) => `${Date.parse(`${String(r['ws']).replace(' ', 'T')}Z`)}:${Number(r['close_price'])}:${Number(r['ticks'])}`);
    if (direct.length === 0) return fail('Paimon에 그 구간의 캔들이 없습니다. 4편 스트리밍 잡이 돌고 있는지 보세요.');
    return JSON.stringify(direct) === JSON.stringify(viaMcp)
      ? pass(`MCP candles ${viaMcp.length}행이 Paimon에 직접 던진 SELECT와 같습니다.`, viaMcp.slice(-3))
      : fail('MCP 결과와 직접 질의 결과가 다릅니다.', [`mcp: ${viaMcp.slice(-3).join(' ')}`, `direct: ${direct.slice(-3).join(' ')}`]);
  },
});

/** With the SQL gateway stopped, health says so and candles fails naming it. */
export const reportsGatewayDown = defineCheck({
  name: 'mcp-reports-gateway-down',
  params: z.object({}).strict(),
  async verify(context) {
    const health = await callTool(context.endpoints, 'pipeline_health', {});
    const gateway = (health.structuredContent as { parts?: Record<string, { status: string }> } | undefined)?.parts?.['sql_gateway'];
    const candles = await callTool(context.endpoints, 'candles', { market: 'KRW-BTC', from: 'now-10m' });
    const named = candles.isError === true && /SQL gateway is not running/.test(textOf(candles));
    if (gateway?.status === 'down' && named) return pass('pipeline_health와 candles 모두 SQL 게이트웨이가 멈췄다고, 다시 띄우는 명령과 함께 알려 줍니다.', [textOf(candles).split('\n')[1] ?? '']);
    return fail('아직 SQL 게이트웨이가 살아 있는 것으로 보입니다. docker compose stop sql-gateway 를 실행하세요.', [`health: ${gateway?.status ?? '?'}`, `candles isError: ${candles.isError === true}`]);
  },
});

/** After the restart both answer again (the first query after a start is slow: ~15 s). */
export const recovered = defineCheck({
  name: 'mcp-recovered',
  params: z.object({}).strict(),
  async verify(context) {
    const candles = await callTool(context.endpoints, 'candles', { market: 'KRW-BTC', from: 'now-10m' });
    if (candles.isError) return fail(`candles가 아직 실패합니다: ${textOf(candles).split('\n')[0]}. 게이트웨이가 뜨는 데 30초쯤 걸립니다.`);
    const health = await callTool(context.endpoints, 'pipeline_health', {});
    const gateway = (health.structuredContent as { parts?: Record<string, { status: string }> } | undefined)?.parts?.['sql_gateway'];
    return gateway?.status === 'ok'
      ? pass('SQL 게이트웨이가 돌아와 candles와 pipeline_health가 다시 답합니다.')
      : fail('candles는 답하지만 pipeline_health가 아직 게이트웨이를 보지 못합니다. 다시 확인하세요.');
  },
});

export const MCP_CHECKS = [serverStarts, toolsListed, editorConfig, tickerMatchesKafka, candlesMatchPaimon, reportsGatewayDown, recovered] as unknown as ReadonlyArray<CheckDefinition<never, McpEndpoints>>;
