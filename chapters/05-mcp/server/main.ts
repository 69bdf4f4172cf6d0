// Entry point. `node chapters/05-mcp/server/main.ts` speaks MCP on stdio (what Cursor, VS
// Code and Claude Desktop launch); `--http [--port 8790]` serves Streamable HTTP on
// 127.0.0.1 with a bearer token. In stdio mode stdout IS the protocol: every log line goes
// to stderr, and nothing this process loads may print to stdout.
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createDocker } from '../../../server/docker.ts';
import { loadConfig } from './config.ts';
import { newToken, saveToken, startHttp } from './http.ts';
import { createDeps, createServer, SERVER_NAME } from './server.ts';

const log = (line: string): void => {
  process.stderr.write(`[${SERVER_NAME}] ${line}\n`);
};
// Anything that tries console.log (a dependency, a stray debug line) would corrupt the stdio
// stream; send it to stderr instead.
console.log = (...args: unknown[]) => log(args.map(String).join(' '));
console.info = console.log;

const { values } = parseArgs({
  options: { http: { type: 'boolean', default: false }, port: { type: 'string', default: '8790' } },
  strict: true,
});

const config = loadConfig();
const deps = createDeps(config, createDocker());

if (values.http) {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    log(`--port must be 1024-65535, got ${values.port}`);
    process.exit(2);
  }
  const token = process.env['MCP_TOKEN'] && process.env['MCP_TOKEN'].length >= 16 ? process.env['MCP_TOKEN'] : newToken();
  const tokenPath = saveToken(config.stateDir, token);
  const http = await startHttp(deps, { port, token }, log);
  log(`Streamable HTTP on http://127.0.0.1:${port}/mcp (bearer token in ${tokenPath}); ready ${Math.round(performance.now())} ms after process start`);
  const stop = (): void => {
    http.close();
    http.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  const server = createServer(deps);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  log(`stdio ready ${Math.round(performance.now())} ms after process start (rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB)`);
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
