// Where the observer's facts come from: one long-lived kafkajs admin for metadata, Docker
// for container state, memory and the KRaft quorum file. Kept behind an interface so the
// poll loop can be tested with a scripted cluster, and so every request is counted here.
//
// The quorum leader is read from each node's `quorum-state` file (`cat` through docker exec)
// instead of describeQuorum: that starts a JVM inheriting the broker's -Xms128m inside a
// 512M container already holding ~400 MB, and on this machine it got kafka-1 OOM-killed.
// A poll every 10 s cannot carry that risk; `cat` costs nothing.
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Admin } from 'kafkajs';
import { containerState, execInContainer } from '../../../server/docker.ts';
import { createKafka, type KafkaEndpoints } from '../kafka-access.ts';
import type { BrokerView, PartitionView } from './snapshot.ts';

export type { PartitionView };
export type ContainerRunState = BrokerView['state'];

export interface MetadataReading {
  registeredIds: number[];
  /** Only the asked topics that exist; a missing one is absent. */
  topics: Map<string, PartitionView[]>;
}

export interface ContainerReading {
  container: string;
  id: number;
  state: ContainerRunState;
}

export interface MemoryReading {
  usageBytes: number;
  limitBytes: number;
}

export interface ReaderCounts {
  adminRequests: number;
  dockerRequests: number;
}

export interface ClusterReader {
  /** Throws when no broker answers. */
  readMetadata(topics: readonly string[]): Promise<MetadataReading>;
  readContainers(): Promise<ContainerReading[]>;
  readMemory(containers: readonly string[]): Promise<Map<string, MemoryReading>>;
  /** The Raft leader as the running nodes know it; null when none knows one. */
  readQuorumLeader(containers: readonly string[]): Promise<number | null>;
  counts(): ReaderCounts;
  /** Drops the admin connection; the next read reconnects. */
  close(): Promise<void>;
  /**
   * Calls `onChange` when a broker container starts, stops, dies or is paused (Docker's event
   * stream), so an idle observer can poll slowly and still show a stopped broker at once.
   * `onLive(false)` while the feed is down (the observer then keeps a quicker idle pace).
   * Returns the function that closes the feed. Optional: scripted readers have none.
   */
  watchChanges?(onChange: () => void, onLive: (live: boolean) => void): () => void;
}

/** Container events that change what the picture shows; exec events are left out (the quorum reading itself execs). */
export const CHANGE_EVENTS = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'oom', 'pause', 'unpause', 'destroy', 'health_status'];
const FEED_RETRY_MS = 2000;

export const QUORUM_STATE_FILE = '/var/lib/kafka/data/__cluster_metadata-0/quorum-state';
/** A poll waits no longer than this for metadata; a hung broker must not freeze the picture. */
const METADATA_DEADLINE_MS = 4000;

export function brokerIdOf(container: string): number {
  return Number(/(\d+)$/.exec(container)?.[1] ?? Number.NaN);
}

/** The highest-epoch view wins: a node that just restarted may still hold an old file. */
export function pickQuorumLeader(files: readonly string[]): number | null {
  let best: { epoch: number; leaderId: number } | null = null;
  for (const text of files) {
    try {
      const parsed = JSON.parse(text.trim()) as { leaderId?: unknown; leaderEpoch?: unknown };
      if (typeof parsed.leaderId !== 'number' || typeof parsed.leaderEpoch !== 'number') continue;
      if (!best || parsed.leaderEpoch > best.epoch) best = { epoch: parsed.leaderEpoch, leaderId: parsed.leaderId };
    } catch {
      continue;
    }
  }
  return best && best.leaderId >= 0 ? best.leaderId : null;
}

/** cgroup v1 reports total_inactive_file, v2 inactive_file; `docker stats` subtracts it. */
export function memoryFromStats(stats: { memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> } }): MemoryReading | null {
  const memory = stats.memory_stats;
  if (!memory || typeof memory.usage !== 'number' || typeof memory.limit !== 'number') return null;
  const inactive = memory.stats?.['total_inactive_file'] ?? memory.stats?.['inactive_file'] ?? 0;
  return { usageBytes: inactive < memory.usage ? memory.usage - inactive : memory.usage, limitBytes: memory.limit };
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: ${ms} ms 안에 응답 없음`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A Docker client sharing the caller's connection settings whose every HTTP request is
 * counted. Wrapping a derived modem leaves the caller's own Docker object untouched.
 */
function countingDocker(docker: Docker, onRequest: () => void): Docker {
  const base = docker.modem as { dial: (options: unknown, callback: unknown) => unknown };
  const modem = Object.create(base) as typeof base;
  modem.dial = function dial(options, callback) {
    onRequest();
    return base.dial.call(this, options, callback);
  };
  return new (docker.constructor as new (options: { modem: unknown }) => Docker)({ modem });
}

export class LiveClusterReader implements ClusterReader {
  readonly #docker: Docker;
  readonly #endpoints: KafkaEndpoints;
  #admin: Admin | null = null;
  #removeRequestListener: (() => void) | null = null;
  #adminRequests = 0;
  #dockerRequests = 0;

  constructor(docker: Docker, endpoints: KafkaEndpoints) {
    this.#endpoints = endpoints;
    this.#docker = countingDocker(docker, () => {
      this.#dockerRequests += 1;
    });
  }

  counts(): ReaderCounts {
    return { adminRequests: this.#adminRequests, dockerRequests: this.#dockerRequests };
  }

  async readMetadata(topics: readonly string[]): Promise<MetadataReading> {
    const reused = this.#admin !== null;
    try {
      return await this.#readMetadataOnce(topics);
    } catch (error) {
      await this.close();
      // The long-lived connection may just have pointed at the broker that went away;
      // one fresh connection decides whether the cluster is really unreachable.
      if (!reused) throw error;
      try {
        return await this.#readMetadataOnce(topics);
      } catch (retryError) {
        await this.close();
        throw retryError;
      }
    }
  }

  async #readMetadataOnce(topics: readonly string[]): Promise<MetadataReading> {
    const admin = await this.#connectedAdmin();
    // kafkajs' admin refreshes metadata on every call (its metadataMaxAge is 0), so each
    // call below is two Metadata requests on the wire: four per poll, and a broker pool that
    // never keeps a stopped broker. An empty topic list asks for every topic: a missing watched topic is then simply
    // absent, where naming it would fail the whole request with UNKNOWN_TOPIC_OR_PARTITION.
    const [cluster, metadata] = await withDeadline(
      Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [] })]), METADATA_DEADLINE_MS, 'metadata');
    const wanted = new Map<string, PartitionView[]>();
    for (const topic of metadata.topics) {
      if (!topics.includes(topic.name)) continue;
      wanted.set(topic.name, topic.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr].sort(), offline: [...(p.offlineReplicas ?? [])].sort() }))
        .sort((a, b) => a.partition - b.partition));
    }
    return { registeredIds: cluster.brokers.map((b) => b.nodeId).sort(), topics: wanted };
  }

  async #connectedAdmin(): Promise<Admin> {
    if (this.#admin) return this.#admin;
    // Refused connections fail in milliseconds, so a few quick retries find a live seed
    // broker when one node is down instead of reporting the whole cluster unreachable.
    const admin = createKafka(this.#endpoints, 'upbit-lab-observer').admin({ retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 500 } });
    const removeListener = admin.on(admin.events.REQUEST, () => {
      this.#adminRequests += 1;
    });
    try {
      await withDeadline(admin.connect(), METADATA_DEADLINE_MS, 'connect');
    } catch (error) {
      removeListener();
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    this.#admin = admin;
    this.#removeRequestListener = removeListener;
    return admin;
  }

  async readContainers(): Promise<ContainerReading[]> {
    return Promise.all(this.#endpoints.brokers.map(async ({ container }) => {
      const state = await containerState(this.#docker, container);
      // A paused container still says Running, but its broker answers nobody.
      const run: ContainerRunState = !state.exists ? 'missing' : state.running && state.status !== 'paused' ? 'running' : 'stopped';
      return { container, id: brokerIdOf(container), state: run };
    }));
  }

  async readMemory(containers: readonly string[]): Promise<Map<string, MemoryReading>> {
    const readings = new Map<string, MemoryReading>();
    await Promise.all(containers.map(async (container) => {
      try {
        const stats = await this.#docker.getContainer(container).stats({ stream: false });
        const memory = memoryFromStats(stats as Parameters<typeof memoryFromStats>[0]);
        if (memory) readings.set(container, memory);
      } catch {
        // Stopped between the inspect and the stats call: no figure this round.
      }
    }));
    return readings;
  }

  async readQuorumLeader(containers: readonly string[]): Promise<number | null> {
    const files = await Promise.all(containers.map(async (container) => {
      try {
        const result = await execInContainer(this.#docker, container, ['cat', QUORUM_STATE_FILE], 5);
        return result.exitCode === 0 ? result.output : '';
      } catch {
        return '';
      }
    }));
    return pickQuorumLeader(files);
  }

  watchChanges(onChange: () => void, onLive: (live: boolean) => void): () => void {
    const containers = this.#endpoints.brokers.map((b) => b.container);
    let stream: Readable | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let closed = false;
    const reopenLater = () => {
      stream = null;
      onLive(false);
      if (closed || retry) return;
      retry = setTimeout(() => {
        retry = null;
        open();
      }, FEED_RETRY_MS);
    };
    const open = () => {
      this.#docker.getEvents({ filters: { type: ['container'], container: containers, event: CHANGE_EVENTS } }).then((events) => {
        const readable = events as Readable;
        if (closed) {
          readable.destroy();
          return;
        }
        stream = readable;
        onLive(true);
        readable.on('data', () => onChange());
        readable.once('error', reopenLater);
        readable.once('end', reopenLater);
      }, reopenLater);
    };
    open();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
      stream?.removeAllListeners('end').removeAllListeners('error').on('error', () => undefined);
      stream?.destroy();
      stream = null;
    };
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = null;
    this.#removeRequestListener?.();
    this.#removeRequestListener = null;
    if (admin) await admin.disconnect().catch(() => undefined);
  }
}
