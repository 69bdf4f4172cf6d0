// The failover lab's verdict must fail on a lost record and on a duplicated one, each with a
// Korean reason that names which broke, and pass only when both counts are 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeLedger } from '../../../chapters/02-kafka/checks/failover.ts';

const numbers = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const once = (seqs: number[]) => new Map(seqs.map((seq) => [seq, 1]));

test('every acknowledged number stored once passes with lost 0 and duplicated 0', () => {
  const result = judgeLedger(new Set(numbers(1, 420)), once(numbers(1, 425)), { failedAttempts: 12, producerIds: 1 });
  assert.equal(result.ok, true, result.summary);
  assert.deepEqual(result.metrics, { acked: 420, consumed: 425, lost: 0, duplicated: 0 });
  assert.match(result.summary, /같은 producer id/);
});

test('duplicates without loss fail and explain the producer id', () => {
  const seen = once(numbers(1, 420));
  for (const seq of [101, 102, 103, 104, 105]) seen.set(seq, 2);
  const result = judgeLedger(new Set(numbers(1, 420)), seen, { failedAttempts: 9, producerIds: 2 });
  assert.equal(result.ok, false);
  assert.deepEqual(result.metrics, { acked: 420, consumed: 420, lost: 0, duplicated: 5 });
  assert.match(result.summary, /^중복: .*5건.*producer id/);
  assert.ok(result.evidence.some((line) => line.includes('101, 102, 103, 104, 105')));
});

test('a lost acknowledged number fails as loss, and says so first even with duplicates', () => {
  const seen = once(numbers(1, 418));
  seen.set(7, 2);
  const result = judgeLedger(new Set(numbers(1, 420)), seen, { failedAttempts: 0 });
  assert.equal(result.ok, false);
  assert.deepEqual(result.metrics, { acked: 420, consumed: 418, lost: 2, duplicated: 1 });
  assert.match(result.summary, /^손실: .*2건.*중복도 1건/);
  assert.match(result.summary, /min\.insync\.replicas=2/);
});
