// How chapter 5's checks reach the MCP server: in-process through the SDK's in-memory
// transport (the same protocol messages Cursor sends, without a process per poll), or as a
// child process launched exactly as an editor config says (the registration check).
// The SDK and the server are imported when a check first calls them: the lab server loads
// every chapter's plug-in at start, and these alone were 12 MiB of its idle RSS.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { loadConfig, REPO_ROOT, type McpConfig } from './server/config.ts';
import { createDocker } from '../../server/docker.ts';

export interface McpEndpoints {
  config: McpConfig;
  /** Where the learner's project-level Cursor config lives. */
  cursorConfig: string;
}

export function mcpEndpoints(): McpEndpoints {
  return { config: loadConfig(), cursorConfig: `${REPO_ROOT}.cursor/mcp.json` };
}

/** Calls one tool through a full MCP session (initialize, tools/call) held in memory. */
export async function callTool(endpoints: McpEndpoints, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const [{ Client }, { InMemoryTransport }, { createDeps, createServer }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/inMemory.js'),
    import('./server/server.ts'),
  ]);
  const server = createServer(createDeps(endpoints.config, createDocker()));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'upbit-lab-check', version: '1' });
  await server.connect(serverSide);
  try {
    await client.connect(clientSide);
    return (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  } finally {
    await client.close().catch(() => undefined);
    await server.close().catch(() => undefined);
  }
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

export interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Reads `mcpServers.upbit-pipeline` from a Cursor/Claude-style config; null when absent. */
export function readServerEntry(path: string): { entry: ServerEntry | null; problem: string | null } {
  if (!existsSync(path)) return { entry: null, problem: `${path} 파일이 없습니다` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { entry: null, problem: `JSON이 아닙니다(쉼표나 따옴표를 보세요): ${error instanceof Error ? error.message : String(error)}` };
  }
  const entry = (parsed as { mcpServers?: Record<string, ServerEntry> }).mcpServers?.['upbit-pipeline'];
  if (!entry || typeof entry.command !== 'string' || !Array.isArray(entry.args)) return { entry: null, problem: 'mcpServers에 upbit-pipeline 항목(command, args)이 없습니다' };
  if (!isAbsolute(entry.command)) return { entry, problem: `command(${entry.command})가 절대 경로가 아닙니다: 에디터는 셸의 PATH를 모릅니다` };
  return { entry, problem: null };
}

/** Launches the server as the config says and lists its tools, like the editor would. */
export async function launchLikeEditor(entry: ServerEntry, timeoutMs: number): Promise<string[]> {
  const [{ Client }, { StdioClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
  ]);
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...(entry.env ?? {}), PATH: process.env['PATH'] ?? '' }, stderr: 'ignore' });
  const client = new Client({ name: 'editor-like', version: '1' });
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, { signal: deadline, timeout: timeoutMs });
    return (await client.listTools(undefined, { signal: deadline, timeout: timeoutMs })).tools.map((t) => t.name);
  } finally {
    await client.close().catch(() => undefined);
  }
}
