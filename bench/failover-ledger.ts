// Repeated failover runs: the failover lab's outage (stop kafka-2, then stop or kill kafka-3,
// start both, wait for ISR 3) played against a producer, then an independent read of the topic
// counted against what the producer says was acknowledged. Two producers can be measured in
// the same conditions: the lab's ledger producer, and Apache Kafka's own VerifiableProducer
// (acks=-1, 200 records/s) run in the kafka-cli container, as a reference for what the
// cluster itself guarantees. Used by `npm run bench` (stage failover-repeat) and by
// tests/integration/failover-repeat.test.ts.
//
//   node bench/failover-ledger.ts --runs 1 [--writer ledger|verifiable] [--second kill|stop] [--json out.json]
//
// It owns the cluster while it runs (starts it with compose up --wait, stops and starts
// brokers); take the Docker lock around it on a shared engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, WORKSPACE_DIR } from '../server/paths.ts';
import { withAdmin } from '../server/cluster-access.ts';
import { readTopic } from '../server/checks/records.ts';
import { compose, docker } from '../tests/helpers/cluster.ts';

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

async function partitions(topic: string) {
  return withAdmin(async (admin) => {
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

function startLedger(topic: string): Producer {
  const stateDir = mkdtempSync(join(tmpdir(), 'upbit-ledger-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'labs', 'clients', 'ledger-producer.ts'), '--topic', topic], {
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
function startVerifiable(topic: string, prefix: string): Producer {
  const name = `upbit-verifiable-${prefix}`;
  const child = spawn('docker', ['compose', '-f', join(WORKSPACE_DIR, 'docker-compose.yml'), '--profile', 'cli', 'run', '--rm', '-T', '--name', name, 'kafka-cli',
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
  return {
    acked: () => acked.size,
    async stop() {
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

async function ensureTopic(topic: string): Promise<void> {
  const { ensureTopic: create } = await import('../labs/clients/common.ts');
  await withAdmin((admin) => create(admin, topic));
}

/** One run of the outage against one producer. */
export async function failoverRun(writer: Writer, second: SecondStop, log: (line: string) => void = console.log): Promise<FailoverRun> {
  const started = Date.now();
  const phasesMs: Record<string, number> = {};
  const mark = (phase: string) => { phasesMs[phase] = Date.now() - started; log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${phase}`); };
  await must(compose(['-f', 'docker-compose.yml', 'up', '-d', '--wait'], {}, 240_000), 'compose up');
  await until('3 brokers registered', 180_000, async () => (await withAdmin((a) => a.describeCluster())).brokers.length === 3);
  const prefix = String(Date.now());
  const topic = writer === 'ledger' ? 'ledger' : `verifiable-${prefix}`;
  await ensureTopic(topic);
  await until('ISR 3 before the run', 120_000, async () => (await partitions(topic)).partitions.every((p) => p.isr.length === 3));
  mark('cluster ready');
  const producer = writer === 'ledger' ? startLedger(topic) : startVerifiable(topic, prefix);
  try {
    await until('producer acknowledged', 90_000, async () => producer.acked() > 0);
    await sleep(3000);
    mark('producing');
    await must(docker(['stop', 'kafka-2']), 'docker stop kafka-2');
    await until('leaders moved off kafka-2', 60_000, async () => {
      const now = await partitions(topic);
      return !now.brokers.includes(2) && now.partitions.every((p) => p.leader !== 2 && p.leader >= 0 && !p.isr.includes(2));
    });
    const beforeSecond = producer.acked();
    await until('writes continue on two brokers', 60_000, async () => producer.acked() > beforeSecond + 20);
    mark('kafka-2 stopped, writes continue');
    await must(docker([second, 'kafka-3']), `docker ${second} kafka-3`);
    await sleep(3000);
    const blockedAt = producer.acked();
    await sleep(10_000);
    mark(`kafka-3 ${second === 'kill' ? 'killed' : 'stopped'}, ${producer.acked() - blockedAt} acked in the 10 s after`);
    await must(docker(['start', 'kafka-2', 'kafka-3']), 'docker start kafka-2 kafka-3');
    await until('ISR 3 again', 180_000, async () => {
      const now = await partitions(topic);
      return now.brokers.length === 3 && now.partitions.length > 0 && now.partitions.every((p) => p.isr.length === 3);
    });
    const afterRestart = producer.acked();
    await until('writes resume after restart', 90_000, async () => producer.acked() > afterRestart + 20);
    mark('restarted, ISR 3, writes resume');
    await producer.stop();
    mark('producer stopped');
    const { acked, failed, lastError } = producer.result();
    const seen = new Map<string, number>();
    const reading = new AbortController();
    const timer = setTimeout(() => reading.abort(), 120_000);
    try {
      await readTopic(topic, reading.signal, (value) => {
        const id = producer.idOf(value);
        if (id !== null) seen.set(id, (seen.get(id) ?? 0) + 1);
      });
    } finally {
      clearTimeout(timer);
    }
    mark('topic read back');
    if (writer === 'verifiable') await withAdmin((admin) => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);
    const lost = [...acked].filter((id) => !seen.has(id)).length;
    const duplicated = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    return { writer, second, topic, acked: acked.size, consumed: seen.size, lost, duplicated, failed, lastError, durationMs: Date.now() - started, phasesMs };
  } finally {
    producer.dispose();
    // Leave the cluster whole for whoever comes next, even after a failure mid-run.
    await docker(['start', 'kafka-2', 'kafka-3']);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1' },
      writer: { type: 'string', default: 'ledger' },
      second: { type: 'string', default: 'kill' },
      json: { type: 'string' },
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
    const result = await failoverRun(writer, second);
    results.push(result);
    console.log(`RESULT ${JSON.stringify(result)}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}
