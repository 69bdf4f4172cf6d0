// The failover lab's promise, five times in a row on the real cluster: while the ledger
// producer writes with acks=all, kafka-2 is stopped, kafka-3 killed, both started again; an
// independent read of the topic must then hold every acknowledged number exactly once
// (lost 0 AND duplicated 0) in every run. Each run takes about 60-90 s, so this suite costs
// roughly 6-8 minutes; UPBIT_FAILOVER_RUNS changes the count (never below 5 in CI).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { failoverRun, type FailoverRun } from '../../bench/failover-ledger.ts';
import { requireDocker, teardownCluster } from '../helpers/cluster.ts';

const RUNS = Math.max(1, Number(process.env['UPBIT_FAILOVER_RUNS'] ?? 5));
const results: FailoverRun[] = [];

before(async () => {
  await requireDocker();
});
after(async () => {
  const rows = results.map((r, i) => `run ${i + 1}: acked ${r.acked}, consumed ${r.consumed}, lost ${r.lost}, duplicated ${r.duplicated}, failed attempts ${r.failed}, ${(r.durationMs / 1000).toFixed(0)} s`);
  console.log(`# ledger failover runs (second broker killed)\n# ${rows.join('\n# ')}`);
  await teardownCluster();
});

test(`the ledger keeps every acknowledged record exactly once through ${RUNS} failovers in a row`, { timeout: RUNS * 240_000 }, async () => {
  for (let i = 0; i < RUNS; i++) {
    const run = await failoverRun('ledger', 'kill', (line) => console.log(`# run ${i + 1}${line}`));
    results.push(run);
    assert.ok(run.acked > 100, `run ${i + 1}: only ${run.acked} records acknowledged`);
    assert.equal(run.lost, 0, `run ${i + 1}: lost ${run.lost} acknowledged records (${JSON.stringify(run)})`);
    assert.equal(run.duplicated, 0, `run ${i + 1}: ${run.duplicated} records stored twice (${JSON.stringify(run)})`);
  }
});
