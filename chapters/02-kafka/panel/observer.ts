// The `kafka-cluster` panel's source: the live picture of the cluster. One observer per lab
// server, shared by every tab: a single poll loop runs while anyone watches, fetches once for
// all watched topics, and each tab gets a snapshot only when its picture changed. Expensive
// readings (container memory, the quorum leader) refresh in the background on their own,
// slower clocks so they never hold up the 500 ms poll. While the picture stays the same the
// pace slows (to 4 s); Docker's event stream, a lab step starting or ending (`nudge`) and any
// change bring it back to 500 ms at once, so an idle watching tab costs little and a stopped
// broker still shows within a second.
import type Docker from 'dockerode';
import { ListenerGate, systemClock, type GateClock } from '../../../server/panels/gate.ts';
import { withJosa } from '../../../server/korean.ts';
import type { KafkaEndpoints } from '../kafka-access.ts';
import { clusterSnapshotRules, diffSnapshots } from './diff.ts';
import { LiveClusterReader, type ClusterReader, type ContainerReading, type MemoryReading, type MetadataReading } from './reader.ts';
import type { ClusterSnapshot } from './snapshot.ts';

export interface ObserverOptions {
  docker: Docker;
  endpoints: KafkaEndpoints;
  /** Pause between two polls while the cluster answers. */
  intervalMs?: number;
  /** Minimum time between two quorum-leader readings. */
  quorumEveryMs?: number;
  now?: () => number;
  /** Stands in for the real cluster in tests; defaults to kafkajs + Docker. */
  reader?: ClusterReader;
}

export interface ObserverStats {
  polls: number;
  /** Kafka protocol requests answered (kafkajs instrumentation), not API calls. */
  adminRequests: number;
  /** HTTP requests to the Docker engine, exec and stats included. */
  dockerRequests: number;
  /** When the current (or last) poll loop started. */
  startedAt: number;
}

export const MEMORY_EVERY_MS = 5000;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 10_000;

/** The slowest idle pace while Docker's event feed is live (a stop reaches us through it). */
export const IDLE_MAX_MS = 4000;
/**
 * A nudge polls this much later, not at once: a step's nudge comes as its command is typed,
 * and a poll (Docker's API, a Kafka metadata request) on the event loop right then delays the
 * command's echo to the page by tens of milliseconds. The change itself takes longer than this.
 */
export const NUDGE_DELAY_MS = 150;
/** Without the feed, a stopped broker is noticed only by polling: keep well under 2 s. */
export const IDLE_MAX_WITHOUT_FEED_MS = 1500;

/**
 * The pause after a poll that changed nothing, by how many such polls came in a row: the
 * normal pace for 2 s, then 1 s, 2 s, and the idle maximum.
 */
export function idleDelayMs(intervalMs: number, quietPolls: number, feedLive: boolean): number {
  const ceiling = feedLive ? IDLE_MAX_MS : IDLE_MAX_WITHOUT_FEED_MS;
  const steps = [intervalMs, 1000, 2000, ceiling];
  return Math.min(steps[Math.min(Math.floor(quietPolls / 4), steps.length - 1)]!, ceiling);
}

/** 1 s, 2 s, 4 s, 8 s, then 10 s for every further failure in a row. */
export function backoffDelayMs(failuresInRow: number): number {
  return Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(0, failuresInRow - 1), BACKOFF_MAX_MS);
}

export const unreachableNote = (retryMs: number) => `클러스터에 연결할 수 없습니다 — ${Math.round(retryMs / 1000)}초 후 다시 시도`;
export const missingTopicNote = (topic: string) => `토픽 ${withJosa(topic, '이/가')} 아직 없습니다. 토픽 실습에서 만들면 여기에 파티션이 나타납니다.`;

interface TopicState {
  gates: Set<ListenerGate<ClusterSnapshot>>;
  latest: ClusterSnapshot | undefined;
  /** Whether `latest` was built before the quorum had ever been read. */
  latestWithoutQuorum: boolean;
  /** What the picture shows, without times and memory figures: equal means nothing happened. */
  signature: string;
}

export class ClusterObserver {
  readonly #reader: ClusterReader;
  readonly #intervalMs: number;
  readonly #quorumEveryMs: number;
  readonly #now: () => number;
  readonly #clock: GateClock;
  readonly #topics = new Map<string, TopicState>();

  /** Bumped on every start and stop, so a poll that outlives its loop knows it is stale. */
  #generation = 0;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #inFlight: Promise<void> | null = null;
  #pollAgainSoon = false;
  #failuresInRow = 0;
  #quietPolls = 0;
  #feedLive = false;
  #closeFeed: (() => void) | null = null;
  #polls = 0;
  #startedAt: number;
  #disposed = false;

  #memory = new Map<string, MemoryReading>();
  #memoryStartedAt = Number.NEGATIVE_INFINITY;
  #memoryTask: Promise<void> | null = null;
  #quorumLeaderId: number | null = null;
  #quorumKnown = false;
  #quorumStartedAt = Number.NEGATIVE_INFINITY;
  #quorumTask: Promise<void> | null = null;

  constructor(options: ObserverOptions) {
    this.#reader = options.reader ?? new LiveClusterReader(options.docker, options.endpoints);
    this.#intervalMs = options.intervalMs ?? 500;
    this.#quorumEveryMs = options.quorumEveryMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#clock = systemClock(this.#now);
    this.#startedAt = this.#now();
  }

  /** Starts polling on the first subscriber, stops when the last leaves. Immediately sends the latest snapshot if any. */
  watch(topic: string, listener: (snapshot: ClusterSnapshot) => void): () => void {
    if (this.#disposed) throw new Error('ClusterObserver is disposed');
    let state = this.#topics.get(topic);
    const newTopic = !state;
    if (!state) {
      state = { gates: new Set(), latest: undefined, latestWithoutQuorum: false, signature: '' };
      this.#topics.set(topic, state);
    }
    const gate = new ListenerGate(listener, this.#clock, clusterSnapshotRules);
    state.gates.add(gate);
    if (state.latest) gate.offer(state.latest);

    if (!this.#running) this.#start();
    else if (newTopic) this.#pollSoon();

    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      gate.dispose();
      const current = this.#topics.get(topic);
      if (!current) return;
      current.gates.delete(gate);
      if (current.gates.size === 0) this.#topics.delete(topic);
      if (this.#topics.size === 0) this.#stop();
    };
  }

  /** Something may change soon (a lab step started or ended): back to the full pace now. */
  nudge(): void {
    if (!this.#running) return;
    this.#quietPolls = 0;
    this.#pollSoon();
  }

  stats(): ObserverStats {
    return { polls: this.#polls, ...this.#reader.counts(), startedAt: this.#startedAt };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const state of this.#topics.values()) for (const gate of state.gates) gate.dispose();
    this.#topics.clear();
    this.#stop();
    await Promise.allSettled([this.#inFlight, this.#memoryTask, this.#quorumTask]);
    await this.#reader.close();
  }

  #start(): void {
    this.#running = true;
    this.#generation += 1;
    this.#failuresInRow = 0;
    this.#quietPolls = 0;
    this.#startedAt = this.#now();
    this.#closeFeed = this.#reader.watchChanges?.(() => this.nudge(), (live) => {
      this.#feedLive = live;
    }) ?? null;
    this.#schedule(0);
  }

  #stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#generation += 1;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#closeFeed?.();
    this.#closeFeed = null;
    this.#feedLive = false;
    // The admin connection lives only while someone watches. A poll still in flight may
    // reconnect, so close again once it has finished.
    const inFlight = this.#inFlight ?? Promise.resolve();
    void inFlight.then(() => (this.#running ? undefined : this.#reader.close()));
  }

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#inFlight = this.#poll(this.#generation).finally(() => {
        this.#inFlight = null;
      });
    }, delayMs);
  }

  #pollSoon(): void {
    if (this.#inFlight) this.#pollAgainSoon = true;
    else this.#schedule(NUDGE_DELAY_MS);
  }

  async #poll(generation: number): Promise<void> {
    const topics = [...this.#topics.keys()];
    const containersRead = this.#reader.readContainers().catch((): ContainerReading[] => []);
    void containersRead.then((containers) => {
      if (generation === this.#generation) this.#refreshInBackground(containers.filter((c) => c.state === 'running').map((c) => c.container));
    });
    const [metadata, containers] = await Promise.all([this.#reader.readMetadata(topics).catch(() => null), containersRead]);
    if (generation !== this.#generation) return;
    this.#polls += 1;

    const reachable = metadata !== null;
    this.#failuresInRow = reachable ? 0 : this.#failuresInRow + 1;
    const retryMs = backoffDelayMs(this.#failuresInRow);
    let changed = false;
    for (const topic of topics) changed = this.#publish(topic, metadata, containers, retryMs) || changed;
    this.#quietPolls = changed ? 0 : this.#quietPolls + 1;
    const nextDelayMs = reachable ? idleDelayMs(this.#intervalMs, this.#quietPolls, this.#feedLive) : retryMs;

    const again = this.#pollAgainSoon;
    this.#pollAgainSoon = false;
    this.#schedule(again ? 0 : nextDelayMs);
  }

  /** Builds and offers the topic's snapshot; true when it shows something the last one did not. */
  #publish(topic: string, metadata: MetadataReading | null, containers: readonly ContainerReading[], retryMs: number): boolean {
    const state = this.#topics.get(topic);
    if (!state) return false;
    const partitions = metadata?.topics.get(topic);
    const note = !metadata ? unreachableNote(retryMs) : partitions ? undefined : missingTopicNote(topic);
    const snapshot: ClusterSnapshot = {
      kind: 'kafka-cluster',
      at: this.#now(),
      reachable: metadata !== null,
      // In KRaft the Metadata response names a random live broker as "controller"; the
      // active controller is the Raft quorum leader, which in this combined-mode cluster
      // is the controller every broker follows.
      controllerId: this.#quorumLeaderId,
      quorumLeaderId: this.#quorumLeaderId,
      brokers: containers.map((c) => {
        const memory = c.state === 'running' ? this.#memory.get(c.container) : undefined;
        return {
          id: c.id,
          container: c.container,
          state: c.state,
          registered: metadata?.registeredIds.includes(c.id) ?? false,
          memoryBytes: memory?.usageBytes ?? null,
          memoryLimitBytes: memory?.limitBytes ?? null,
        };
      }),
      topic,
      partitions: partitions ?? [],
      events: [],
      ...(note === undefined ? {} : { note }),
    };
    snapshot.events = diffSnapshots(state.latest, snapshot, { quorumWasUnknown: state.latestWithoutQuorum });
    state.latest = snapshot;
    state.latestWithoutQuorum = !this.#quorumKnown;
    for (const gate of state.gates) gate.offer(snapshot);
    const signature = JSON.stringify([snapshot.reachable, snapshot.quorumLeaderId, snapshot.brokers.map((b) => [b.id, b.state, b.registered]), snapshot.partitions]);
    const changed = signature !== state.signature;
    state.signature = signature;
    return changed;
  }

  /** Memory and quorum run beside the poll; their results show up in a later snapshot. */
  #refreshInBackground(running: readonly string[]): void {
    const now = this.#now();
    if (!this.#memoryTask && now - this.#memoryStartedAt >= MEMORY_EVERY_MS) {
      this.#memoryStartedAt = now;
      this.#memoryTask = this.#reader.readMemory(running)
        .then((memory) => {
          this.#memory = memory;
        })
        .catch(() => undefined)
        .finally(() => {
          this.#memoryTask = null;
        });
    }
    if (!this.#quorumTask && now - this.#quorumStartedAt >= this.#quorumEveryMs) {
      this.#quorumStartedAt = now;
      this.#quorumTask = this.#reader.readQuorumLeader(running)
        .then((leaderId) => {
          this.#quorumLeaderId = leaderId;
          this.#quorumKnown = true;
        })
        .catch(() => undefined)
        .finally(() => {
          this.#quorumTask = null;
        });
    }
  }
}
