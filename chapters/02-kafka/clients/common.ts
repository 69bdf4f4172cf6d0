// Shared bits of the lab's client programs: where the brokers are (the EXTERNAL listeners
// the compose file publishes on localhost), where reports go, and small helpers.
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import './quiet-kafkajs.ts';
import { Kafka, logLevel, type Admin, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs';

export const DEFAULT_BROKERS = ['localhost:29092', 'localhost:29093', 'localhost:29094'];

/** Runtime files shared with the lab server's checks (repo root/.lab-state). */
export const STATE_DIR = process.env['UPBIT_LAB_STATE_DIR'] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.lab-state');

export function kafkaClient(clientId: string, brokers: string[] = DEFAULT_BROKERS, requestTimeout = 10000): Kafka {
  return new Kafka({
    clientId,
    brokers,
    // kafkajs logs JSON lines by default; the lab prints its own readable lines instead.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout,
  });
}

/** Writes JSON atomically, so a check never reads half a file. */
export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The Kafka error code behind a kafkajs error (NOT_ENOUGH_REPLICAS, ...), or its message. */
export function describeKafkaError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const candidate = current as { type?: string; originalError?: unknown; cause?: unknown; message?: string };
    if (candidate.type && candidate.type !== 'UNKNOWN') return candidate.type;
    current = candidate.originalError ?? candidate.cause;
  }
  return (error as Error)?.message ?? String(error);
}

/**
 * Creates the topic if it is missing and waits until every partition has a leader; returns
 * the partition count. Right after a create (or a broker start), a broker may not know the
 * topic yet and answers UNKNOWN_TOPIC_OR_PARTITION, which kafkajs's own `waitForLeaders`
 * does not retry. That race once failed a test; here it is simply waited out.
 */
export async function ensureTopic(admin: Admin, topic: string, partitions = 3, replicationFactor = 3, withinMs = 30_000): Promise<number> {
  const deadline = Date.now() + withinMs;
  let lastProblem = '';
  for (;;) {
    try {
      if (!(await admin.listTopics()).includes(topic)) {
        // false when another client created it first: either way it exists now.
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor }], waitForLeaders: false });
      }
      const shape = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
      if (shape.length > 0 && shape.every((p) => p.leader >= 0)) return shape.length;
      lastProblem = 'a partition has no leader yet';
    } catch (error) {
      lastProblem = describeKafkaError(error);
      // INVALID_REPLICATION_FACTOR right after `up`: a broker's port is open before it has
      // registered with the controller, so for a moment the cluster counts fewer than three.
      if (!/UNKNOWN_TOPIC_OR_PARTITION|LEADER_NOT_AVAILABLE|TOPIC_ALREADY_EXISTS|NOT_CONTROLLER|INVALID_REPLICATION_FACTOR|REQUEST_TIMED_OUT|Connection|ECONNREFUSED/i.test(lastProblem)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition after ${withinMs / 1000} s (${lastProblem})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The lab's producer settings: idempotent, one request in flight, acks=all. kafkajs's own
 * retries stay short so an outage surfaces as errors within seconds; `sendSteadily` then
 * keeps retrying the same records from the same producer. The broker waits ACK_TIMEOUT_MS for
 * the in-sync replicas, less than the client's request timeout, so the broker answers
 * (REQUEST_TIMED_OUT, retriable) before the client gives up on a request it may still append.
 */
export const STEADY_REQUEST_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 5_000;

export function steadyProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1000 } });
}

/**
 * Errors after which this producer id can no longer send safely: the broker has lost track
 * of its sequence, or another producer took its place. Retrying from the same producer cannot
 * help, and a new producer id would lose the broker's duplicate filter, so the caller has to
 * decide how to recover without duplicating (see ledger-producer.ts).
 */
const FATAL = /OUT_OF_ORDER_SEQUENCE_NUMBER|UNKNOWN_PRODUCER_ID|INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|INVALID_PRODUCER_ID_MAPPING|TRANSACTIONAL_ID_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|TOPIC_AUTHORIZATION_FAILED|INVALID_RECORD|RECORD_LIST_TOO_LARGE|MESSAGE_TOO_LARGE|CORRUPT_MESSAGE/;

export class ProducerFatalError extends Error {
  readonly type: string;
  constructor(type: string, cause: unknown) {
    super(`producer cannot continue safely: ${type}`, { cause });
    this.type = type;
  }
}

/**
 * Sends one record batch with acks=all and retries it, same records, same producer, until it
 * is acknowledged: through NOT_ENOUGH_REPLICAS, leader moves, timeouts and a lost quorum. The
 * producer keeps its producer id and sequence numbers, so a retry of a batch the broker did
 * store is recognised and dropped by the broker. Back-off doubles from 200 ms up to 2 s.
 * Stops with ProducerFatalError on an error no retry can fix, or when `shouldStop` says so.
 */
export async function sendSteadily(
  producer: Producer,
  record: ProducerRecord,
  options: { onRetry?: (error: string, attempt: number) => void; shouldStop?: () => boolean } = {},
): Promise<RecordMetadata[]> {
  let backoffMs = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await producer.send({ ...record, acks: -1, timeout: ACK_TIMEOUT_MS });
    } catch (error) {
      const type = describeKafkaError(error);
      if (FATAL.test(type)) throw new ProducerFatalError(type, error);
      options.onRetry?.(type, attempt);
      if (options.shouldStop?.()) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(2000, backoffMs * 2);
    }
  }
}

export const won = (value: number) => `${value.toLocaleString('ko-KR')}원`;
