// Chapter 5's checks that need no pipeline fail in the wrong state and pass in the right
// one: the stdio start line, the Inspector's tool list, and the editor config (which the
// check really launches, as an editor would).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CheckContext } from '../../../server/checks.ts';
import { editorConfig, serverStarts, toolsListed } from '../../../chapters/05-mcp/checks/index.ts';
import { mcpEndpoints, type McpEndpoints } from '../../../chapters/05-mcp/access.ts';
import { MCP_MAIN } from '../../helpers/mcp.ts';

const dir = mkdtempSync(join(tmpdir(), 'mcp-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function context(output: string, cursorConfig = join(dir, 'none.json')): CheckContext<McpEndpoints> {
  // Only the fields these checks read; the rest of the context is the engine's.
  return { output: () => output, endpoints: { ...mcpEndpoints(), cursorConfig }, signal: AbortSignal.timeout(60_000) } as unknown as CheckContext<McpEndpoints>;
}

describe('chapter 5 checks', { timeout: 120_000 }, () => {
  it('mcp-server-starts: fails with no output or a too-old Node, passes on the ready line', async () => {
    assert.equal((await serverStarts.verify(context(''), { terminal: 'main' })).ok, false);
    const old = await serverStarts.verify(context('TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts"'), { terminal: 'main' });
    assert.equal(old.ok, false);
    assert.equal(old.settled, true);
    assert.equal((await serverStarts.verify(context('[upbit-pipeline] stdio ready 3120 ms after process start (rss 126 MiB)'), { terminal: 'main' })).ok, true);
  });

  it('mcp-tools-listed: fails on a partial list, passes on all six names', async () => {
    assert.equal((await toolsListed.verify(context('{"name":"list_markets"}'), { terminal: 'main' })).ok, false);
    const all = ['list_markets', 'latest_ticker', 'candles', 'price_change', 'pipeline_health', 'explain_lab_failure'].map((n) => `{"name":"${n}"}`).join(',');
    assert.equal((await toolsListed.verify(context(all), { terminal: 'main' })).ok, true);
  });

  it('mcp-editor-config: fails without a file, on broken JSON and on a bare "node"; passes on absolute paths that launch', async () => {
    assert.equal((await editorConfig.verify(context(''), {})).ok, false);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"mcpServers": {"upbit-pipeline": {"command": "node",}}}');
    assert.match((await editorConfig.verify(context('', broken), {})).summary, /JSON/);
    const relative = join(dir, 'relative.json');
    writeFileSync(relative, JSON.stringify({ mcpServers: { 'upbit-pipeline': { command: 'node', args: [MCP_MAIN] } } }));
    assert.match((await editorConfig.verify(context('', relative), {})).summary, /절대 경로/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ mcpServers: { 'upbit-pipeline': { command: process.execPath, args: [MCP_MAIN] } } }));
    const result = await editorConfig.verify(context('', good), {});
    assert.equal(result.ok, true, result.summary);
  });
});
