// The MCP Inspector's CLI (the official debugging tool) against our server over stdio: it
// lists the tools, reads a resource, and exits 5 when a tool answers isError. Needs no
// pipeline. HOME is a temp folder: the Inspector keeps a catalog under ~/.mcp-inspector.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../server/paths.ts';
import { MCP_MAIN, tempDir } from '../helpers/mcp.ts';

const INSPECTOR = join(REPO_ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'clients', 'launcher', 'build', 'index.js');

describe('MCP Inspector CLI', { timeout: 240_000 }, () => {
  const home = tempDir('mcp-inspector-home-');
  after(() => home.remove());
  const inspect = (...args: string[]) => spawnSync(process.execPath, [INSPECTOR, '--cli', '--format', 'json', process.execPath, MCP_MAIN, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, HOME: home.path }, encoding: 'utf8', timeout: 90_000 });

  it('tools/list shows the six tools', () => {
    const run = inspect('--method', 'tools/list');
    assert.equal(run.status, 0, run.stderr);
    const names = (JSON.parse(run.stdout) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['candles', 'explain_lab_failure', 'latest_ticker', 'list_markets', 'pipeline_health', 'price_change']);
  });
  it('resources/read serves a chapter text', () => {
    const run = inspect('--method', 'resources/read', '--uri', 'upbit-pipeline://chapters/02-kafka-kraft');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Kafka/);
  });
  it('a tool error is exit code 5 with the isError text', () => {
    const run = inspect('--method', 'tools/call', '--tool-name', 'candles', '--tool-arg', 'market=KRW-BTC', '--tool-arg', 'from=now', '--tool-arg', 'to=now-1h');
    assert.equal(run.status, 5, `status ${run.status} signal ${run.signal}: ${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /from \(now\) must be before to/);
  });
});
