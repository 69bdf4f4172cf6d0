// Cross-checks two tools against reads that do not go through the MCP server's code:
//   compare.ts kafka                       latest_ticker vs the broker's own console consumer
//   compare.ts paimon FROM TO direct.log   candles vs a SELECT run by the Flink SQL client
// (FROM/TO in epoch seconds; direct.log is the SQL client's tableau output). Prints JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const [mode, ...rest] = process.argv.slice(2);
const client = new Client({ name: 'compare', version: '1' });
await client.connect(new StdioClientTransport({ command: process.execPath, args: ['chapters/05-mcp/server/main.ts'], stderr: 'ignore' }));
const out: Record<string, unknown> = { mode };

if (mode === 'kafka') {
  const rows: unknown[] = [];
  for (const market of ['KRW-BTC', 'KRW-ETH', 'KRW-DOGE']) {
    const result = await client.callTool({ name: 'latest_ticker', arguments: { market } });
    const s = result.structuredContent as { kafka: { partition: number; offset: string }; ticker: { trade_price: number }; trade_time: { epochMs: number } };
    // The broker's own tool, from the offset the server named to the end of the partition.
    const text = execFileSync('docker', ['exec', '-e', 'KAFKA_HEAP_OPTS=-Xmx64m', 'kafka-1', '/opt/kafka/bin/kafka-console-consumer.sh', '--bootstrap-server', 'localhost:9092',
      '--topic', 'upbit-ticker', '--partition', String(s.kafka.partition), '--offset', s.kafka.offset, '--timeout-ms', '4000', '--max-messages', '300',
      '--formatter-property', 'print.key=true', '--formatter-property', 'print.offset=true', '--formatter-property', 'key.separator=|'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    const records = text.trim().split('\n').filter((l) => l.includes('|')).map((line) => {
      const [offsetPart, key, ...value] = line.split('|');
      const v = JSON.parse(value.join('|')) as { trade_price: number; trade_timestamp: number };
      return { offset: offsetPart!.replace(/\D/g, ''), key, price: v.trade_price, ts: v.trade_timestamp };
    });
    const atOffset = records[0];
    const laterSameKey = records.slice(1).filter((r) => r.key === market);
    rows.push({
      market, server: { partition: s.kafka.partition, offset: s.kafka.offset, price: s.ticker.trade_price, ts: s.trade_time.epochMs },
      broker_tool_at_offset: atOffset,
      same_record: atOffset?.key === market && atOffset.offset === s.kafka.offset && atOffset.price === s.ticker.trade_price && atOffset.ts === s.trade_time.epochMs,
      newer_same_key_since: laterSameKey.length,
      all_newer_are_later_trades: laterSameKey.every((r) => r.ts >= s.trade_time.epochMs),
    });
  }
  out['rows'] = rows;
} else if (mode === 'paimon') {
  const [from, to, log] = rest as [string, string, string];
  const direct = readFileSync(log, 'utf8').split('\n').filter((l) => /^\|\s*KRW-BTC\s*\|/.test(l)).map((l) => {
    const c = l.split('|').map((x) => x.trim());
    return { kst: c[2], open: Number(c[3]), high: Number(c[4]), low: Number(c[5]), close: Number(c[6]), ticks: Number(c[7]) };
  });
  const result = await client.callTool({ name: 'candles', arguments: { market: 'KRW-BTC', from: new Date(Number(from) * 1000).toISOString(), to: new Date(Number(to) * 1000).toISOString(), interval: '1m', limit: 500 } });
  const s = result.structuredContent as { candles: { start: { kst: string }; open: number; high: number; low: number; close: number; ticks: number }[] } | undefined;
  const viaMcp = (s?.candles ?? []).map((c) => ({ kst: c.start.kst.slice(0, 16).replace('T', ' '), open: c.open, high: c.high, low: c.low, close: c.close, ticks: c.ticks }));
  out['direct'] = direct;
  out['mcp'] = viaMcp;
  out['mcp_error'] = result.isError ? result.content : null;
  out['equal'] = direct.length > 0 && JSON.stringify(direct) === JSON.stringify(viaMcp);
}
await client.close();
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
