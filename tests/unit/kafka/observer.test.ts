// Unit tests for the observer's poll loop (server/observer.ts) against a scripted cluster and
// node's mocked timers: one loop for every tab, exponential back-off while the cluster is
// gone, slow readings on their own clocks, and nothing left running after the last tab.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type Docker from 'dockerode';
import { ClusterObserver, IDLE_MAX_MS, IDLE_MAX_WITHOUT_FEED_MS, idleDelayMs, NUDGE_DELAY_MS } from '../../../chapters/02-kafka/panel/observer.ts';
import { kafkaChapter } from '../../../chapters/02-kafka/chapter.ts';
import { kafkaEndpoints } from '../../../chapters/02-kafka/kafka-access.ts';
import type { ClusterReader, ContainerReading, MemoryReading, MetadataReading, ReaderCounts } from '../../../chapters/02-kafka/panel/reader.ts';
import type { ClusterSnapshot } from '../../../chapters/02-kafka/panel/snapshot.ts';

const MiB = 1024 * 1024;

class ScriptedProbe implements ClusterReader {
  reachable = true;
  leaderOfPartition1 = 2;
  metadataCalls = 0;
  memoryCalls = 0;
  quorumCalls = 0;
  quorumInFlight = 0;
  maxQuorumInFlight = 0;
  quorumMs = 15_000;
  closes = 0;

  async readMetadata(topics: readonly string[]): Promise<MetadataReading> {
    this.metadataCalls += 1;
    if (!this.reachable) throw new Error('ECONNREFUSED');
    const partitions = [0, 1, 2].map((p) => ({ partition: p, leader: p === 1 ? this.leaderOfPartition1 : p + 1, replicas: [1, 2, 3], isr: [1, 2, 3], offline: [] }));
    return { registeredIds: [1, 2, 3], topics: new Map(topics.filter((t) => t === 'upbit-ticker').map((t) => [t, partitions])) };
  }
  async readContainers(): Promise<ContainerReading[]> {
    return [1, 2, 3].map((id) => ({ container: `kafka-${id}`, id, state: 'running' }));
  }
  async readMemory(containers: readonly string[]): Promise<Map<string, MemoryReading>> {
    this.memoryCalls += 1;
    return new Map(containers.map((c) => [c, { usageBytes: 300 * MiB, limitBytes: 512 * MiB }]));
  }
  async readQuorumLeader(): Promise<number | null> {
    this.quorumCalls += 1;
    this.quorumInFlight += 1;
    this.maxQuorumInFlight = Math.max(this.maxQuorumInFlight, this.quorumInFlight);
    // A slow reading (longer than the 10 s period) to prove two never overlap.
    await new Promise((resolve) => setTimeout(resolve, this.quorumMs));
    this.quorumInFlight -= 1;
    return 3;
  }
  counts(): ReaderCounts {
    return { adminRequests: this.metadataCalls * 2, dockerRequests: 0 };
  }
  async close(): Promise<void> {
    this.closes += 1;
  }
}

/** Mocked setTimeout runs synchronously on tick; promises in between need real turns. */
async function advance(ms: number, step = 50): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    mock.timers.tick(Math.min(step, ms - passed));
    for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Dispose waits for background readings, which only finish as mocked time passes. */
async function dispose(observer: ClusterObserver): Promise<void> {
  let done = false;
  const disposed = observer.dispose().then(() => {
    done = true;
  });
  while (!done) await advance(1000);
  await disposed;
}

function observe(probe: ScriptedProbe) {
  return new ClusterObserver({ docker: {} as Docker, endpoints: kafkaEndpoints(kafkaChapter), reader: probe, now: () => Date.now() });
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

test('five tabs share one poll loop with one tab\'s cost', async () => {
  const alone = new ScriptedProbe();
  const one = observe(alone);
  const stopOne = one.watch('upbit-ticker', () => undefined);
  await advance(10_000);
  stopOne();

  const shared = new ScriptedProbe();
  const five = observe(shared);
  const received = [0, 0, 0, 0, 0];
  const stops = received.map((_, i) => five.watch(i % 2 === 0 ? 'upbit-ticker' : 'ledger', () => {
    received[i] = (received[i] ?? 0) + 1;
  }));
  await advance(10_000);
  for (const stop of stops) stop();

  // 500 ms for 2 s, then slower while nothing changes: about 11 polls in 10 s.
  assert.ok(alone.metadataCalls >= 8, `one tab: ${alone.metadataCalls} polls`);
  assert.ok(Math.abs(shared.metadataCalls - alone.metadataCalls) <= 1, `5 tabs ${shared.metadataCalls} vs 1 tab ${alone.metadataCalls}`);
  assert.ok(received.every((n) => n >= 1), 'every tab got its picture');
  assert.equal(five.stats().polls, shared.metadataCalls);
  await dispose(one);
  await dispose(five);
});

test('a late tab gets the latest snapshot at once, and only changes after that', async () => {
  const probe = new ScriptedProbe();
  const observer = observe(probe);
  const first: ClusterSnapshot[] = [];
  observer.watch('upbit-ticker', (s) => first.push(s));
  await advance(2000);
  const late: ClusterSnapshot[] = [];
  observer.watch('upbit-ticker', (s) => late.push(s));
  assert.equal(late.length, 1, 'immediately');
  assert.equal(late[0]?.partitions.length, 3);
  const before = late.length;
  await advance(3000);
  // Memory and the quorum arrive in the background; after that an idle cluster is quiet.
  const settled = late.length;
  await advance(3000);
  assert.equal(late.length, settled, 'no pushes while nothing changes');
  assert.ok(settled >= before);

  probe.leaderOfPartition1 = 3;
  await advance(IDLE_MAX_WITHOUT_FEED_MS + 100);
  assert.deepEqual(late.at(-1)?.events, ['파티션 1 리더 2→3']);
  assert.deepEqual(first.at(-1)?.events, ['파티션 1 리더 2→3']);
  await dispose(observer);
});

test('a missing topic is an empty list with a note', async () => {
  const observer = observe(new ScriptedProbe());
  const got: ClusterSnapshot[] = [];
  observer.watch('ledger', (s) => got.push(s));
  await advance(100);
  assert.deepEqual(got[0]?.partitions, []);
  assert.match(got[0]?.note ?? '', /토픽 ledger가 아직 없습니다/);
  await dispose(observer);
});

test('unreachable: back-off 1, 2, 4, 8, 10, 10 s with the wait in the note, then the normal pace', async () => {
  const probe = new ScriptedProbe();
  probe.reachable = false;
  const observer = observe(probe);
  const got: ClusterSnapshot[] = [];
  observer.watch('upbit-ticker', (s) => got.push(s));
  const callTimes: number[] = [];
  for (let t = 0; t < 36_000; t += 50) {
    const calls = probe.metadataCalls;
    await advance(50);
    if (probe.metadataCalls > calls) callTimes.push(Date.now());
  }
  const gaps = callTimes.slice(1).map((at, i) => Math.round((at - (callTimes[i] ?? 0)) / 1000));
  assert.deepEqual(gaps.slice(0, 5), [1, 2, 4, 8, 10], `gaps ${gaps.join(',')}`);
  assert.equal(got[0]?.reachable, false);
  assert.equal(got[0]?.note, '클러스터에 연결할 수 없습니다 — 1초 후 다시 시도');
  assert.equal(got.at(-1)?.note, '클러스터에 연결할 수 없습니다 — 10초 후 다시 시도');

  probe.reachable = true;
  const failedCalls = probe.metadataCalls;
  while (probe.metadataCalls === failedCalls) await advance(50);
  // Coming back is a change: the full 500 ms pace, before any idle slow-down.
  const resumedAt = probe.metadataCalls;
  await advance(1900);
  assert.ok(probe.metadataCalls - resumedAt >= 3, `normal pace resumed: ${probe.metadataCalls - resumedAt} polls in 1.9 s`);
  assert.equal(got.at(-1)?.reachable, true);
  assert.ok(got.some((s) => s.events.includes('클러스터 다시 연결됨')));
  await dispose(observer);
});

test('slow readings: quorum at most every 10 s and never two at once, memory every 5 s', async () => {
  const probe = new ScriptedProbe();
  const observer = observe(probe);
  const got: ClusterSnapshot[] = [];
  observer.watch('upbit-ticker', (s) => got.push(s));
  await advance(60_000);
  assert.equal(probe.maxQuorumInFlight, 1);
  // Each 15 s reading blocks the next; the 10 s period starts when one begins.
  assert.ok(probe.quorumCalls >= 3 && probe.quorumCalls <= 4, `quorum readings: ${probe.quorumCalls}`);
  assert.ok(probe.memoryCalls >= 11 && probe.memoryCalls <= 13, `memory readings: ${probe.memoryCalls}`);
  const last = got.at(-1);
  assert.equal(last?.quorumLeaderId, 3);
  assert.equal(last?.controllerId, 3);
  assert.equal(last?.brokers[0]?.memoryBytes, 300 * MiB);
  assert.ok(!got.some((s) => s.events.some((e) => e.startsWith('쿼럼 리더'))), 'the first quorum reading is not news');
  await dispose(observer);
});

test('the last tab leaving stops the loop and drops the connection', async () => {
  const probe = new ScriptedProbe();
  const observer = observe(probe);
  const stop = observer.watch('upbit-ticker', () => undefined);
  await advance(2000);
  stop();
  await advance(100);
  const calls = probe.metadataCalls;
  assert.ok(probe.closes >= 1, 'admin dropped');
  await advance(5000);
  assert.equal(probe.metadataCalls, calls, 'no polling without watchers');
  await dispose(observer);
  assert.throws(() => observer.watch('ledger', () => undefined), /disposed/);
});

/** Polls seen in `ms` of mocked time. */
async function pollsDuring(probe: ScriptedProbe, ms: number): Promise<number> {
  const before = probe.metadataCalls;
  await advance(ms);
  return probe.metadataCalls - before;
}

test('idle pace: 500 ms for 2 s, then 1 s, 2 s and at most 1.5 s without an event feed or 4 s with one', () => {
  assert.deepEqual([0, 3, 4, 8, 12, 40].map((q) => idleDelayMs(500, q, true)), [500, 500, 1000, 2000, IDLE_MAX_MS, IDLE_MAX_MS]);
  assert.deepEqual([0, 4, 8, 12].map((q) => idleDelayMs(500, q, false)), [500, 1000, 1500, IDLE_MAX_WITHOUT_FEED_MS]);
});

test('an unchanged picture slows the loop; a lab step (nudge) brings back the full pace at once', async () => {
  const probe = new ScriptedProbe();
  const observer = observe(probe);
  observer.watch('upbit-ticker', () => undefined);
  // The first quorum reading (15 s in this probe) is a change; idle only well after it.
  await advance(40_000);
  const idle = await pollsDuring(probe, 6000);
  assert.ok(idle <= 4, `idle: ${idle} polls in 6 s`);
  observer.nudge();
  const nudged = await pollsDuring(probe, 1900);
  assert.ok(nudged >= 4, `after a nudge: ${nudged} polls in 1.9 s`);
  await dispose(observer);
});

class FeedProbe extends ScriptedProbe {
  change: (() => void) | null = null;
  feedsOpen = 0;
  watchChanges(onChange: () => void, onLive: (live: boolean) => void): () => void {
    this.change = onChange;
    this.feedsOpen += 1;
    onLive(true);
    return () => {
      this.feedsOpen -= 1;
      this.change = null;
    };
  }
}

test('with Docker\'s event feed the idle pace is 4 s, and a container event is polled within 250 ms', async () => {
  const probe = new FeedProbe();
  const observer = observe(probe);
  const got: ClusterSnapshot[] = [];
  const stop = observer.watch('upbit-ticker', (s) => got.push(s));
  await advance(40_000);
  const idle = await pollsDuring(probe, 8000);
  assert.ok(idle <= 2, `idle with the feed: ${idle} polls in 8 s`);
  probe.leaderOfPartition1 = 1;
  probe.change?.();
  // A nudge waits NUDGE_DELAY_MS (the echo of a step's command goes first), then polls.
  await advance(NUDGE_DELAY_MS + 100);
  assert.deepEqual(got.at(-1)?.events, ['파티션 1 리더 2→1'], `shown within ${NUDGE_DELAY_MS + 100} ms of the event`);
  stop();
  assert.equal(probe.feedsOpen, 0, 'the feed closes with the last tab');
  await dispose(observer);
});
