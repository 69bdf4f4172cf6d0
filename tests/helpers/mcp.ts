// Starts the chapter-5 MCP server the way an editor does (a child process on stdio) and gives
// the test an SDK client; close() ends both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REPO_ROOT } from '../../server/paths.ts';

export const MCP_MAIN = join(REPO_ROOT, 'chapters', '05-mcp', 'server', 'main.ts');

export interface McpHarness {
  client: Client;
  stderr(): string;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function startMcp(env: Record<string, string> = {}): Promise<McpHarness> {
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_MAIN],
    cwd: REPO_ROOT,
    stderr: 'pipe',
    env: { ...(process.env as Record<string, string>), ...env },
  });
  transport.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const client = new Client({ name: 'upbit-lab-test', version: '1' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    call: async (name, args) => (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult,
    close: () => client.close(),
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** A throwaway folder, removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
