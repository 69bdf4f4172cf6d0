// How chapter 2's checks and panel reach the cluster from the host, the same way a learner's
// own code does: kafkajs through the published EXTERNAL listeners, `docker exec` for the
// KRaft tools. Every address comes from the chapter's endpoints (built from chapter.ts), not
// from constants. Clients are short-lived with small timeouts so a check against a broken
// cluster fails in seconds with a reason instead of hanging.
import type Docker from 'dockerode';
import './clients/quiet-kafkajs.ts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { ChapterManifest } from '../../server/course.ts';
import { containerState, execInContainer } from '../../server/docker.ts';

export interface KafkaBroker {
  id: number;
  container: string;
  /** The EXTERNAL listener's port on 127.0.0.1. */
  hostPort: number;
}

export interface KafkaEndpoints {
  brokers: readonly KafkaBroker[];
  /** `localhost:<port>` of every broker, the bootstrap list a host client uses. */
  bootstrap: readonly string[];
}

/** The brokers are the chapter's core services named kafka-N, each with one host port. */
export function kafkaEndpoints(chapter: ChapterManifest): KafkaEndpoints {
  const brokers = chapter.services
    .filter((service) => service.role === 'core' && /^kafka-\d+$/.test(service.name))
    .map((service) => ({ id: Number(service.name.slice('kafka-'.length)), container: service.container!, hostPort: service.ports[0]!.host }));
  return { brokers, bootstrap: brokers.map((broker) => `localhost:${broker.hostPort}`) };
}

export function createKafka(endpoints: KafkaEndpoints, clientId = 'upbit-lab-check'): Kafka {
  return new Kafka({
    clientId,
    brokers: [...endpoints.bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 8000,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
  });
}

/** Runs `use` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(endpoints: KafkaEndpoints, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka(endpoints).admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** How many brokers have registered with the controller; 0 when none answers. */
export function registeredBrokers(endpoints: KafkaEndpoints): Promise<number> {
  return withAdmin(endpoints, (admin) => admin.describeCluster()).then((cluster) => cluster.brokers.length, () => 0);
}

/**
 * A Kafka tool inside a broker container. The tool's JVM would inherit the broker's -Xms128m
 * heap and share its 512M limit; a small heap keeps a check from pushing the broker it
 * inspects into the OOM killer.
 */
export function execKafkaTool(docker: Docker, container: string, argv: string[], timeoutSec = 20) {
  return execInContainer(docker, container, argv, timeoutSec, ['KAFKA_HEAP_OPTS=-Xmx64m -Xms16m']);
}

export interface QuorumStatus {
  leaderId: number | null;
  voters: number[];
  raw: string;
}

export function parseQuorumStatus(output: string): QuorumStatus | null {
  const leader = /LeaderId:\s*(-?\d+)/.exec(output);
  const voters = /CurrentVoters:\s*(.*)/.exec(output);
  if (!leader || !voters) return null;
  const ids = [...voters[1]!.matchAll(/"id":\s*(\d+)|(?:^|[\[,\s])(\d+)(?=[,\]\s])/g)].map((m) => Number(m[1] ?? m[2]));
  const leaderId = Number(leader[1]);
  return { leaderId: leaderId >= 0 ? leaderId : null, voters: [...new Set(ids)].sort(), raw: output };
}

/** Asks a running broker for the controller quorum; null when no node can answer. */
export async function describeQuorum(docker: Docker, endpoints: KafkaEndpoints, timeoutSec = 20): Promise<QuorumStatus | null> {
  for (const { container } of endpoints.brokers) {
    const state = await containerState(docker, container);
    if (!state.running) continue;
    const result = await execKafkaTool(docker, container,
      ['/opt/kafka/bin/kafka-metadata-quorum.sh', '--bootstrap-server', 'localhost:9092', 'describe', '--status'], timeoutSec);
    const parsed = parseQuorumStatus(result.output);
    if (parsed) return parsed;
  }
  return null;
}
