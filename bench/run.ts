// `npm run bench`: the course's performance figures, measured on this machine against the real
// cluster and lab server, written to bench/results.json with the method behind each number.
// `npm run bench -- <stage> ...` runs only those stages and replaces only their figures in the
// file; every stage records when it ran and the load average then (figures need a quiet machine).
// Not part of `npm test`: it takes the cluster down and up and runs every lab (about 10 min),
// plus repeated failovers of the ledger and of Kafka's VerifiableProducer (BENCH_FAILOVER_RUNS,
// default 5 each, about 15 min more).
// It owns the cluster for its duration and leaves it DOWN (the last lab run tears it down).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import * as pty from 'node-pty';
import { Kafka, logLevel } from 'kafkajs';
import '../chapters/02-kafka/clients/quiet-kafkajs.ts';
import { kafkaChapter } from '../chapters/02-kafka/chapter.ts';
import { kafkaEndpoints } from '../chapters/02-kafka/kafka-access.ts';
import { cookieName } from '../server/door/guard.ts';
import { WebSocket } from 'ws';
import { decodeTerminalFrame, encodeTerminalFrame, SUBPROTOCOL, type ServerMessage } from '../server/wire.ts';
import { launchBrowser, REPO_ROOT, sleep, startLabServer, type LabServer } from '../tools/harness.ts';
import { failoverRun, type FailoverRun, type Writer } from './failover-ledger.ts';

const run = promisify(execFile);
const COMPOSE_DIR = join(REPO_ROOT, 'compose');
const KAFKA = kafkaEndpoints(kafkaChapter);
const DIST = join(REPO_ROOT, 'dist');
const RESULTS = join(REPO_ROOT, 'bench', 'results.json');
const LAB_CLI = join(REPO_ROOT, 'server', 'cli', 'lab.ts');
const encoder = new TextEncoder();

interface Figure {
  name: string;
  value: number | null;
  unit: string;
  method: string;
  extra?: Record<string, number | string | null>;
  error?: string;
}

const figures: Figure[] = [];

function record(figure: Figure): void {
  figures.push(figure);
  const value = figure.value === null ? 'n/a' : `${Math.round(figure.value * 100) / 100} ${figure.unit}`;
  console.log(`  ${figure.name}: ${value}${figure.error ? ` (오류: ${figure.error})` : ''}`);
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function compose(...args: string[]): Promise<void> {
  await run('docker', ['compose', ...args], { cwd: COMPOSE_DIR, maxBuffer: 16 * 1024 * 1024 });
}

// ---- 1. cluster cold start -------------------------------------------------------------

async function clusterColdStart(): Promise<void> {
  console.log('클러스터 콜드 스타트 (down -v → up -d → 3 brokers registered + "Kafka Server started" ×3)...');
  await compose('down', '-v');
  const kafka = new Kafka({ clientId: 'bench', brokers: [...KAFKA.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000, requestTimeout: 2000 });
  const started = Date.now();
  await compose('up', '-d');
  const upReturned = Date.now() - started;
  let registeredAt: number | null = null;
  let logsAt: number | null = null;
  const deadline = started + 180_000;
  while (Date.now() < deadline && (registeredAt === null || logsAt === null)) {
    if (registeredAt === null) {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 3) registeredAt = Date.now() - started;
      } catch {
        // Not reachable yet: keep polling.
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    if (logsAt === null) {
      const logs = await Promise.all([1, 2, 3].map((n) => run('docker', ['logs', `kafka-${n}`], { maxBuffer: 64 * 1024 * 1024 }).then((r) => r.stdout + r.stderr, () => '')));
      if (logs.every((text) => text.includes('Kafka Server started'))) logsAt = Date.now() - started;
    }
    await sleep(250);
  }
  const ready = registeredAt !== null && logsAt !== null ? Math.max(registeredAt, logsAt) : null;
  record({
    name: 'cluster cold start to ready',
    value: ready,
    unit: 'ms',
    method: 'docker compose down -v, then time from `docker compose up -d` until kafkajs describeCluster lists 3 brokers AND all 3 `docker logs` contain "Kafka Server started" (polled every 250 ms)',
    extra: { upReturnedMs: upReturned, brokersRegisteredMs: registeredAt, serverStartedLogsMs: logsAt },
    ...(ready === null ? { error: 'not ready within 180 s' } : {}),
  });
}

// ---- 2./3. WebSocket latency and throughput --------------------------------------------

/** A page-like client: one socket, at most one attached terminal, acks what it receives. */
class BenchSocket {
  readonly ws: WebSocket;
  slot = -1;
  received = 0;
  #pendingAck = 0;
  #listeners = new Set<(payload: Uint8Array) => void>();

  constructor(server: LabServer) {
    const origin = new URL(server.baseUrl).origin;
    this.ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, SUBPROTOCOL, { headers: { Origin: origin, Cookie: `${cookieName(Number(new URL(origin).port))}=${server.token}` } });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      const frame = decodeTerminalFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (!frame || frame.slot !== this.slot) return;
      this.received += frame.payload.byteLength;
      this.#pendingAck += frame.payload.byteLength;
      // Same batching as the page's AckMeter (32 KiB); a 100 ms timer is unnecessary here
      // because every sample waits for quiet and flushes.
      if (this.#pendingAck >= 32 * 1024) this.flush();
      for (const listener of this.#listeners) listener(frame.payload);
    });
  }

  flush(): void {
    if (this.#pendingAck > 0 && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ type: 'terminal.ack', slot: this.slot, bytes: this.#pendingAck }));
    }
    this.#pendingAck = 0;
  }

  onOutput(listener: (payload: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** performance.now() when the next terminal frame arrives. */
  nextOutputAt(): Promise<number> {
    return new Promise((resolve) => {
      const off = this.onOutput(() => {
        off();
        resolve(performance.now());
      });
    });
  }

  connected(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Asks for a lab's live panel like the page does; returns a count of snapshots pushed. */
  /** Latest panel snapshot this tab received (for the stopped-broker figure). */
  lastSnapshot: unknown = null;

  watchPanel(lab: string): () => number {
    let count = 0;
    this.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString('utf8')) as ServerMessage;
      if (message.type !== 'panel.snapshot') return;
      count++;
      this.lastSnapshot = message.snapshot;
    });
    this.ws.send(JSON.stringify({ type: 'panel.watch', lab, on: true }));
    return () => count;
  }

  async open(lab: string, terminal: string): Promise<void> {
    await this.connected();
    const opened = new Promise<number>((resolve) => {
      const onText = (data: Buffer, isBinary: boolean): void => {
        if (isBinary) return;
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        if (message.type === 'terminal.opened' && message.lab === lab && message.terminal === terminal) {
          this.ws.off('message', onText);
          resolve(message.slot);
        }
      };
      this.ws.on('message', onText);
    });
    this.ws.send(JSON.stringify({ type: 'terminal.open', lab, terminal, cols: 120, rows: 40 }));
    this.slot = await opened;
  }

  /** Resolves when the step reports passed or failed. */
  stepFinished(lab: string, step: string): Promise<string> {
    return new Promise((resolve) => {
      const onText = (data: Buffer, isBinary: boolean): void => {
        if (isBinary) return;
        const message = JSON.parse(data.toString('utf8')) as ServerMessage;
        if (message.type !== 'step.state' || message.state.lab !== lab || message.state.step !== step) return;
        if (message.state.status !== 'passed' && message.state.status !== 'failed') return;
        this.ws.off('message', onText);
        resolve(message.state.status);
      };
      this.ws.on('message', onText);
    });
  }

  type(text: string): void {
    this.ws.send(encodeTerminalFrame(this.slot, encoder.encode(text)));
  }

  /** Resolves once no output has arrived for quietMs. */
  async quiet(quietMs: number, maxMs = 10_000): Promise<void> {
    const start = Date.now();
    let last = Date.now();
    const off = this.onOutput(() => (last = Date.now()));
    while (Date.now() - last < quietMs && Date.now() - start < maxMs) await sleep(20);
    off();
    this.flush();
  }

  close(): void {
    this.ws.close();
  }
}

/** Samples VmRSS of the server process every 100 ms; owns its interval. */
class RssSampler {
  peakKb = 0;
  readonly #timer: NodeJS.Timeout;
  constructor(pid: number) {
    const sample = (): void => {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match) this.peakKb = Math.max(this.peakKb, Number(match[1]));
      } catch {
        // Process gone: the last peak stands.
      }
    };
    sample();
    this.#timer = setInterval(sample, 100);
  }
  reset(): void {
    this.peakKb = 0;
  }
  dispose(): void {
    clearInterval(this.#timer);
  }
}

async function terminalFigures(): Promise<void> {
  console.log('랩 서버: 입력→첫 출력 지연, 터미널 처리량, 서버 RSS...');
  const server = await startLabServer({ skipBuild: true });
  const rss = new RssSampler(server.pid);
  const socket = new BenchSocket(server);
  try {
    await socket.open('cluster-up', 'main');
    await socket.quiet(500);

    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const first = socket.nextOutputAt();
      const sent = performance.now();
      socket.type('echo x\r');
      samples.push((await first) - sent);
      await socket.quiet(150);
    }
    samples.sort((a, b) => a - b);
    record({ name: 'input to first output p50', value: percentile(samples, 50), unit: 'ms', method: 'ws client with Origin + cookie, terminal cluster-up/main: send binary input frame "echo x\\r", time to the first binary frame back (PTY echo); 30 samples, 150 ms quiet between' });
    record({ name: 'input to first output p95', value: percentile(samples, 95), unit: 'ms', method: 'same 30 samples as p50' });

    // The Run button: step.run for a cheap step; first terminal byte = the server typing it.
    const runSamples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const first = socket.nextOutputAt();
      const finished = socket.stepFinished('cluster-up', 'compose-ps');
      const sent = performance.now();
      socket.ws.send(JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: 'compose-ps' }));
      runSamples.push((await first) - sent);
      await finished;
      await socket.quiet(150);
    }
    runSamples.sort((a, b) => a - b);
    record({ name: 'Run click to first output p50', value: percentile(runSamples, 50), unit: 'ms', method: 'ws client like the page: send step.run cluster-up/compose-ps, time to the first binary frame of its terminal (the typed command); 30 samples, each waits for the step to finish' });
    record({ name: 'Run click to first output p95', value: percentile(runSamples, 95), unit: 'ms', method: 'same 30 step.run samples as p50' });

    const payloadBytes = 15_000_000; // base64 → 20,000,000 chars + newlines
    rss.reset();
    const done = new Promise<void>((resolve) => {
      let tail = '';
      const off = socket.onOutput((payload) => {
        // The marker arrives followed by a coloured prompt, so keep a generous window.
        tail = (tail + Buffer.from(payload).toString('latin1')).slice(-4096);
        if (tail.includes('__BENCH_2_DONE__')) {
          off();
          resolve();
        }
      });
    });
    const before = socket.received;
    const started = performance.now();
    // $((1+1)) keeps the echoed command line from matching the end marker.
    socket.type(`head -c ${payloadBytes} /dev/zero | base64; echo __BENCH_$((1+1))_DONE__\r`);
    const timeout = sleep(180_000).then(() => 'timeout' as const);
    const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
    const seconds = (performance.now() - started) / 1000;
    const bytes = socket.received - before;
    record({
      name: 'terminal throughput (flow control on)',
      value: outcome === 'done' ? bytes / seconds / 1e6 : null,
      unit: 'MB/s',
      method: `\`head -c ${payloadBytes} /dev/zero | base64\` in a lab terminal; bytes of binary frames received over the socket / wall time, acking every 32 KiB like the page's AckMeter (no rendering cost)`,
      extra: { bytes, seconds: Math.round(seconds * 100) / 100 },
      ...(outcome === 'done' ? {} : { error: 'marker not seen within 180 s' }),
    });
    record({ name: 'peak server RSS during throughput', value: rss.peakKb / 1024, unit: 'MiB', method: 'VmRSS of the lab server process from /proc/<pid>/status, sampled every 100 ms during the throughput run' });
    // The reference: the same bytes read straight from node-pty in this process, no server,
    // no WebSocket, no flow control. The ratio is what the lab server's road costs.
    const reference = await nodePtyAloneThroughput(payloadBytes);
    record({ name: 'terminal throughput, node-pty alone (reference)', value: reference.bytes / reference.seconds / 1e6, unit: 'MB/s', method: `node-pty ${PTY_VERSION} spawn of bash -c "head -c ${payloadBytes} /dev/zero | base64" in the bench process; bytes of onData / wall time to exit`, extra: { bytes: reference.bytes, seconds: Math.round(reference.seconds * 100) / 100 } });
    if (outcome === 'done') record({ name: 'terminal throughput, lab server / node-pty alone', value: (bytes / seconds) / (reference.bytes / reference.seconds) * 100, unit: '%', method: 'ratio of the two throughput figures above, same payload, measured one after the other' });
  } finally {
    socket.close();
    rss.dispose();
    await server.dispose();
  }
}

const PTY_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'node-pty', 'package.json'), 'utf8')) as { version: string }).version;

/** Bytes per second of a PTY read by node-pty alone (the reference for the lab server's path). */
function nodePtyAloneThroughput(payloadBytes: number): Promise<{ bytes: number; seconds: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let bytes = 0;
    const child = pty.spawn('bash', ['-c', `head -c ${payloadBytes} /dev/zero | base64`], { cols: 120, rows: 30, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    child.onData((data) => { bytes += Buffer.byteLength(data); });
    child.onExit(() => resolve({ bytes, seconds: (performance.now() - started) / 1000 }));
  });
}

// ---- 2b. a real click in a real browser ------------------------------------------------

/**
 * The figure a learner feels: from the Run button's click event to the first change of the
 * terminal's rendered rows, measured inside the page (no CDP round trip in the number).
 */
async function browserClickFigures(): Promise<void> {
  console.log('브라우저: 실행 버튼 클릭→터미널 첫 출력 렌더링...');
  const server = await startLabServer({ skipBuild: true });
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.goto(server.openUrl);
    await page.goto(new URL('/02-kafka-kraft/', server.baseUrl).href);
    await page.waitForSelector('html[data-lab-server="live"]', { timeout: 30_000 });
    await page.locator('[data-lab-root][data-lab="cluster-up"] [data-lab-action="open"]').dispatchEvent('click');
    await page.locator('[data-lab-dock][data-lab="cluster-up"] [data-terminal-panel="main"] .xterm-rows').waitFor({ state: 'attached', timeout: 30_000 });
    await sleep(1000);
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const elapsed = await page.evaluate(() => new Promise<number>((resolve, reject) => {
        const rows = document.querySelector('[data-lab-dock][data-lab="cluster-up"] [data-terminal-panel="main"] .xterm-rows');
        const button = document.querySelector<HTMLButtonElement>('[data-step-card][data-lab="cluster-up"][data-step="compose-ps"] [data-lab-action="run"]');
        if (!rows || !button) return reject(new Error('terminal rows or Run button missing'));
        let clickedAt = 0;
        const observer = new MutationObserver(() => {
          observer.disconnect();
          resolve(performance.now() - clickedAt);
        });
        observer.observe(rows, { childList: true, subtree: true, characterData: true });
        clickedAt = performance.now();
        button.click();
        setTimeout(() => reject(new Error('no terminal output within 10 s')), 10_000);
      }));
      samples.push(elapsed);
      // One step at a time per lab: wait for this run to settle before the next click.
      await page.waitForFunction(() => {
        const status = document.querySelector<HTMLElement>('[data-step-card][data-lab="cluster-up"][data-step="compose-ps"]')?.dataset['status'];
        return status === 'passed' || status === 'failed';
      }, undefined, { timeout: 60_000, polling: 100 });
      await sleep(300);
    }
    samples.sort((a, b) => a - b);
    const method = 'headless Chromium on /02-kafka-kraft/ through the tokened URL: in-page performance.now() from Run (cluster-up/compose-ps) click() to the first DOM mutation of that terminal\'s .xterm-rows (xterm DOM renderer); 20 samples, each after the step settles';
    record({ name: 'browser Run click to first rendered output p50', value: percentile(samples, 50), unit: 'ms', method });
    record({ name: 'browser Run click to first rendered output p95', value: percentile(samples, 95), unit: 'ms', method: 'same 20 browser samples as p50' });
  } finally {
    await browser.dispose();
    await server.dispose();
  }
}

// ---- 2c. what the cluster observer costs -----------------------------------------------

/** utime + stime of a process in seconds, from /proc/<pid>/stat (USER_HZ is 100 on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function observerFigures(): Promise<void> {
  console.log('클러스터 관찰자: 서버 CPU (탭 0 · 1 · 5개, 각 30초, 클러스터 실행 중)...');
  const server = await startLabServer({ skipBuild: true });
  const tabs: Array<{ socket: BenchSocket; snapshots: () => number }> = [];
  const windowMs = 30_000;
  try {
    for (const count of [0, 1, 5]) {
      while (tabs.length < count) {
        const socket = new BenchSocket(server);
        await socket.connected();
        tabs.push({ socket, snapshots: socket.watchPanel('failover') });
      }
      await sleep(5_000); // let the loop settle after tabs join
      const snapshotsBefore = tabs.reduce((sum, tab) => sum + tab.snapshots(), 0);
      const before = cpuSeconds(server.pid);
      await sleep(windowMs);
      const used = cpuSeconds(server.pid) - before;
      const snapshots = tabs.reduce((sum, tab) => sum + tab.snapshots(), 0) - snapshotsBefore;
      record({
        name: `lab server CPU, ${count} watching tab${count === 1 ? '' : 's'}`,
        value: (used / (windowMs / 1000)) * 100,
        unit: '% of one core',
        method: `utime+stime of the lab server process from /proc/<pid>/stat over ${windowMs / 1000} s with ${count} WebSocket tab(s) sent panel.watch for lab failover (kafka-cluster, topic ledger), cluster up and idle, no terminals open`,
        extra: { snapshotsPushed: snapshots },
      });
    }
    // The idle pace must not hide a stop: from `docker stop kafka-2` returning to a tab's
    // picture showing kafka-2 stopped (the loop is at its idle pace by now).
    const tab = tabs[0]!;
    const shows = (state: string) => ((tab.socket.lastSnapshot as { brokers?: Array<{ container: string; state: string }> } | null)?.brokers ?? []).some((b) => b.container === 'kafka-2' && b.state === state);
    await run('docker', ['stop', 'kafka-2']);
    const stopReturned = Date.now();
    while (!shows('stopped') && Date.now() - stopReturned < 20_000) await sleep(20);
    const seenMs = shows('stopped') ? Date.now() - stopReturned : null;
    record({
      name: 'stopped broker shown in the panel (idle loop)',
      value: seenMs,
      unit: 'ms',
      method: 'after the 5-tab CPU window (observer at its idle pace): time from `docker stop kafka-2` returning to a watching tab receiving a kafka-cluster snapshot with kafka-2 stopped; kafka-2 started again afterwards',
      ...(seenMs === null ? { error: 'not shown within 20 s' } : {}),
    });
    await run('docker', ['start', 'kafka-2']);
  } finally {
    for (const tab of tabs) tab.socket.close();
    await server.dispose();
  }
}

// ---- 4./6. headless lab runs -----------------------------------------------------------

interface LabReport { ok: boolean; durationMs: number; steps: Array<{ id: string; ok: boolean; summary: string; durationMs: number; metrics?: Record<string, number> }> }

async function labRun(target: string): Promise<{ report: LabReport | null; error?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'upbit-bench-'));
  const jsonPath = join(dir, 'report.json');
  try {
    const exitCode = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [LAB_CLI, 'run', target, '--json', jsonPath], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('exit', (code) => resolve(code ?? 1));
    });
    if (!existsSync(jsonPath)) return { report: null, error: `lab run ${target} wrote no report (exit ${exitCode})` };
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as LabReport;
    return report.ok ? { report } : { report, error: `lab run ${target} failed: ${report.steps.find((s) => !s.ok)?.id ?? '?'} ${report.steps.find((s) => !s.ok)?.summary ?? ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function failoverFigures(): Promise<void> {
  console.log('장애 조치 (npm run lab -- run failover --json)...');
  const { report, error } = await labRun('failover');
  const metric = (step: string, key: string): number | null => report?.steps.find((s) => s.id === step)?.metrics?.[key] ?? null;
  const method = 'npm run lab -- run failover --json: metrics reported by the checks';
  record({ name: 'failover: stop kafka-2 → new leaders', value: metric('failover/stop-one', 'leadersMovedMs'), unit: 'ms', method: `${method} (failover/stop-one leadersMovedMs)`, ...(error ? { error } : {}) });
  record({ name: 'failover: restart → ISR 3', value: metric('failover/restart', 'isrRestoredMs'), unit: 'ms', method: `${method} (failover/restart isrRestoredMs)`, ...(error ? { error } : {}) });
  const ledger = report?.steps.find((s) => s.id === 'failover/verify')?.metrics;
  if (ledger) record({ name: 'failover: records lost', value: ledger['lost'] ?? null, unit: 'records', method: 'failover/verify ledger count (acked vs consumed)', extra: { acked: ledger['acked'] ?? null, consumed: ledger['consumed'] ?? null, duplicated: ledger['duplicated'] ?? null } });
}

async function fullRun(): Promise<void> {
  console.log('전체 실습 헤드리스 실행 (docker compose down -v 후 npm run lab -- run all --json)...');
  await compose('down', '-v');
  const { report, error } = await labRun('all');
  record({ name: 'full headless run of all labs', value: report?.durationMs ?? null, unit: 'ms', method: 'from a clean `docker compose down -v`: npm run lab -- run all --json, its durationMs (ends with teardown, cluster down)', extra: { steps: report?.steps.length ?? null }, ...(error ? { error } : {}) });
}

// ---- 5. JS bytes per page --------------------------------------------------------------

// Vite's minifier quotes specifiers with ", ' or backticks.
const STATIC_IMPORT = /(?:\bimport\s*|\bfrom\s*)["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g;

/** A chunk and everything it imports statically, as file paths. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !existsSync(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(STATIC_IMPORT)) staticClosure(join(dirname(file), match[1]!), seen);
  return seen;
}

function gzipBytes(text: string | Buffer): number {
  return gzipSync(text, { level: 9 }).byteLength;
}

function jsFigures(): void {
  console.log('페이지별 JS 바이트 (dist/, gzip -9)...');
  // Every built page: a chapter added later is measured without touching this list.
  const pages = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((p) => p === 'index.html' || (p.endsWith('/index.html') && !p.startsWith('_'))).sort();
  const island = readdirSync(join(DIST, '_astro')).find((name) => name.startsWith('lab-client.') && name.endsWith('.js'));
  for (const pagePath of pages) {
    const html = readFileSync(join(DIST, pagePath), 'utf8');
    const files = new Set<string>();
    let inline = 0;
    for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      const attrs = match[1] ?? '';
      const src = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
      if (src?.startsWith('/')) staticClosure(join(DIST, src), files);
      else if (!src && !/type="(application\/(ld\+)?json)"/.test(attrs)) {
        inline += gzipBytes(match[2] ?? '');
        for (const imported of (match[2] ?? '').matchAll(/["'](\/_astro\/[^"']+\.js)["']/g)) staticClosure(join(DIST, imported[1]!), files);
      }
    }
    const upfront = [...files].reduce((sum, file) => sum + gzipBytes(readFileSync(file)), inline);
    // The terminal island arrives with import() on first use; count it and its own imports.
    const lazy = new Set<string>();
    const loadsIsland = [...files].some((file) => [...readFileSync(file, 'utf8').matchAll(DYNAMIC_IMPORT)].some((m) => m[1]!.includes('lab-client.')));
    if (loadsIsland && island) for (const file of staticClosure(join(DIST, '_astro', island))) if (!files.has(file)) lazy.add(file);
    const lazyBytes = [...lazy].reduce((sum, file) => sum + gzipBytes(readFileSync(file)), 0);
    const name = `/${pagePath.replace(/index\.html$/, '')}`;
    record({ name: `JS gzip ${name} before terminal`, value: upfront / 1024, unit: 'KiB', method: 'dist/: page <script src> and inline scripts plus their static import closure, each file gzip -9 (dynamic imports excluded)', extra: { files: files.size } });
    if (loadsIsland) record({ name: `JS gzip ${name} after terminal loads`, value: (upfront + lazyBytes) / 1024, unit: 'KiB', method: 'before-terminal bytes + lab-client island chunk and its static imports not already loaded, gzip -9', extra: { islandKiB: Math.round(lazyBytes / 102.4) / 10 } });
  }
}

/**
 * The candle chart panel's own chunk: lightweight-charts arrives with import() the first time
 * the panel draws (after the lab island), so it is counted apart from both.
 */
function chartJsFigures(): void {
  const dir = join(DIST, '_astro');
  const chunks = readdirSync(dir).filter((name) => name.endsWith('.js') && /createSeriesMarkers|CandlestickSeries/.test(readFileSync(join(dir, name), 'utf8')) && !name.startsWith('lab-client.'));
  const files = new Set<string>();
  for (const name of chunks) staticClosure(join(dir, name), files);
  const island = readdirSync(dir).find((name) => name.startsWith('lab-client.') && name.endsWith('.js'));
  const inIsland = island ? staticClosure(join(dir, island)) : new Set<string>();
  const own = [...files].filter((file) => !inIsland.has(file));
  const bytes = own.reduce((sum, file) => sum + gzipBytes(readFileSync(file)), 0);
  record({ name: 'JS gzip candle chart panel (lazy, on first draw)', value: own.length > 0 ? bytes / 1024 : null, unit: 'KiB', method: 'dist/_astro: the chunk(s) holding lightweight-charts and their static imports not already in the lab island, gzip -9', extra: { files: own.map((file) => file.slice(dir.length + 1)).join(' ') } });
}

/**
 * Minute close (window end + the job's 5 s watermark delay) to the candle drawn in the page:
 * the chart's browser test measures it on the real pipeline and prints one line; this stage
 * runs it and keeps the figures. Needs the Docker lock like every cluster stage.
 */
async function chartLatencyFigures(): Promise<void> {
  console.log('캔들 차트: 분이 닫힌 뒤 그려지기까지 (tests/e2e/chart.test.ts)...');
  // Five tabs on three markets stay open this long after the test's own checks: ~3 samples a minute.
  const minutes = Math.max(0, Number(process.env['BENCH_CHART_MINUTES'] ?? 6));
  const { stdout } = await run(process.execPath, ['--test', '--test-concurrency=1', 'tests/e2e/chart.test.ts'], { cwd: REPO_ROOT, env: { ...process.env, CHART_LATENCY_MINUTES: String(minutes) }, timeout: 900_000 + minutes * 60_000, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; message: string }) => ({ stdout: error.stdout ?? error.message }));
  const match = /minute close \(watermark\) to drawn: n=(\d+) p50=(\d+) ms p95=(\d+) ms/.exec(stdout);
  const method = 'tests/e2e/chart.test.ts: per lab-chart-drawn event, drawnAt (page clock) - (window end + 5 s); same machine, so one clock';
  record({ name: 'candle chart minute close to drawn p50', value: match ? Number(match[2]) : null, unit: 'ms', method, extra: { samples: match ? Number(match[1]) : 0 }, ...(match ? {} : { error: 'the chart test printed no latency line' }) });
  record({ name: 'candle chart minute close to drawn p95', value: match ? Number(match[3]) : null, unit: 'ms', method, extra: { samples: match ? Number(match[1]) : 0 } });
}

// ---- repeated failover: the ledger beside Apache Kafka's VerifiableProducer ----------------

/**
 * The same outage (stop kafka-2, kill kafka-3, start both, ISR 3) played several times against
 * the lab's ledger producer and against Kafka's own VerifiableProducer (acks=-1, 200/s, in the
 * kafka-cli container), each counted by an independent read of the topic.
 */
async function failoverRepeatFigures(): Promise<void> {
  const runs = Math.max(1, Number(process.env['BENCH_FAILOVER_RUNS'] ?? 5));
  for (const writer of ['ledger', 'verifiable'] as Writer[]) {
    console.log(`장애 조치 반복 (${writer}, ${runs}회: stop kafka-2, kill kafka-3, start both)...`);
    const done: FailoverRun[] = [];
    let error: string | undefined;
    for (let i = 0; i < runs; i++) {
      try {
        done.push(await failoverRun(writer, 'kill', () => undefined));
      } catch (failure) {
        error = (failure as Error).message;
        break;
      }
    }
    const sum = (key: 'acked' | 'consumed' | 'lost' | 'duplicated') => done.reduce((total, r) => total + r[key], 0);
    const label = writer === 'ledger' ? 'ledger producer (kafkajs, one idempotent producer id)' : 'Kafka VerifiableProducer (Java client, acks=-1, 200/s)';
    const method = `bench/failover-ledger.ts --writer ${writer} --second kill: ${done.length} run(s); counts from an independent read_committed read of the topic against the producer's own acknowledgements`;
    const extra = {
      runs: done.length, acked: sum('acked'), consumed: sum('consumed'), duplicated: sum('duplicated'),
      perRun: done.map((r) => `${r.acked}/${r.consumed}/${r.lost}/${r.duplicated}`).join(' '),
    };
    record({ name: `failover x${runs}: ${label} lost`, value: done.length ? sum('lost') : null, unit: 'records', method, extra, ...(error ? { error } : {}) });
    record({ name: `failover x${runs}: ${label} duplicated`, value: done.length ? sum('duplicated') : null, unit: 'records', method: `${method} (perRun = acked/consumed/lost/duplicated)`, extra });
  }
}

// ---- main -------------------------------------------------------------------------------

interface StageResult { measuredAt: string; durationMs: number; loadAverage1mAtStart: number; figures: Figure[] }

/** The stages of earlier runs (an older file of one flat figure list is not carried over). */
function readResults(): { stages: Record<string, StageResult> } {
  try {
    const parsed = JSON.parse(readFileSync(RESULTS, 'utf8')) as { stages?: Record<string, StageResult> };
    return { stages: parsed.stages ?? {} };
  } catch {
    return { stages: {} };
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/가 없습니다. npm run build를 먼저 실행하세요.');
  const stages: Array<[string, () => Promise<void> | void]> = [
    ['js', jsFigures],
    ['chart-js', chartJsFigures],
    ['cold-start', clusterColdStart],
    ['terminal', terminalFigures],
    ['browser', browserClickFigures],
    ['observer', observerFigures],
    ['failover', failoverFigures],
    ['failover-repeat', failoverRepeatFigures],
    ['full-run', fullRun],
    ['chart', chartLatencyFigures],
  ];
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !stages.some(([known]) => known === name));
  if (unknown.length > 0) throw new Error(`모르는 단계: ${unknown.join(', ')}. 단계: ${stages.map(([name]) => name).join(', ')}`);
  // A partial run (`npm run bench -- terminal browser`) replaces only its own stages' figures:
  // each stage keeps when it was measured and how busy the machine was, so figures from
  // different runs are never mistaken for one quiet run.
  const previous = readResults();
  const stageResults: Record<string, StageResult> = { ...previous.stages };
  for (const [name, stage] of stages) {
    if (only.length > 0 && !only.includes(name)) continue;
    const from = figures.length;
    const stageStarted = Date.now();
    const load = loadavg()[0] ?? 0;
    try {
      await stage();
    } catch (error) {
      record({ name: `${name} (stage failed)`, value: null, unit: '', method: 'see error', error: (error as Error).message });
    }
    stageResults[name] = { measuredAt: new Date(stageStarted).toISOString(), durationMs: Date.now() - stageStarted, loadAverage1mAtStart: Math.round(load * 100) / 100, figures: figures.slice(from) };
  }
  const body = { updatedAt: new Date(startedAt).toISOString(), machine: { cpus: cpus().length, node: process.version }, stages: stageResults };
  writeFileSync(RESULTS, `${JSON.stringify(body, null, 2)}\n`);
  console.log('');
  console.table(figures.map((f) => ({ figure: f.name, value: f.value === null ? 'n/a' : Math.round(f.value * 100) / 100, unit: f.unit })));
  console.log(`${RESULTS}에 썼습니다 (${((Date.now() - startedAt) / 1000).toFixed(0)}초).`);
}

await main();
