// Chapter 4's exactness check against the real lake when there is nothing to judge yet: a
// ledger whose first judged minute has no committed candle (the collector "just started")
// must fail with a reason, never pass on zero compared minutes (it did, before: the minimum
// over no markets was Infinity). The lake is brought up through the lab engine first.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { judgedFrom } from '../../chapters/03-flink/candles.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { requireDocker } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/temp.ts';

let runtime: LabRuntime;
const stateDir = tempDir('lake-exact');

before(async () => {
  await requireDocker();
  runtime = createLabRuntime(await loadCourse(), { stateDir, pollIntervalMs: 500 });
  const caught = await runtime.engine.catchUp('lakehouse-query', 'collect');
  const failed = caught.filter((step) => step.status !== 'passed');
  assert.deepEqual(failed.map((step) => `${step.lab}/${step.step}: ${step.result?.summary}`), [], 'bringing the lake job up through the labs');
});
after(async () => {
  await runtime?.dispose();
});

test('lakehouse-candles-exact fails, in Korean, when no judged minute has a committed candle', { timeout: 360_000 }, async () => {
  const now = new Date();
  const from = judgedFrom({ startedAt: now.toISOString() });
  // A running collector's report (not final) that started now: its first judged minute lies ahead.
  mkdirSync(join(stateDir, 'collector'), { recursive: true });
  writeFileSync(join(stateDir, 'collector', 'report.json'), JSON.stringify({
    version: 1, source: 'test', startedAt: now.toISOString(), updatedAt: now.toISOString(), acked: 1, pending: 0, reconnects: 0,
    markets: { 'KRW-BTC': { acked: 1, minutes: { [from]: { ticks: 1, volume: '1' } } } },
  }));
  // No timeout argument: the step's own budget for one look (a short one aborts the gateway query
  // mid-way on a busy machine, which also fails, but for the wrong reason).
  const state = await runtime.engine.check('lakehouse-query', 'collect');
  console.log(`# ${state.status}: ${state.result?.summary}\n# ${state.result?.evidence.join(' / ')}`);
  assert.equal(state.status, 'failed');
  assert.match(state.result!.summary, /아직 비교할 캔들이 없습니다/);
  assert.equal(state.result?.metrics?.['compared'], 0);
});
