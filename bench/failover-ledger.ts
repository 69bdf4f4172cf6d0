// Repeated failover runs: the failover lab's outage (stop kafka-2, then stop or kill kafka-3,
// start both, wait for ISR 3) played against a producer, then an independent read of the topic
// counted against what the producer says was acknowledged. Two producers can be measured in
// the same conditions: the lab's ledger producer, and Apache Kafka's own VerifiableProducer
// (acks=-1, 200 records/s) run in the kafka-cli container, as a reference for what the
// cluster itself guarantees. Used by `npm run bench` (stage failover-repeat) and by
// tests/integration/failover-repeat.test.ts.
//
//   node bench/failover-ledger.ts --runs 1 [--writer ledger|verifiable] [--second kill|stop]
//        [--private] [--json out.json]
//
// It owns the cluster while it runs (starts it with compose up --wait, stops and starts
// brokers); take the Docker lock around it on a shared engine. --private runs the same compose
// file under another project, container names (ledger-kafka-N) and host ports (39292-39294),
// so it neither needs nor disturbs the course's cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import '../chapters/02-kafka/clients/quiet-kafkajs.ts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { REPO_ROOT, WORKSPACE_DIR } from '../server/paths.ts';
import { docker } from '../tests/helpers/cluster.ts';

/** Where the outage is played: the course's cluster, or a private copy of it. */
export interface Target {
  composeFile: string;
  containers: [string, string, string];
  bootstrap: string[];
}

export const COURSE_CLUSTER: Target = {
  composeFile: join(WORKSPACE_DIR, 'docker-compose.yml'),
  containers: ['kafka-1', 'kafka-2', 'kafka-3'],
  bootstrap: ['localhost:29092', 'localhost:29093', 'localhost:29094'],
};

/**
 * Chapter 2's compose file with its names and host ports moved aside (project upbit-ledger).
 * The chapter's own file, not compose/docker-compose.yml: that one only include:s it.
 */
export function privateCluster(): Target {
  const dir = join(tmpdir(), 'upbit-ledger-cluster');
  mkdirSync(dir, { recursive: true });
  let text = readFileSync(join(REPO_ROOT, 'chapters', '02-kafka', 'compose.yml'), 'utf8')
    .replace(/^name: upbit-pipeline$/m, 'name: upbit-ledger')
    .replace(/name: pipeline-network$/m, 'name: upbit-ledger-network')
    .replace(/container_name: kafka-ui/, 'container_name: ledger-kafka-ui');
  for (const n of [1, 2, 3]) {
    text = text
      .replace(`container_name: kafka-${n}`, `container_name: ledger-kafka-${n}`)
      .replace(`"127.0.0.1:2909${n + 1}:2909${n + 1}"`, `"127.0.0.1:3929${n + 1}:2909${n + 1}"`)
      .replace(`EXTERNAL://localhost:2909${n + 1}`, `EXTERNAL://localhost:3929${n + 1}`);
  }
  writeFileSync(join(dir, 'docker-compose.yml'), text);
  const env = join(WORKSPACE_DIR, '.env');
  if (existsSync(env)) copyFileSync(env, join(dir, '.env'));
  return { composeFile: join(dir, 'docker-compose.yml'), containers: ['ledger-kafka-1', 'ledger-kafka-2', 'ledger-kafka-3'], bootstrap: ['localhost:39292', 'localhost:39293', 'localhost:39294'] };
}

async function compose(target: Target, args: string[], timeoutMs: number) {
  return docker(['compose', '-f', target.composeFile, ...args], undefined, timeoutMs);
}

function client(target: Target): Kafka {
  return new Kafka({ clientId: 'failover-bench', brokers: target.bootstrap, logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 8000, retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 } });
}

async function withAdmin<T>(target: Target, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = client(target).admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Reads the topic from the beginning to its current end (read_committed, kafkajs's default). */
async function readTopic(target: Target, topic: string, withinMs: number, onRecord: (value: string) => void): Promise<void> {
  const ends = await withAdmin(target, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  if (remaining.size === 0) return;
  const groupId = `failover-bench-${randomUUID()}`;
  const consumer = client(target).consumer({ groupId, sessionTimeout: 10000 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} took over ${withinMs / 1000} s`)), withinMs);
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          onRecord(message.value?.toString() ?? '');
          const end = remaining.get(partition);
          if (end !== undefined && Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await withAdmin(target, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}

export type Writer = 'ledger' | 'verifiable';
export type SecondStop = 'kill' | 'stop';

export interface FailoverRun {
  writer: Writer;
  second: SecondStop;
  topic: string;
  acked: number;
  consumed: number;
  lost: number;
  duplicated: number;
  /** Send attempts the producer reported as failed (ledger) or records it reported as failed (verifiable). */
  failed: number;
  lastError: string | null;
  durationMs: number;
  phasesMs: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function must(result: Promise<{ code: number; stderr: string; stdout: string }>, what: string): Promise<string> {
  const { code, stderr, stdout } = await result;
  if (code !== 0) throw new Error(`${what} failed (${code}): ${stderr.trim() || stdout.trim()}`);
  return stdout;
}

async function until<T>(what: string, withinMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs / 1000} s${last ? ` (${(last as Error).message})` : ''}`);
    await sleep(500);
  }
}

async function partitions(target: Target, topic: string) {
  return withAdmin(target, async (admin) => {
    const cluster = await admin.describeCluster();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return { brokers: cluster.brokers.map((b) => b.nodeId), partitions: meta.topics[0]?.partitions ?? [] };
  });
}

/** A producer under test: started before the outage, stopped after it, then asked what it had acknowledged. */
interface Producer {
  /** Acknowledged so far (for progress waits). */
  acked(): number;
  stop(): Promise<void>;
  /** Acknowledged record ids and the producer's own failure count, read after stop(). */
  result(): { acked: Set<string>; failed: number; lastError: string | null };
  /** Extracts the record id from a stored value, or null for records of other runs. */
  idOf(value: string): string | null;
  dispose(): void;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function startLedger(target: Target, topic: string): Producer {
  const stateDir = mkdtempSync(join(tmpdir(), 'upbit-ledger-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'chapters', '02-kafka', 'clients', 'ledger-producer.ts'), '--topic', topic, '--bootstrap', target.bootstrap.join(',')], {
    env: { ...process.env, UPBIT_LAB_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const readStatus = () => {
    try {
      return JSON.parse(readFileSync(join(stateDir, 'ledger', 'status.json'), 'utf8')) as { runId: string; acked: number; failedAttempts: number; lastError: string | null; final: boolean };
    } catch {
      return null;
    }
  };
  let runId = '';
  return {
    acked: () => readStatus()?.acked ?? 0,
    async stop() {
      child.kill('SIGINT');
      const gone = await Promise.race([exited(child).then(() => true), sleep(60_000).then(() => false)]);
      if (!gone) {
        child.kill('SIGKILL');
        throw new Error(`ledger producer did not stop within 60 s:\n${output.slice(-2000)}`);
      }
    },
    result() {
      const status = readStatus();
      if (!status?.final) throw new Error(`ledger producer did not write its final status:\n${output.slice(-2000)}`);
      runId = status.runId;
      const lines = readFileSync(join(stateDir, 'ledger', 'acked.log'), 'utf8').split('\n');
      return { acked: new Set(lines.slice(1).filter(Boolean)), failed: status.failedAttempts, lastError: status.lastError };
    },
    idOf(value) {
      try {
        const record = JSON.parse(value) as { runId?: string; seq?: number };
        return record.runId === runId && typeof record.seq === 'number' ? String(record.seq) : null;
      } catch {
        return null;
      }
    },
    dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Apache Kafka's VerifiableProducer in the kafka-cli container: it prints one JSON line per
 * record, producer_send_success or producer_send_error, so what it was told is exact.
 * Runs until stopped; `docker stop` sends SIGTERM to the JVM (PID 1), whose shutdown hook
 * closes the producer (waiting for in-flight records) and prints its summary.
 */
function startVerifiable(target: Target, topic: string, prefix: string): Producer {
  const name = `upbit-verifiable-${prefix}`;
  const child = spawn('docker', ['compose', '-f', target.composeFile, '--profile', 'cli', 'run', '--rm', '-T', '--name', name, 'kafka-cli',
    'kafka-run-class.sh', 'org.apache.kafka.tools.VerifiableProducer',
    '--bootstrap-server', 'kafka-1:9092,kafka-2:9092,kafka-3:9092', '--topic', topic,
    '--acks', '-1', '--throughput', '200', '--value-prefix', prefix], { cwd: WORKSPACE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked = new Set<string>();
  let failed = 0;
  let lastError: string | null = null;
  let partial = '';
  let errors = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const event = JSON.parse(line) as { name?: string; value?: string; exception?: string; message?: string };
        if (event.name === 'producer_send_success' && event.value) acked.add(event.value);
        if (event.name === 'producer_send_error') {
          failed++;
          lastError = event.exception ?? event.message ?? 'error';
        }
      } catch {
        // A log line that happens to start with '{': not an event.
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => { errors = (errors + chunk.toString()).slice(-4000); });
  let stopping = false;
  return {
    acked: () => {
      // An exit before stop() is a failure to start (bad argument, no image): say why at once.
      if (!stopping && child.exitCode !== null) throw new Error(`VerifiableProducer exited with ${child.exitCode}: ${errors.trim().slice(-1000)}`);
      return acked.size;
    },
    async stop() {
      stopping = true;
      await docker(['stop', '-t', '60', name], undefined, 90_000);
      const gone = await Promise.race([exited(child).then(() => true), sleep(30_000).then(() => false)]);
      if (!gone) {
        child.kill('SIGKILL');
        throw new Error(`VerifiableProducer did not stop: ${errors}`);
      }
    },
    result: () => ({ acked, failed, lastError }),
    idOf: (value) => (value.startsWith(`${prefix}.`) ? value : null),
    dispose() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      void docker(['rm', '-f', name]);
    },
  };
}

async function ensureTopic(target: Target, topic: string): Promise<void> {
  const { ensureTopic: create } = await import('../chapters/02-kafka/clients/common.ts');
  await withAdmin(target, (admin) => create(admin, topic));
}

/** One run of the outage against one producer. */
export async function failoverRun(writer: Writer, second: SecondStop, log: (line: string) => void = console.log, target: Target = COURSE_CLUSTER): Promise<FailoverRun> {
  const [, brokerTwo, brokerThree] = target.containers;
  const started = Date.now();
  const phasesMs: Record<string, number> = {};
  const mark = (phase: string) => { phasesMs[phase] = Date.now() - started; log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${phase}`); };
  await must(compose(target, ['up', '-d', '--wait'], 600_000), 'compose up');
  await until('3 brokers registered', 300_000, async () => (await withAdmin(target, (a) => a.describeCluster())).brokers.length === 3);
  // VerifiableProducer parses --value-prefix as a 32-bit integer: seconds since the epoch fit.
  const prefix = String(Math.floor(Date.now() / 1000));
  const topic = writer === 'ledger' ? 'ledger' : `verifiable-${prefix}`;
  await ensureTopic(target, topic);
  await until('ISR 3 before the run', 120_000, async () => (await partitions(target, topic)).partitions.every((p) => p.isr.length === 3));
  mark('cluster ready');
  const producer = writer === 'ledger' ? startLedger(target, topic) : startVerifiable(target, topic, prefix);
  try {
    await until('producer acknowledged', 400_000, async () => producer.acked() > 0);
    await sleep(3000);
    mark('producing');
    await must(docker(['stop', brokerTwo]), `docker stop ${brokerTwo}`);
    await until('leaders moved off kafka-2', 60_000, async () => {
      const now = await partitions(target, topic);
      return !now.brokers.includes(2) && now.partitions.every((p) => p.leader !== 2 && p.leader >= 0 && !p.isr.includes(2));
    });
    const beforeSecond = producer.acked();
    await until('writes continue on two brokers', 60_000, async () => producer.acked() > beforeSecond + 20);
    mark('kafka-2 stopped, writes continue');
    await must(docker([second, brokerThree]), `docker ${second} ${brokerThree}`);
    await sleep(3000);
    const blockedAt = producer.acked();
    await sleep(10_000);
    mark(`kafka-3 ${second === 'kill' ? 'killed' : 'stopped'}, ${producer.acked() - blockedAt} acked in the 10 s after`);
    await must(docker(['start', brokerTwo, brokerThree]), `docker start ${brokerTwo} ${brokerThree}`);
    await until('ISR 3 again', 480_000, async () => {
      const now = await partitions(target, topic);
      return now.brokers.length === 3 && now.partitions.length > 0 && now.partitions.every((p) => p.isr.length === 3);
    });
    const afterRestart = producer.acked();
    await until('writes resume after restart', 90_000, async () => producer.acked() > afterRestart + 20);
    mark('restarted, ISR 3, writes resume');
    await producer.stop();
    mark('producer stopped');
    const { acked, failed, lastError } = producer.result();
    const seen = new Map<string, number>();
    await readTopic(target, topic, 300_000, (value) => {
      const id = producer.idOf(value);
      if (id !== null) seen.set(id, (seen.get(id) ?? 0) + 1);
    });
    mark('topic read back');
    if (writer === 'verifiable') await withAdmin(target, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);
    const lost = [...acked].filter((id) => !seen.has(id)).length;
    const duplicated = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    return { writer, second, topic, acked: acked.size, consumed: seen.size, lost, duplicated, failed, lastError, durationMs: Date.now() - started, phasesMs };
  } finally {
    producer.dispose();
    // Leave the cluster whole for whoever comes next, even after a failure mid-run.
    await docker(['start', brokerTwo, brokerThree]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      writer: { type: 'string', default: 'ledger' },
      second: { type: 'string', default: 'kill' },
      json: { type: 'string' },
      private: { type: 'boolean', default: false },
    },
  });
  const writer = values.writer as Writer;
  const second = values.second as SecondStop;
  if (!['ledger', 'verifiable'].includes(writer) || !['kill', 'stop'].includes(second)) {
    console.error('--writer ledger|verifiable, --second kill|stop');
    process.exit(2);
  }
  const results: FailoverRun[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    console.log(`run ${i + 1}/${values.runs}: ${writer}, second broker ${second}`);
    const result = await failoverRun(writer, second, console.log, values.private ? privateCluster() : COURSE_CLUSTER);
    results.push(result);
    console.log(`RESULT ${JSON.stringify(result)}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
