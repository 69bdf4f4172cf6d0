// Issue 2's promise, checked on the real cluster: `docker compose up -d` gives three
// registered brokers and a 3-voter quorum, the topic spreads its leaders, 1,000 tickers make
// the round trip through the host listeners with kafkajs, the console tools round-trip inside
// Docker, `down -v` leaves nothing, and the usual start-up failures are named with a fix.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { createKafka as kafkaFor, describeQuorum as quorumOf, withAdmin as adminOf } from '../../chapters/02-kafka/kafka-access.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { containerLogs, createDocker } from '../../server/docker.ts';
import { createLabRuntime } from '../../server/runtime.ts';
import { KAFKA, compose, docker, requireDocker, teardownCluster, waitForBrokers } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/temp.ts';

const createKafka = (clientId: string) => kafkaFor(KAFKA, clientId);
const withAdmin: <T>(use: Parameters<typeof adminOf<T>>[1]) => Promise<T> = (use) => adminOf(KAFKA, use);
const describeQuorum = (docker: ReturnType<typeof createDocker>) => quorumOf(docker, KAFKA);

const TOPIC = 'upbit-ticker';

before(async () => {
  await requireDocker();
  await teardownCluster();
});
after(teardownCluster);

test('docker compose up -d brings three brokers and a quorum of three voters', async () => {
  const started = Date.now();
  const up = await compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  await waitForBrokers(3);
  const docker = createDocker();
  let quorum = await describeQuorum(docker);
  for (let i = 0; i < 20 && !quorum?.leaderId; i++) quorum = await describeQuorum(docker);
  assert.ok(quorum?.leaderId, 'quorum has a leader');
  assert.deepEqual(quorum.voters, [1, 2, 3]);
  console.log(`# ready (3 brokers + quorum leader) ${((Date.now() - started) / 1000).toFixed(1)} s after up -d`);
  for (const { container: name } of KAFKA.brokers) {
    assert.match(await containerLogs(docker, name), /Kafka Server started/, `${name} logged its start`);
  }
});

test('upbit-ticker with 3 partitions / RF 3 spreads leaders and has ISR 3', async () => {
  const created = await docker(['exec', 'kafka-1', '/opt/kafka/bin/kafka-topics.sh', '--bootstrap-server', 'localhost:9092',
    '--create', '--if-not-exists', '--topic', TOPIC, '--partitions', '3', '--replication-factor', '3']);
  assert.equal(created.code, 0, created.stderr);
  // The broker kafkajs asks may not have the new topic's metadata yet for a moment after the
  // create returns (UNKNOWN_TOPIC_OR_PARTITION, seen once here): ask again for up to 10 s.
  let partitions: Awaited<ReturnType<Admin['fetchTopicMetadata']>>['topics'][number]['partitions'] = [];
  for (let attempt = 0; ; attempt++) {
    try {
      partitions = await withAdmin(async (admin) => (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions);
      break;
    } catch (error) {
      if (attempt >= 20 || !/does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION|LEADER_NOT_AVAILABLE/.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  assert.equal(partitions.length, 3);
  assert.equal(new Set(partitions.map((p) => p.leader)).size, 3, 'each broker leads one partition');
  for (const p of partitions) {
    assert.equal(p.replicas.length, 3);
    assert.equal(p.isr.length, 3);
  }
});

test('1,000 tickers produced with acks=all from the host are all consumed back in a group', async () => {
  const kafka = createKafka('cluster-test');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const runId = randomUUID();
  await producer.connect();
  for (let batch = 0; batch < 10; batch++) {
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: Array.from({ length: 100 }, (_, i) => {
        const n = batch * 100 + i;
        return { key: `KRW-${['BTC', 'ETH', 'XRP'][n % 3]}`, value: JSON.stringify({ runId, n, symbol: 'KRW-BTC', price: 143_000_000 + n, timestamp: new Date().toISOString() }) };
      }),
    });
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `cluster-test-${runId}` });
  const seen = new Set<number>();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.size} of 1000 consumed`)), 60_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const record = JSON.parse(message.value!.toString()) as { runId: string; n: number };
        if (record.runId === runId) seen.add(record.n);
        if (seen.size === 1000) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  assert.equal(seen.size, 1000);
});

test('console producer → console consumer round trip via docker exec', async () => {
  const line = `{"symbol":"KRW-ETH","price":5120000,"probe":"${randomUUID()}"}`;
  // Small tool heaps: tool JVMs share the broker container's 512M limit.
  const heap = ['-e', 'KAFKA_HEAP_OPTS=-Xmx64m'];
  const produced = await docker(['exec', '-i', ...heap, 'kafka-1', '/opt/kafka/bin/kafka-console-producer.sh', '--bootstrap-server', 'localhost:9092', '--topic', 'console-roundtrip'], `${line}\n`);
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await docker(['exec', ...heap, 'kafka-2', '/opt/kafka/bin/kafka-console-consumer.sh', '--bootstrap-server', 'localhost:9092',
    '--topic', 'console-roundtrip', '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.ok(consumed.stdout.includes(line), consumed.stdout);
});

/** Classes a tool's JVM took from the image's class-data archive (-Xlog:class+load names the source). */
async function toolClassesFromArchive(env: readonly string[]): Promise<number> {
  const run = await docker(['exec', '-e', 'KAFKA_OPTS=-Xlog:class+load=info', ...env, 'kafka-1', '/opt/kafka/bin/kafka-topics.sh', '--version']);
  assert.equal(run.code, 0, run.stderr);
  return (run.stdout.match(/source: shared objects file \(top\)/g) ?? []).length;
}

test('every JVM of the image starts on its class-data archive: the broker maps server.jsa, a tool loads from tools.jsa', async () => {
  // The archives fail silently by design (-Xlog:cds=off; a JVM that cannot use one starts the
  // slow way), so this is the only place a mismatch after a Kafka upgrade would show.
  for (const name of ['kafka-1', 'kafka-2', 'kafka-3']) {
    const maps = await docker(['exec', name, 'cat', '/proc/1/maps']);
    assert.match(maps.stdout, /\/opt\/kafka\/cds\/server\.jsa/, `${name}'s broker (pid 1) maps its archive`);
  }
  const shared = await toolClassesFromArchive([]);
  assert.ok(shared > 500, `kafka-topics.sh took ${shared} classes from tools.jsa`);
  assert.equal(await toolClassesFromArchive(['-e', 'CDS_ARCHIVES=off']), 0, 'CDS_ARCHIVES=off turns it off');
});

test('docker compose down -v leaves no container, network or volume', async () => {
  await teardownCluster();
  const containers = await docker(['ps', '-a', '--filter', 'label=com.docker.compose.project=upbit-pipeline', '-q']);
  const volumes = await docker(['volume', 'ls', '--filter', 'label=com.docker.compose.project=upbit-pipeline', '-q']);
  const networks = await docker(['network', 'ls', '--filter', 'name=pipeline-network', '-q']);
  assert.equal(containers.stdout.trim(), '');
  assert.equal(volumes.stdout.trim(), '');
  assert.equal(networks.stdout.trim(), '');
});

/** Runs the cluster-up/compose-up step through the real engine and returns its result. */
async function composeUpStep(env: Record<string, string> = {}) {
  const runtime = createLabRuntime(await loadCourse(), { stateDir: tempDir('cluster-state'), pollIntervalMs: 500, terminalEnv: env });
  try {
    const started = Date.now();
    const state = await runtime.engine.run('cluster-up', 'compose-up');
    return { state, ms: Date.now() - started };
  } finally {
    await runtime.dispose();
  }
}

test('a host port already taken: the step fails naming the port and the fix', async (t) => {
  let holder: Server | undefined;
  t.after(() => holder?.close());
  holder = createServer();
  await new Promise<void>((resolve) => holder!.listen(29093, '127.0.0.1', resolve));
  const { state, ms } = await composeUpStep();
  assert.equal(state.status, 'failed');
  assert.match(state.result!.summary, /29093/);
  assert.match(state.result!.summary, /doctor/);
  assert.ok(ms < 120_000, `answered in ${ms} ms`);
  await teardownCluster();
});

test('the Docker engine not running: the step fails fast saying to start it', async () => {
  const dead = join(tempDir('dead-docker'), 'docker.sock');
  const previous = process.env['DOCKER_HOST'];
  process.env['DOCKER_HOST'] = `unix://${dead}`;
  try {
    const { state, ms } = await composeUpStep({ DOCKER_HOST: `unix://${dead}` });
    assert.equal(state.status, 'failed');
    assert.match(state.result!.summary, /Docker 엔진/);
    assert.ok(ms < 120_000, `answered in ${ms} ms`);
  } finally {
    if (previous === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = previous;
  }
});

test('a stale volume formatted with another CLUSTER_ID: named, with down -v as the fix', async () => {
  assert.equal((await compose(['up', '-d'])).code, 0);
  await waitForBrokers(3);
  assert.equal((await compose(['down'])).code, 0);
  const { state } = await composeUpStep({ CLUSTER_ID: 'AAAAAAAAAAAAAAAAAAAAAA' });
  assert.equal(state.status, 'failed');
  assert.match(state.result!.summary, /CLUSTER_ID/);
  assert.match(state.result!.summary, /down -v/);
  await teardownCluster();
});
