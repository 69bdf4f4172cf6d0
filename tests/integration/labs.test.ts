// Every lab check must be able to fail: walking the whole course in order on the real
// cluster, each step's check is first run in the state before the step (it must fail, with a
// Korean reason), then the step is run (its check must pass). Catch-up is proven at the end.
// UPBIT_LABS=flink-candles,flink-tm-failure walks only those labs, on the cluster as it is (no
// teardown before or after; their `requires` are caught up first): one chapter's labs within
// one hold of the shared Docker lock.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collectorReportPath, judgedFrom } from '../../chapters/03-flink/candles.ts';
import { LAB_ORDER } from '../../chapters/index.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { requireDocker, teardownCluster } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/temp.ts';

const HANGUL = /[가-힣]/;
const ONLY = process.env['UPBIT_LABS']?.split(',').map((id) => id.trim()).filter(Boolean);
const WALK = ONLY ? LAB_ORDER.filter((id) => ONLY.includes(id)) : LAB_ORDER;
if (ONLY && WALK.length !== ONLY.length) throw new Error(`UPBIT_LABS names unknown labs: ${ONLY.filter((id) => !LAB_ORDER.includes(id)).join(', ')}`);
let runtime: LabRuntime;
const stateDir = tempDir('labs');
const durations: Record<string, number> = {};
/** Labs outside the walk whose end state a catch-up has already brought (UPBIT_LABS runs). */
const caught = new Set<string>();

/** Every lab `labId` builds on, directly or through another. */
function closure(labId: string, seen = new Set<string>()): Set<string> {
  for (const id of runtime.labs.find((l) => l.id === labId)?.requires ?? []) {
    if (seen.has(id)) continue;
    seen.add(id);
    closure(id, seen);
  }
  return seen;
}

/**
 * UPBIT_LABS runs: a walked lab that builds on a lab outside the walk (and not caught up yet)
 * is caught up first, e.g. lakehouse-stream needs chapter 3's flink-source even when the walk
 * started at lakehouse-store.
 */
async function catchUpOutsideWalk(labId: string, always = false): Promise<void> {
  const needed = [...closure(labId)].filter((id) => !WALK.includes(id));
  if (!always && needed.every((id) => caught.has(id))) return;
  const lab = runtime.labs.find((l) => l.id === labId)!;
  const states = await runtime.engine.catchUp(lab.id, lab.steps[0]!.id);
  const failed = states.filter((state) => state.status !== 'passed');
  assert.deepEqual(failed.map((state) => `${state.lab}/${state.step}: ${state.result?.summary}`), [], `catch-up before ${labId}`);
  for (const id of closure(labId)) caught.add(id);
}

/**
 * The last lines each of the lab's terminals printed, for a failed step's message: a CI log
 * keeps only the failure, and the reason a check failed is usually on the learner's screen.
 */
function terminalTails(labId: string, names: readonly string[], lines = 25): string {
  return names.map((name) => {
    const text = runtime.pool.get(labId, name)?.textSince(0) ?? '';
    const tail = text.replace(/\r/g, '').split('\n').filter((line) => line.trim() !== '').slice(-lines);
    return `--- terminal ${labId}/${name} (last ${tail.length} lines) ---\n${tail.join('\n')}`;
  }).join('\n');
}

before(async () => {
  await requireDocker();
  if (!ONLY) await teardownCluster();
  runtime = createLabRuntime(await loadCourse(), { stateDir, pollIntervalMs: 500 });
  if (ONLY) await catchUpOutsideWalk(WALK[0]!, true);
});
after(async () => {
  await runtime?.dispose();
  if (!ONLY) await teardownCluster();
  console.log(`# lab durations (s): ${JSON.stringify(Object.fromEntries(Object.entries(durations).map(([k, v]) => [k, +(v / 1000).toFixed(1)])))}`);
});

for (const labId of WALK) {
  test(`lab ${labId}: every check fails before its step and passes after`, async (t) => {
    const lab = runtime.labs.find((l) => l.id === labId)!;
    if (ONLY && labId !== WALK[0]) await catchUpOutsideWalk(labId);
    const started = Date.now();
    if (labId === 'teardown') {
      await t.test('a bare 확인 reports a wrong state without waiting out the run budget', async () => {
        const bare = await runtime.engine.check('teardown', 'down');
        assert.equal(bare.status, 'failed');
        assert.match(bare.result!.summary, HANGUL);
        const budgetMs = lab.steps[0]!.check.timeoutSec * 1000;
        assert.ok((bare.durationMs ?? budgetMs) < budgetMs, `bare check took ${bare.durationMs} ms of a ${budgetMs} ms budget`);
      });
    }
    for (const step of lab.steps) {
      await t.test(step.id, async () => {
        const before = await runtime.engine.check(lab.id, step.id, 2);
        assert.equal(before.status, 'failed', `${lab.id}/${step.id} passed before its step: ${before.result?.summary}`);
        assert.match(before.result!.summary, HANGUL, 'the reason is in Korean');
        if (lab.id === 'lakehouse-query' && step.id === 'collect') await nothingJudgedYetFails();
        const afterRun = await runtime.engine.run(lab.id, step.id);
        assert.equal(afterRun.status, 'passed', `${lab.id}/${step.id}: ${afterRun.result?.summary}\n${afterRun.result?.evidence.join('\n')}\n${terminalTails(lab.id, lab.terminals)}`);
        if ((lab.id.startsWith('flink-') || lab.id.startsWith('lakehouse-')) && afterRun.result?.metrics) console.log(`# ${lab.id}/${step.id} ${JSON.stringify(afterRun.result.metrics)}`);
        if (lab.id === 'failover' && step.id === 'verify') {
          assert.equal(afterRun.result?.metrics?.['lost'], 0);
          assert.equal(afterRun.result?.metrics?.['duplicated'], 0);
          console.log(`# ledger ${JSON.stringify(afterRun.result?.metrics)}`);
        }
      });
    }
    durations[labId] = Date.now() - started;
  });
}

/**
 * Chapter 4's exactness check when there is nothing to judge yet, in the walk's own state (the
 * lake job runs, the collector has not): a running collector's report that started now has its
 * first judged minute ahead, so no minute is compared. That must fail with a reason, never pass
 * on zero compared minutes (it did once: the minimum over no markets was Infinity). The walk's
 * report is put back afterwards, byte for byte.
 */
async function nothingJudgedYetFails(): Promise<void> {
  const reportPath = collectorReportPath(stateDir);
  const saved = existsSync(reportPath) ? readFileSync(reportPath) : undefined;
  const now = new Date();
  const from = judgedFrom({ startedAt: now.toISOString() });
  mkdirSync(join(stateDir, 'collector'), { recursive: true });
  writeFileSync(reportPath, JSON.stringify({
    version: 1, source: 'test', startedAt: now.toISOString(), updatedAt: now.toISOString(), acked: 1, pending: 0, reconnects: 0,
    markets: { 'KRW-BTC': { acked: 1, minutes: { [from]: { ticks: 1, volume: '1' } } } },
  }));
  try {
    // No timeout argument: the step's own budget for one look (a short one aborts the gateway
    // query mid-way on a busy machine, which also fails, but for the wrong reason).
    const state = await runtime.engine.check('lakehouse-query', 'collect');
    console.log(`# lakehouse-query/collect with nothing judged yet: ${state.status}: ${state.result?.summary}`);
    assert.equal(state.status, 'failed');
    assert.match(state.result!.summary, /아직 비교할 캔들이 없습니다/);
    assert.equal(state.result?.metrics?.['compared'], 0);
  } finally {
    if (saved) writeFileSync(reportPath, saved);
    else rmSync(reportPath, { force: true });
  }
}

test('catch-up brings a fresh machine to the step right before clients/rebalance', { skip: ONLY !== undefined }, async () => {
  // Fresh, as the title says: the walk ends with chapter 5's pipeline running, and this test is
  // about a machine that has nothing yet (going back to chapter 2 from there was tried by hand:
  // the same catch-up passes, and reclaims idle terminals of later labs at the pool's cap).
  await teardownCluster();
  const states = await runtime.engine.catchUp('clients', 'rebalance');
  const failed = states.filter((s) => s.status !== 'passed');
  assert.deepEqual(failed.map((s) => `${s.lab}/${s.step}: ${s.result?.summary}\n${s.result?.evidence.join('\n')}`), []);
  assert.ok(states.some((s) => s.lab === 'cluster-up'), 'started from the cluster');
  assert.ok(states.some((s) => s.lab === 'clients' && s.step === 'consume'));
  const rebalance = await runtime.engine.run('clients', 'rebalance');
  assert.equal(rebalance.status, 'passed', rebalance.result?.summary ?? '');
  await runtime.engine.run('clients', 'stop');
});

test('a second request while a step runs is refused with a clear message', { skip: ONLY !== undefined }, async () => {
  const first = runtime.engine.check('cluster-up', 'compose-ps', 3);
  await assert.rejects(runtime.engine.run('cluster-up', 'compose-ps'), /이미 다른 단계가 실행 중/);
  await first;
});
