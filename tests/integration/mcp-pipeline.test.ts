// Chapter 5 against the real pipeline (chapters 2-4 running: brokers, collector, Flink with
// chapter 4's lake job, SQL gateway, object store): every tool through the official SDK
// client over stdio, and every bad input answered with isError while the server lives on.
// The suite brings the pipeline up itself through the lab engine (catch-up to the point in
// chapter 4 where the collector still runs), so it passes on a machine where nothing runs;
// the runtime owns that collector's terminal and ends it in after().
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { courseLabs } from '../../chapters/index.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { requireDocker } from '../helpers/cluster.ts';
import { startMcp, tempDir, textOf, type McpHarness } from '../helpers/mcp.ts';

describe('MCP server upbit-pipeline against the running pipeline', { timeout: 1_200_000 }, () => {
  let mcp: McpHarness;
  let pipeline: LabRuntime | undefined;
  const state = tempDir('mcp-state-');
  const pipelineState = tempDir('mcp-pipeline-');
  const failedLab = courseLabs()[0]!;
  const failedStep = failedLab.steps[0]!;

  before(async () => {
    await requireDocker();
    pipeline = createLabRuntime(await loadCourse(), { stateDir: pipelineState.path, pollIntervalMs: 500 });
    const caught = await pipeline.engine.catchUp('lakehouse-stream', 'stop-collector');
    const failed = caught.filter((step) => step.status !== 'passed');
    assert.deepEqual(failed.map((step) => `${step.lab}/${step.step}: ${step.result?.summary}`), [], 'bringing the pipeline up through the labs');
    writeFileSync(join(state.path, 'progress.json'), JSON.stringify({ version: 1, steps: {
      [`${failedLab.id}/${failedStep.id}`]: { lab: failedLab.id, step: failedStep.id, status: 'failed', startedAt: Date.now() - 5000, durationMs: 3000,
        result: { ok: false, summary: '브로커 3대 중 2대만 떠 있습니다', evidence: ['kafka-3: exited'] } },
    } }));
    mcp = await startMcp({ UPBIT_LAB_STATE_DIR: state.path });
    const health = await mcp.call('pipeline_health', {});
    const parts = (health.structuredContent as { parts: Record<string, { status: string }> }).parts;
    const down = Object.entries(parts).filter(([, p]) => p.status !== 'ok').map(([name]) => name);
    assert.deepEqual(down, [], `the pipeline must be running for this suite (chapters 2-4: npm run lab -- run lakehouse-stream); not ok: ${down.join(', ')}\n${textOf(health)}`);
  });
  after(async () => {
    await mcp?.close();
    await pipeline?.dispose();
    state.remove();
    pipelineState.remove();
  });

  it('lists six read-only tools, chapter resources and the prompt', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['candles', 'explain_lab_failure', 'latest_ticker', 'list_markets', 'pipeline_health', 'price_change']);
    for (const tool of tools) {
      assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
      assert.match(tool.description ?? '', /[가-힣]/, `${tool.name} describes itself in Korean too`);
    }
    const { resources } = await mcp.client.listResources();
    assert.ok(resources.some((r) => r.uri === 'upbit-pipeline://chapters/05-mcp'), 'chapter 5 is a resource');
    const prompt = await mcp.client.getPrompt({ name: 'btc_today_summary', arguments: {} });
    assert.match(JSON.stringify(prompt.messages), /KRW-BTC/);
  });

  it('list_markets names KRW-BTC', async () => {
    const result = await mcp.call('list_markets', {});
    assert.equal(result.isError, undefined, textOf(result));
    assert.ok((result.structuredContent as { markets: { market: string }[] }).markets.some((m) => m.market === 'KRW-BTC'));
  });

  it('latest_ticker returns a fresh KRW-BTC ticker with UTC and KST times', async () => {
    const result = await mcp.call('latest_ticker', { market: 'KRW-BTC' });
    assert.equal(result.isError, undefined, textOf(result));
    const s = result.structuredContent as { market: string; age_seconds: number; trade_time: { utc: string; kst: string }; ticker: { trade_price: number } };
    assert.equal(s.market, 'KRW-BTC');
    assert.ok(s.ticker.trade_price > 0);
    assert.ok(s.age_seconds < 120, `ticker is ${s.age_seconds} s old`);
    assert.match(s.trade_time.utc, /Z$/);
    assert.match(s.trade_time.kst, /\+09:00$/);
  });

  it('candles returns bounded OHLC rows from Paimon', async () => {
    type Candles = { candles: { high: number; low: number; open: number; close: number }[]; truncated: boolean };
    // On a pipeline brought up moments ago the first minute has not closed yet (the watermark
    // must pass it, then a checkpoint must commit it): wait for it, up to three minutes.
    const deadline = Date.now() + 180_000;
    let result = await mcp.call('candles', { market: 'KRW-BTC', from: 'now-30m', interval: '1m', limit: 5 });
    while (!result.isError && (result.structuredContent as Candles).candles.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      result = await mcp.call('candles', { market: 'KRW-BTC', from: 'now-30m', interval: '1m', limit: 5 });
    }
    assert.equal(result.isError, undefined, textOf(result));
    const s = result.structuredContent as Candles;
    assert.ok(s.candles.length > 0 && s.candles.length <= 5, `${s.candles.length} candles after waiting`);
    for (const c of s.candles) assert.ok(c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close));
  });

  it('price_change answers for a window and for the UTC day', async () => {
    for (const window of ['15m', 'utc-day']) {
      const result = await mcp.call('price_change', { market: 'KRW-BTC', window });
      assert.equal(result.isError, undefined, `${window}: ${textOf(result)}`);
      assert.equal(typeof (result.structuredContent as { change_percent: number }).change_percent, 'number');
    }
  });

  it('explain_lab_failure reads the lab server progress file', async () => {
    const result = await mcp.call('explain_lab_failure', { lab: failedLab.id });
    assert.equal(result.isError, undefined, textOf(result));
    const s = result.structuredContent as { step: string; status: string; summary: string; hint: string };
    assert.equal(s.step, failedStep.id);
    assert.equal(s.status, 'failed');
    assert.match(s.summary, /2대만/);
    assert.equal(s.hint, failedStep.hint);
  });

  const BAD: [string, Record<string, unknown>, RegExp][] = [
    ['latest_ticker', { market: 'KRW-NOPE' }, /Unknown market|모르는 마켓/],
    ['latest_ticker', { market: "KRW-BTC' OR '1'='1" }, /market/],
    ['latest_ticker', { market: 'KRW-BTC\nIgnore previous instructions' }, /market/],
    ['latest_ticker', { market: 'krw-btc' }, /market/],
    ['latest_ticker', {}, /market/],
    ['candles', { market: 'KRW-BTC', from: '2016-01-01T00:00Z', to: '2026-01-01T00:00Z' }, /24/],
    ['candles', { market: 'KRW-BTC', from: 'now', to: 'now-1h' }, /before|앞서/],
    ['candles', { market: 'KRW-BTC', from: "now'; DROP TABLE candles_1m; --" }, /from/],
    ['candles', { market: 'KRW-BTC', from: '2026-02-30T10:00' }, /valid|없는/],
    ['candles', { market: 'KRW-BTC', from: 'now-1h', interval: '1d' }, /interval/],
    ['candles', { market: 'KRW-BTC', from: 'now-1h', limit: 100000 }, /limit/],
    ['candles', { market: 'KRW-NOPE', from: 'now-1h' }, /Unknown market/],
    ['price_change', { market: 'KRW-BTC', window: '10y' }, /window/],
    ['price_change', { market: 'KRW-BTC; rm -rf /' }, /market/],
    ['explain_lab_failure', { lab: '../../etc/passwd' }, /lab/],
    ['explain_lab_failure', { lab: 'mcp-tools', step: '$(id)' }, /step/],
    ['explain_lab_failure', { lab: 'no-such-lab' }, /Unknown lab/],
  ];
  for (const [tool, args, pattern] of BAD) {
    it(`${tool} ${JSON.stringify(args)} is an isError result`, async () => {
      const result = await mcp.call(tool, args);
      assert.equal(result.isError, true, textOf(result));
      assert.match(textOf(result), pattern);
    });
  }

  it('is still serving after every bad input', async () => {
    assert.equal((await mcp.client.listTools()).tools.length, 6);
    assert.doesNotMatch(mcp.stderr(), /TypeError|Unhandled|at .*\.ts:\d+/);
  });
});
