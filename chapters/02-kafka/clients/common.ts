// Shared bits of the lab's client programs: where the brokers are (the EXTERNAL listeners
// the compose file publishes on localhost), where reports go, and small helpers.
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import './quiet-kafkajs.ts';
import { Kafka, logLevel, type Admin } from 'kafkajs';

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
      if (!/UNKNOWN_TOPIC_OR_PARTITION|LEADER_NOT_AVAILABLE|TOPIC_ALREADY_EXISTS|NOT_CONTROLLER/.test(lastProblem)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leader for every partition after ${withinMs / 1000} s (${lastProblem})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export const won = (value: number) => `${value.toLocaleString('ko-KR')}원`;
