// Kafka, read directly: the newest ticker of one market, the freshest record of the topic
// (collector lag), brokers with ISR, and the KRaft quorum.
//
// kafkajs's public consumer always joins a consumer group (a join and a rebalance per call,
// and a group left behind on the brokers). A tool that answers "what is BTC now?" needs
// none of that: it knows the partition (the collector keys records by market, and kafkajs's
// DefaultPartitioner is Java's murmur2, so we compute the same partition) and reads the
// last few hundred records of it with one Fetch. kafkajs (2.2.4, unmaintained, pinned) has
// no public assign-only consumer, so this reaches its internal Cluster through the factory
// the Kafka object keeps; the shape is checked at run time and fails with a clear error.
import '../../../02-kafka/clients/quiet-kafkajs.ts';
import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import type Docker from 'dockerode';
import { describeQuorum, type KafkaEndpoints } from '../../../02-kafka/kafka-access.ts';
import { isUnreachable, missing, describe } from '../errors.ts';

export interface KafkaRecord {
  partition: number;
  offset: string;
  timestamp: number;
  key: string | null;
  value: string | null;
}

interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}
interface FetchPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  messages: FetchedMessage[];
}
interface InternalBroker {
  fetch(request: {
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: FetchPartition[] }[] }>;
}
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(request: { nodeId: string }): Promise<InternalBroker>;
}

const READ_COMMITTED = 1;

function internalCluster(kafka: Kafka): InternalCluster {
  const factory = Object.getOwnPropertySymbols(kafka)
    .filter((symbol) => symbol.description === 'private:Kafka:createCluster')
    .map((symbol) => (kafka as unknown as Record<symbol, unknown>)[symbol])[0];
  if (typeof factory !== 'function') throw new Error('kafkajs internals changed: no cluster factory (pinned kafkajs 2.2.4 expected)');
  // The factory's options are kafkajs's own; isolation level read_committed for the fetches.
  return (factory as (options: object) => InternalCluster)({ isolationLevel: READ_COMMITTED, allowAutoTopicCreation: false });
}

export function partitionForKey(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const metadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));
  return partitioner({ topic: 'any', partitionMetadata: metadata, message: { key, value: null } });
}

export class KafkaBackend {
  readonly #endpoints: KafkaEndpoints;
  readonly #timeoutMs: number;
  readonly #docker: Docker | null;

  constructor(endpoints: KafkaEndpoints, timeoutMs: number, docker: Docker | null) {
    this.#endpoints = endpoints;
    this.#timeoutMs = timeoutMs;
    this.#docker = docker;
  }

  #kafka(): Kafka {
    return new Kafka({
      clientId: 'upbit-mcp',
      brokers: [...this.#endpoints.bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: Math.min(3000, this.#timeoutMs),
      requestTimeout: this.#timeoutMs,
      retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
    });
  }

  /** Runs `use` under the call's deadline; connection problems become the "start Kafka" failure. */
  async #guard<T>(what: string, use: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout after ${this.#timeoutMs} ms (${what})`)), this.#timeoutMs + 2000);
    });
    try {
      return await Promise.race([use(), deadline]);
    } catch (error) {
      if (isUnreachable(error)) throw missing('kafka', describe(error).slice(0, 160));
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.#kafka().admin();
    try {
      await admin.connect();
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** The newest record whose key is `key` in the last `tail` records of its partition, or null. */
  async newestForKey(topic: string, key: string, tail: number): Promise<KafkaRecord | null> {
    return this.#guard('latest record', async () => {
      const offsets = await this.#withAdmin((admin) => admin.fetchTopicOffsets(topic));
      const partition = partitionForKey(key, offsets.length);
      const entry = offsets.find((o) => o.partition === partition);
      if (!entry) return null;
      const high = BigInt(entry.high);
      const low = BigInt(entry.low);
      if (high === low) return null;
      const start = high - BigInt(tail) > low ? high - BigInt(tail) : low;
      const records = await this.#readRange(topic, partition, start, high);
      const mine = records.filter((record) => record.key === key);
      return mine.at(-1) ?? null;
    });
  }

  /** The newest record of every partition (for freshness: the collector's lag). */
  async newestPerPartition(topic: string): Promise<KafkaRecord[]> {
    return this.#guard('newest records', async () => {
      const offsets = await this.#withAdmin((admin) => admin.fetchTopicOffsets(topic));
      const newest: KafkaRecord[] = [];
      for (const entry of offsets) {
        const high = BigInt(entry.high);
        if (high === BigInt(entry.low)) continue;
        const records = await this.#readRange(topic, entry.partition, high - 1n, high);
        const last = records.at(-1);
        if (last) newest.push(last);
      }
      return newest;
    });
  }

  async #readRange(topic: string, partition: number, start: bigint, end: bigint): Promise<KafkaRecord[]> {
    const cluster = internalCluster(this.#kafka());
    await cluster.connect();
    try {
      await cluster.addTargetTopic(topic);
      const leaders = cluster.findLeaderForPartitions(topic, [partition]);
      const leader = Object.keys(leaders)[0];
      if (leader === undefined) throw new Error(`no leader for ${topic}-${partition}`);
      const broker = await cluster.findBroker({ nodeId: leader });
      const out: KafkaRecord[] = [];
      let offset = start;
      // A few fetches at most: 500 tickers are ~500 KB; each fetch asks for up to 1 MB.
      for (let round = 0; round < 8 && offset < end; round++) {
        const response = await broker.fetch({
          isolationLevel: READ_COMMITTED,
          maxWaitTime: 0,
          minBytes: 1,
          maxBytes: 2 * 1024 * 1024,
          topics: [{ topic, partitions: [{ partition, fetchOffset: offset.toString(), maxBytes: 1024 * 1024 }] }],
        });
        const part = response.responses[0]?.partitions[0];
        if (!part || part.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}: error code ${part?.errorCode}`);
        const messages = part.messages.filter((m) => BigInt(m.offset) >= offset && BigInt(m.offset) < end);
        if (messages.length === 0) break;
        for (const m of messages) {
          out.push({
            partition,
            offset: m.offset,
            timestamp: Number(m.timestamp),
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value ? m.value.toString('utf8') : null,
          });
        }
        offset = BigInt(messages.at(-1)!.offset) + 1n;
      }
      return out;
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
  }

  /** Brokers the cluster reports and each topic partition's leader, replicas and ISR. */
  async cluster(topics: readonly string[]): Promise<{
    brokers: { nodeId: number; address: string }[];
    controller: number | null;
    topics: { topic: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
    missingTopics: string[];
  }> {
    return this.#guard('cluster metadata', () => this.#withAdmin(async (admin) => {
      const described = await admin.describeCluster();
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: [...present] }) : { topics: [] };
      return {
        brokers: described.brokers.map((b) => ({ nodeId: b.nodeId, address: `${b.host}:${b.port}` })).sort((a, b) => a.nodeId - b.nodeId),
        controller: described.controller,
        topics: metadata.topics.map((t) => ({
          topic: t.name,
          partitions: t.partitions
            .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort(), isr: [...p.isr].sort() }))
            .sort((a, b) => a.partition - b.partition),
        })),
        missingTopics: topics.filter((t) => !existing.has(t)),
      };
    }));
  }

  /** KRaft quorum through the broker's own tool (docker exec of a fixed command, small heap). */
  async quorum(): Promise<{ leaderId: number | null; voters: number[] } | null> {
    if (!this.#docker) return null;
    const status = await describeQuorum(this.#docker, this.#endpoints, Math.ceil(this.#timeoutMs / 1000) + 7);
    return status ? { leaderId: status.leaderId, voters: status.voters } : null;
  }
}
