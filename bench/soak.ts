// `npm run soak -- starts N`: N cold starts of the chapter's cluster, the way a learner does
// them (`docker compose down -v`, `docker compose up -d`), each checked for a broker that died
// at start. A fault that shows once in thirty starts (issue 20: a broker's log cleaner OOM)
// hides from a test suite that starts the cluster a few times; this counts it instead.
// Figures go to bench/soak-results.json (one entry per --label, kept across runs) with the
// method, and a summary is printed. With --lock FILE every start runs in its own child
// process under `flock FILE`, so other users of the shared Docker engine interleave.
//
// Options: starts N (default 30) · --label NAME (default "current") · --lock FILE ·
// --compose-file PATH (default the chapter's compose file) · --settle SEC (default 15) ·
// --heap-every K (read heap with jcmd on start 1 and every K-th; 0 = never; default 10) ·
// --keep-up (leave the last cluster running; default is down -v after each start) ·
// --isolated (run a renamed copy of the compose file: project upbit-soak, containers
// soak-kafka-N, host ports 39092-39094, its own network and volumes, so the soak never
// touches the course's shared kafka-1..3 and needs no lock; settings are otherwise the same) ·
// --slot K (with --isolated: project upbit-soak-K, containers soak-K-kafka-N, ports 39092+10K,
// so two soaks, e.g. before and after a fix, can run side by side under the same load) ·
// --wait-limit SEC (how long to wait for 3 brokers; default 300) · --resume (add to the
// label's stored starts instead of replacing them) · --report (print the stored summaries).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import '../chapters/02-kafka/clients/quiet-kafkajs.ts';
import { REPO_ROOT, WORKSPACE_DIR } from '../server/paths.ts';
import { findOutOfMemory } from '../chapters/02-kafka/checks/start-faults.ts';

const run = promisify(execFile);
const RESULTS = join(REPO_ROOT, 'bench', 'soak-results.json');
const COURSE_BROKERS = ['kafka-1', 'kafka-2', 'kafka-3'];
const COURSE_PORTS = [29092, 29093, 29094];
const isolatedPorts = (slot: number) => [39092, 39093, 39094].map((p) => p + 10 * slot);

interface Options {
  starts: number;
  label: string;
  lock: string | null;
  composeFile: string;
  settleSec: number;
  heapEvery: number;
  keepUp: boolean;
  isolated: boolean;
  slot: number;
  waitLimitSec: number;
  resume: boolean;
  report: boolean;
}

/** Container names, bootstrap addresses and compose project the soak drives. */
interface Target {
  composeFile: string;
  project: string;
  brokers: string[];
  bootstrap: string[];
}

interface BrokerSample {
  name: string;
  running: boolean;
  exitCode: number | null;
  oom: boolean;
  /** Resident set of the broker JVM (pid 1 in its container), from /proc/1/status. */
  rssMiB: number | null;
  /** The container's memory use as `docker stats` shows it (cgroup, includes page cache). */
  cgroupMiB: number | null;
  /** From `jcmd 1 GC.heap_info` on sampled starts: used and committed G1 heap. */
  heapUsedMiB?: number | null;
  heapCommittedMiB?: number | null;
  tail?: string;
}

interface StartResult {
  index: number;
  at: string;
  /** No broker stopped and none logged an OutOfMemoryError (a slow start is not a crash). */
  ok: boolean;
  /** The 3 brokers did not register within the wait limit (the machine was slow). */
  timedOut?: boolean;
  /** `docker compose up -d` invoked → kafkajs describeCluster lists 3 brokers; null if never. */
  toThreeBrokersMs: number | null;
  upReturnedMs: number;
  crashed: string[];
  brokers: BrokerSample[];
  error?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { starts: 30, label: 'current', lock: null, composeFile: join(WORKSPACE_DIR, 'docker-compose.yml'), settleSec: 15, heapEvery: 10, keepUp: false, isolated: false, slot: 0, waitLimitSec: 300, resume: false, report: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    if (arg === 'starts') options.starts = Number.parseInt(next(), 10);
    else if (arg === '--label') options.label = next();
    else if (arg === '--lock') options.lock = next();
    else if (arg === '--compose-file') options.composeFile = next();
    else if (arg === '--settle') options.settleSec = Number.parseInt(next(), 10);
    else if (arg === '--heap-every') options.heapEvery = Number.parseInt(next(), 10);
    else if (arg === '--keep-up') options.keepUp = true;
    else if (arg === '--isolated') options.isolated = true;
    else if (arg === '--slot') options.slot = Number.parseInt(next(), 10);
    else if (arg === '--wait-limit') options.waitLimitSec = Number.parseInt(next(), 10);
    else if (arg === '--resume') options.resume = true;
    else if (arg === '--report') options.report = true;
    else if (arg === '--child-start') next(); // the start's number, read in main
    else throw new Error(`unknown argument: ${arg}`);
  }
  if (!Number.isInteger(options.starts) || options.starts < 1) throw new Error('starts N needs a positive whole number');
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function compose(composeFile: string, ...args: string[]): Promise<void> {
  await run('docker', ['compose', '-f', composeFile, ...args], { cwd: dirname(composeFile), maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
}

async function docker(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return stdout + stderr;
}

async function teardown(target: Target): Promise<void> {
  // `docker compose run` leftovers of an interrupted holder would keep the network busy.
  const oneOff = await docker('ps', '-aq', '--filter', `label=com.docker.compose.project=${target.project}`, '--filter', 'label=com.docker.compose.oneoff=True').catch(() => '');
  const ids = oneOff.split('\n').filter(Boolean);
  if (ids.length > 0) await docker('rm', '-f', ...ids).catch(() => '');
  await compose(target.composeFile, 'down', '-v', '--remove-orphans');
}

type RenderedCompose = {
  name: string;
  services: Record<string, {
    image?: string;
    container_name?: string;
    environment?: Record<string, string>;
    ports?: Array<{ published?: string; target?: number }>;
    deploy?: { resources?: { limits?: { memory?: string | number } } };
  }>;
  networks?: Record<string, { name?: string }>;
  volumes?: Record<string, { name?: string }>;
  [extension: `x-${string}`]: unknown;
};

async function renderCompose(composeFile: string): Promise<RenderedCompose> {
  // compose's own rendering: anchors merged, .env applied, exactly what `up` would run.
  const { stdout } = await run('docker', ['compose', '-f', composeFile, 'config', '--format', 'json'], { cwd: dirname(composeFile) });
  return JSON.parse(stdout) as RenderedCompose;
}

/** The course's cluster, or (--isolated) a renamed copy of it that shares nothing with it. */
async function makeTarget(options: Options): Promise<Target> {
  if (!options.isolated) {
    return { composeFile: options.composeFile, project: 'upbit-pipeline', brokers: COURSE_BROKERS, bootstrap: COURSE_PORTS.map((p) => `localhost:${p}`) };
  }
  const config = await renderCompose(options.composeFile);
  const project = options.slot === 0 ? 'upbit-soak' : `upbit-soak-${options.slot}`;
  const prefix = options.slot === 0 ? 'soak-' : `soak-${options.slot}-`;
  const ports = isolatedPorts(options.slot);
  config.name = project;
  for (const key of Object.keys(config)) if (key.startsWith('x-')) delete config[key as `x-${string}`];
  config.networks = Object.fromEntries(Object.keys(config.networks ?? {}).map((key) => [key, { name: `${project}-network` }]));
  config.volumes = Object.fromEntries(Object.keys(config.volumes ?? {}).map((key) => [key, { name: `${project}_${key}` }]));
  COURSE_BROKERS.forEach((name, i) => {
    const service = config.services[name];
    if (!service) throw new Error(`${options.composeFile} has no service ${name}`);
    service.container_name = `${prefix}${name}`;
    for (const port of service.ports ?? []) if (port.published === String(COURSE_PORTS[i])) port.published = String(ports[i]);
    const env = service.environment ?? {};
    if (env['KAFKA_ADVERTISED_LISTENERS']) env['KAFKA_ADVERTISED_LISTENERS'] = env['KAFKA_ADVERTISED_LISTENERS'].replace(`localhost:${COURSE_PORTS[i]}`, `localhost:${ports[i]}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'upbit-soak-'));
  const file = join(dir, 'docker-compose.yml');
  // JSON is YAML, so compose reads the rendered file back as it is.
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { composeFile: file, project, brokers: COURSE_BROKERS.map((n) => `${prefix}${n}`), bootstrap: ports.map((p) => `localhost:${p}`) };
}

async function inspect(name: string): Promise<{ running: boolean; exitCode: number | null }> {
  try {
    const out = await docker('inspect', '-f', '{{.State.Running}} {{.State.ExitCode}}', name);
    const [running, code] = out.trim().split(' ');
    return { running: running === 'true', exitCode: code === undefined ? null : Number(code) };
  } catch {
    return { running: false, exitCode: null };
  }
}

async function countBrokers(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const MIB = 1024 * 1024;

function parseSize(text: string): number | null {
  const match = /([\d.]+)\s*([KMG]i?B|B)/.exec(text);
  if (!match) return null;
  const factor: Record<string, number> = { B: 1 / MIB, KiB: 1 / 1024, KB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
  return Math.round(Number(match[1]) * (factor[match[2]!] ?? Number.NaN) * 10) / 10;
}

async function sampleBroker(name: string, withHeap: boolean, stats: Map<string, number | null>): Promise<BrokerSample> {
  const state = await inspect(name);
  const logs = await docker('logs', '--tail', '400', name).catch(() => '');
  const sample: BrokerSample = { name, running: state.running, exitCode: state.exitCode, oom: findOutOfMemory(logs) !== null, rssMiB: null, cgroupMiB: stats.get(name) ?? null };
  if (!state.running || sample.oom) sample.tail = logs.split('\n').filter(Boolean).slice(-12).join('\n');
  if (!state.running) return sample;
  const status = await docker('exec', name, 'cat', '/proc/1/status').catch(() => '');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  sample.rssMiB = rss ? Math.round(Number(rss[1]) / 1024) : null;
  if (withHeap) {
    // The JRE has no jcmd launcher, but its jdk.jcmd module runs with `java -m`; a 32 MiB
    // tool heap keeps the probe from crowding the broker it measures.
    const info = await docker('exec', name, 'java', '-Xmx32m', '-XX:TieredStopAtLevel=1', '-m', 'jdk.jcmd/sun.tools.jcmd.JCmd', '1', 'GC.heap_info').catch(() => '');
    const heap = /total (\d+)K, used (\d+)K/.exec(info);
    sample.heapCommittedMiB = heap ? Math.round(Number(heap[1]) / 1024) : null;
    sample.heapUsedMiB = heap ? Math.round(Number(heap[2]) / 1024) : null;
  }
  return sample;
}

/** One cold start, the way the chapter does it. Leaves the cluster down unless keepUp. */
async function coldStart(options: Options, target: Target, index: number): Promise<StartResult> {
  const at = new Date().toISOString();
  await teardown(target);
  const kafka = new Kafka({ clientId: 'soak', brokers: target.bootstrap, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 2000 });
  const started = Date.now();
  let upReturnedMs = 0;
  let toThreeBrokersMs: number | null = null;
  let error: string | undefined;
  try {
    await compose(target.composeFile, 'up', '-d');
    upReturnedMs = Date.now() - started;
    while (Date.now() - started < options.waitLimitSec * 1000) {
      if ((await countBrokers(kafka)) >= 3) {
        toThreeBrokersMs = Date.now() - started;
        break;
      }
      // A broker that already exited will not register; stop waiting and record it.
      const states = await Promise.all(target.brokers.map(inspect));
      if (states.some((s) => !s.running)) break;
      await sleep(250);
    }
    if (toThreeBrokersMs === null) error = 'three brokers never registered';
    // The issue's rule: 15 s more, since a broker can die after the others registered.
    await sleep(options.settleSec * 1000);
  } catch (failure) {
    error = failure instanceof Error ? failure.message.split('\n')[0] : String(failure);
  }
  const statsText = await docker('stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...target.brokers).catch(() => '');
  const stats = new Map<string, number | null>(statsText.split('\n').filter(Boolean).map((line) => {
    const [name, ...rest] = line.split(' ');
    return [name ?? '', parseSize(rest.join(' ').split('/')[0] ?? '')];
  }));
  const withHeap = options.heapEvery > 0 && (index === 1 || index % options.heapEvery === 0);
  const brokers: BrokerSample[] = [];
  for (const name of target.brokers) brokers.push(await sampleBroker(name, withHeap, stats));
  const crashed = brokers.filter((b) => !b.running || b.oom).map((b) => b.name);
  if (!options.keepUp) await teardown(target).catch(() => undefined);
  const result: StartResult = { index, at, ok: crashed.length === 0, toThreeBrokersMs, upReturnedMs, crashed, brokers };
  if (toThreeBrokersMs === null && crashed.length === 0) result.timedOut = true;
  if (error) result.error = error;
  return result;
}

/** Runs one start in a child process holding `flock`, so the lock is per start. */
function lockedStart(options: Options, index: number): Promise<StartResult> {
  const self = fileURLToPath(import.meta.url);
  const args = [options.lock!, process.execPath, self, '--child-start', String(index), 'starts', '1', '--compose-file', options.composeFile, '--settle', String(options.settleSec), '--heap-every', String(options.heapEvery), '--wait-limit', String(options.waitLimitSec)];
  if (options.keepUp) args.push('--keep-up');
  if (options.isolated) args.push('--isolated', '--slot', String(options.slot));
  return new Promise((resolve, reject) => {
    const child = spawn('flock', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as StartResult);
      } catch {
        reject(new Error(`start ${index} under flock exited ${code} without a result`));
      }
    });
  });
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

function summarize(runs: StartResult[]) {
  const times = runs.map((r) => r.toThreeBrokersMs).filter((t): t is number => t !== null).sort((a, b) => a - b);
  // Memory is read 15 s after the brokers registered; a start still under way says nothing.
  const values = (pick: (b: BrokerSample) => number | null | undefined) =>
    runs.filter((r) => r.toThreeBrokersMs !== null).flatMap((r) => r.brokers.map(pick)).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const rss = values((b) => b.rssMiB);
  const cgroup = values((b) => b.cgroupMiB);
  const heapUsed = values((b) => b.heapUsedMiB);
  const heapCommitted = values((b) => b.heapCommittedMiB);
  // Older records had no timedOut flag; a start is a crash only if a broker stopped or logged OOM.
  const crashed = runs.filter((r) => r.crashed.length > 0);
  return {
    starts: runs.length,
    crashedStarts: crashed.length,
    oomStarts: runs.filter((r) => r.brokers.some((b) => b.oom)).length,
    timedOutStarts: runs.filter((r) => r.crashed.length === 0 && r.toThreeBrokersMs === null).length,
    toThreeBrokersMs: { median: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? null },
    brokerRssMiB: { median: percentile(rss, 50), max: rss.at(-1) ?? null },
    brokerCgroupMiB: { median: percentile(cgroup, 50), max: cgroup.at(-1) ?? null },
    heapUsedMiB: { median: percentile(heapUsed, 50), max: heapUsed.at(-1) ?? null, samples: heapUsed.length },
    heapCommittedMiB: { median: percentile(heapCommitted, 50), max: heapCommitted.at(-1) ?? null },
  };
}

async function composeSettings(composeFile: string): Promise<Record<string, string>> {
  // What the brokers actually ran with, read back from compose's own rendering of the file.
  const config = await renderCompose(composeFile);
  const broker = config.services['kafka-1'];
  const env = broker?.environment ?? {};
  return {
    image: broker?.image ?? '',
    KAFKA_HEAP_OPTS: env['KAFKA_HEAP_OPTS'] ?? '(unset)',
    KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE: env['KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE'] ?? '(Kafka default, 134217728)',
    memoryLimit: String(broker?.deploy?.resources?.limits?.memory ?? ''),
  };
}

interface StoredSoak {
  began: string;
  finished: string | null;
  settings: Record<string, string>;
  method: string;
  summary: ReturnType<typeof summarize>;
  runs: StartResult[];
}

function load(): Record<string, StoredSoak> {
  return existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, StoredSoak>) : {};
}

function save(label: string, entry: StoredSoak): void {
  // Re-read right before writing: two soaks (--slot) may share the file.
  const all = load();
  all[label] = entry;
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

function describe(label: string, summary: ReturnType<typeof summarize>): string {
  const s = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
  return `${label}: crashed ${summary.crashedStarts}/${summary.starts} (OutOfMemoryError in ${summary.oomStarts}; ${summary.timedOutStarts} slow starts past the wait limit, not crashes), time to 3 brokers median ${s(summary.toThreeBrokersMs.median)}, p95 ${s(summary.toThreeBrokersMs.p95)}; broker RSS median ${summary.brokerRssMiB.median} MiB (max ${summary.brokerRssMiB.max}); heap used median ${summary.heapUsedMiB.median} MiB of ${summary.heapCommittedMiB.median} committed (${summary.heapUsedMiB.samples} samples)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const childIndex = argv.indexOf('--child-start');
  const options = parseOptions(argv);
  if (options.report) {
    for (const [label, stored] of Object.entries(load())) console.log(describe(label, summarize(stored.runs)));
    return;
  }
  if (childIndex >= 0) {
    // Child of lockedStart: one start, its result as the last stdout line.
    const result = await coldStart(options, await makeTarget(options), Number(argv[childIndex + 1]));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const settings = await composeSettings(options.composeFile);
  const target = await makeTarget(options);
  const method = `Cold starts. Each: remove leftover one-off containers, docker compose down -v --remove-orphans, then time from \`docker compose up -d\` until kafkajs describeCluster (host listeners) lists 3 brokers (polled every 250 ms, limit ${options.waitLimitSec} s, stops early if a broker container exited); wait ${options.settleSec} s more; a start counts as crashed if any broker container is not running or its last 400 log lines contain OutOfMemoryError. RSS = VmRSS of the broker JVM (pid 1) from /proc/1/status; cgroup = docker stats MemUsage; heap = jcmd GC.heap_info (used includes garbage not yet collected) on start 1 and every ${options.heapEvery}th.${options.lock ? ` Each start held flock ${options.lock} on its own.` : ''}${options.keepUp ? '' : ' down -v after each start.'}${options.isolated ? ` Isolated copy: compose project ${target.project}, containers ${target.brokers.join(', ')}, host ports ${target.bootstrap.map((b) => b.split(':')[1]).join(', ')}, own network and volumes; image, environment, memory limits unchanged.` : ''}`;
  const previous = options.resume ? load()[options.label] : undefined;
  const runs: StartResult[] = previous ? [...previous.runs] : [];
  const began = previous?.began ?? new Date().toISOString();
  const first = runs.length + 1;
  console.log(`soak "${options.label}": ${options.starts} cold starts with ${JSON.stringify(settings)}`);
  for (let index = first; index < first + options.starts; index++) {
    const result = options.lock ? await lockedStart(options, index) : await coldStart(options, target, index);
    runs.push(result);
    const rss = result.brokers.map((b) => (b.rssMiB === null ? '-' : `${b.rssMiB}`)).join('/');
    const heap = result.brokers.some((b) => b.heapUsedMiB !== undefined) ? ` heap used ${result.brokers.map((b) => b.heapUsedMiB ?? '-').join('/')} MiB` : '';
    console.log(`  ${index}/${first + options.starts - 1} ${result.ok ? (result.timedOut ? 'slow   ' : 'ok     ') : 'CRASHED'} 3 brokers ${result.toThreeBrokersMs === null ? 'never' : `${(result.toThreeBrokersMs / 1000).toFixed(1)} s`} RSS ${rss} MiB${heap}${result.crashed.length ? ` crashed: ${result.crashed.join(', ')}${result.brokers.some((b) => b.oom) ? ' (OutOfMemoryError)' : ''}` : ''}${result.error ? ` [${result.error}]` : ''}`);
    save(options.label, { began, finished: null, settings, method, summary: summarize(runs), runs });
  }
  const summary = summarize(runs);
  save(options.label, { began, finished: new Date().toISOString(), settings, method, summary, runs });
  console.log(`\n${describe(options.label, summary)}`);
  console.log(`결과: ${RESULTS}`);
  if (summary.crashedStarts > 0) process.exitCode = 1;
}

await main();
