// Unit tests for the observer's pure diff (server/observer/diff.ts): the Korean event wording
// a learner reads during failover, and which changes are worth a push at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMORY_JITTER_BYTES, diffSnapshots, differsMaterially } from '../../../chapters/02-kafka/panel/diff.ts';
import type { ClusterSnapshot } from '../../../chapters/02-kafka/panel/snapshot.ts';

const MiB = 1024 * 1024;
type Broker = ClusterSnapshot['brokers'][number];
type Partition = ClusterSnapshot['partitions'][number];

const broker = (id: number, change: Partial<Broker> = {}): Broker =>
  ({ id, container: `kafka-${id}`, state: 'running', registered: true, memoryBytes: 300 * MiB, memoryLimitBytes: 512 * MiB, ...change });
const partition = (id: number, leader: number, isr: number[], change: Partial<Partition> = {}): Partition =>
  ({ partition: id, leader, replicas: [1, 2, 3], isr, offline: [], ...change });

function healthy(change: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    kind: 'kafka-cluster',
    at: 1000,
    reachable: true,
    controllerId: 1,
    quorumLeaderId: 1,
    brokers: [broker(1), broker(2), broker(3)],
    topic: 'upbit-ticker',
    partitions: [partition(0, 1, [1, 2, 3]), partition(1, 2, [1, 2, 3]), partition(2, 3, [1, 2, 3])],
    events: [],
    ...change,
  };
}

test('a first snapshot has no events', () => {
  assert.deepEqual(diffSnapshots(undefined, healthy()), []);
});

test('kafka-2 stopping: container, registration, leader and ISR each get one line', () => {
  const after = healthy({
    brokers: [broker(1), broker(2, { state: 'stopped', registered: false, memoryBytes: null }), broker(3)],
    partitions: [partition(0, 1, [1, 3]), partition(1, 3, [1, 3]), partition(2, 3, [1, 3])],
  });
  assert.deepEqual(diffSnapshots(healthy(), after), [
    'kafka-2 중지',
    '브로커 2 클러스터에서 빠짐',
    '파티션 0 ISR 3→2 (2 빠짐)',
    '파티션 1 리더 2→3',
    '파티션 1 ISR 3→2 (2 빠짐)',
    '파티션 2 ISR 3→2 (2 빠짐)',
  ]);
});

test('kafka-2 coming back and catching up', () => {
  const stopped = healthy({
    brokers: [broker(1), broker(2, { state: 'stopped', registered: false }), broker(3)],
    partitions: [partition(0, 1, [1, 3])],
  });
  const started = healthy({ brokers: [broker(1), broker(2, { registered: false }), broker(3)], partitions: stopped.partitions });
  assert.deepEqual(diffSnapshots(stopped, started), ['kafka-2 다시 시작']);
  const caughtUp = healthy({ partitions: [partition(0, 1, [1, 2, 3])] });
  assert.deepEqual(diffSnapshots(started, caughtUp), ['브로커 2 클러스터 합류', '파티션 0 ISR 2→3 (2 복귀)']);
});

test('controller and quorum leader moves', () => {
  // The observer reports the quorum leader as the controller; one move reads as both lines.
  assert.deepEqual(diffSnapshots(healthy({ controllerId: 2 }), healthy({ controllerId: 1 })), ['컨트롤러 2→1']);
  assert.deepEqual(diffSnapshots(healthy({ quorumLeaderId: 1 }), healthy({ quorumLeaderId: 3 })), ['쿼럼 리더 1→3']);
  assert.deepEqual(diffSnapshots(healthy({ quorumLeaderId: 3 }), healthy({ quorumLeaderId: null })), ['쿼럼 리더 3→없음']);
});

test('the first quorum reading is not an election', () => {
  assert.deepEqual(diffSnapshots(healthy({ quorumLeaderId: null }), healthy({ quorumLeaderId: 2 }), { quorumWasUnknown: true }), []);
  assert.deepEqual(diffSnapshots(healthy({ quorumLeaderId: null }), healthy({ quorumLeaderId: 2 })), ['쿼럼 리더 없음→2']);
});

test('leaderless partitions, swaps in the ISR and offline replicas', () => {
  const before = healthy({ partitions: [partition(0, 1, [1, 2])] });
  const after = healthy({ partitions: [partition(0, -1, [1, 3], { offline: [2] })] });
  assert.deepEqual(diffSnapshots(before, after), ['파티션 0 리더 1→없음', '파티션 0 ISR 2→2 (2 빠짐, 3 복귀)', '파티션 0 오프라인 복제본 2']);
});

test('losing the cluster is one line, not every partition vanishing', () => {
  const gone = healthy({ reachable: false, controllerId: null, partitions: [], brokers: [broker(1), broker(2), broker(3)].map((b) => ({ ...b, registered: false })) });
  assert.deepEqual(diffSnapshots(healthy(), gone), ['클러스터 연결 끊김']);
  assert.deepEqual(diffSnapshots(gone, healthy()), ['클러스터 다시 연결됨']);
});

test('topic appearing and disappearing', () => {
  assert.deepEqual(diffSnapshots(healthy({ partitions: [] }), healthy()), ['토픽 생성 (파티션 3개)']);
  assert.deepEqual(diffSnapshots(healthy(), healthy({ partitions: [] })), ['토픽 삭제됨']);
});

test('a change worth sending ignores the time stamp and small memory moves', () => {
  const sent = healthy();
  assert.equal(differsMaterially(undefined, sent), true);
  assert.equal(differsMaterially(sent, { ...sent, at: 99_999 }), false);
  const jitter = { ...sent, brokers: [broker(1, { memoryBytes: 300 * MiB + MEMORY_JITTER_BYTES - 1 }), broker(2), broker(3)] };
  assert.equal(differsMaterially(sent, jitter), false);
  const grew = { ...sent, brokers: [broker(1, { memoryBytes: 300 * MiB + MEMORY_JITTER_BYTES }), broker(2), broker(3)] };
  assert.equal(differsMaterially(sent, grew), true);
  const unknown = { ...sent, brokers: [broker(1, { memoryBytes: null }), broker(2), broker(3)] };
  assert.equal(differsMaterially(sent, unknown), true);
  assert.equal(differsMaterially(sent, { ...sent, note: '클러스터에 연결할 수 없습니다 — 2초 후 다시 시도' }), true);
  assert.equal(differsMaterially(sent, { ...sent, events: ['kafka-2 중지'] }), true);
  assert.equal(differsMaterially(sent, healthy({ partitions: [partition(0, 2, [1, 2, 3])] })), true);
});
