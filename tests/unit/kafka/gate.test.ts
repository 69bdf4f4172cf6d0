// Unit tests for the per-listener gate (server/panels/gate.ts) with the kafka-cluster
// panel's rules, on a fake clock: only changes go out, at most one every 500 ms, and nothing said in between is lost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListenerGate, MIN_PUSH_GAP_MS, type GateClock } from '../../../server/panels/gate.ts';
import type { ClusterSnapshot } from '../../../chapters/02-kafka/panel/snapshot.ts';
import { clusterSnapshotRules } from '../../../chapters/02-kafka/panel/diff.ts';

class FakeClock implements GateClock {
  time = 0;
  #timers = new Map<number, { at: number; run: () => void }>();
  #nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.time + delayMs, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = until;
  }
}

const snapshot = (leader: number, events: string[] = [], at = 0): ClusterSnapshot => ({
  kind: 'kafka-cluster',
  at,
  reachable: true,
  controllerId: 1,
  quorumLeaderId: 1,
  brokers: [],
  topic: 'upbit-ticker',
  partitions: [{ partition: 0, leader, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [] }],
  events,
});

function setup() {
  const clock = new FakeClock();
  const received: ClusterSnapshot[] = [];
  const gate = new ListenerGate<ClusterSnapshot>((s) => received.push(s), clock, clusterSnapshotRules);
  return { clock, received, gate };
}

test('the first snapshot goes out at once; a repeat with a new time stamp does not', () => {
  const { clock, received, gate } = setup();
  gate.offer(snapshot(1));
  assert.equal(received.length, 1);
  clock.advance(2000);
  gate.offer(snapshot(1, [], 2000));
  assert.equal(received.length, 1);
  assert.equal(clock.pending, 0);
});

test('changes inside 500 ms are held, merged, and sent when the gap has passed', () => {
  const { clock, received, gate } = setup();
  gate.offer(snapshot(1));
  clock.advance(100);
  gate.offer(snapshot(2, ['파티션 0 리더 1→2']));
  clock.advance(200);
  gate.offer(snapshot(3, ['파티션 0 리더 2→3']));
  assert.equal(received.length, 1, 'held inside the gap');
  clock.advance(MIN_PUSH_GAP_MS - 300 - 1);
  assert.equal(received.length, 1);
  clock.advance(1);
  assert.equal(received.length, 2);
  assert.equal(received[1]?.partitions[0]?.leader, 3, 'the latest picture');
  assert.deepEqual(received[1]?.events, ['파티션 0 리더 1→2', '파티션 0 리더 2→3'], 'nothing said in between is lost');
});

test('at most twice a second under a change every 100 ms', () => {
  const clock = new FakeClock();
  const sentAt: number[] = [];
  const events: string[] = [];
  const gate = new ListenerGate<ClusterSnapshot>((s) => {
    sentAt.push(clock.now());
    events.push(...s.events);
  }, clock, clusterSnapshotRules);
  for (let i = 0; i < 50; i += 1) {
    gate.offer(snapshot(i % 2 === 0 ? 1 : 2, [`change ${i}`], clock.time));
    clock.advance(100);
  }
  clock.advance(1000);
  // 5 s of changes: one at t=0, then one per 500 ms.
  assert.ok(sentAt.length <= 11, `sent ${sentAt.length}`);
  const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] ?? 0));
  assert.ok(gaps.every((gap) => gap >= MIN_PUSH_GAP_MS), `gaps ${gaps.join(',')}`);
  assert.deepEqual(events, Array.from({ length: 50 }, (_, i) => `change ${i}`), 'every event delivered once, in order');
});

test('a held change that is undone is dropped', () => {
  const { clock, received, gate } = setup();
  gate.offer(snapshot(1));
  clock.advance(100);
  gate.offer(snapshot(2));
  gate.offer(snapshot(1));
  assert.equal(clock.pending, 0);
  clock.advance(1000);
  assert.equal(received.length, 1);
});

test('dispose cancels a held send; a throwing listener does not break the gate', () => {
  const { clock, received, gate } = setup();
  gate.offer(snapshot(1));
  gate.offer(snapshot(2));
  gate.dispose();
  clock.advance(1000);
  assert.equal(received.length, 1);
  assert.equal(clock.pending, 0);

  const throwing = new ListenerGate(() => {
    throw new Error('socket closed');
  }, clock, clusterSnapshotRules);
  const originalError = console.error;
  console.error = () => undefined;
  try {
    throwing.offer(snapshot(1));
    assert.equal(throwing.sent, 1);
  } finally {
    console.error = originalError;
  }
});
