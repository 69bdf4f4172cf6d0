// `npm run bench:class`: the class server with a full room, no Docker. The host runs as its own
// process (`npm run class -- host --port 0`, the instructor's real command) so its CPU and
// memory are its own; this process plays 100 attendees with the lab server's real reporter,
// each walking the course's steps (running, then passed or, one time in ten, failed) every
// few seconds, plus one instructor view reading the live stream. It measures the host's CPU
// and peak RSS from /proc, and the time from an attendee's step change to the instructor's
// stream carrying it (p50/p95/max). Writes bench/class-results.json.
// BENCH_CLASS_SEC (default 60), BENCH_CLASS_ATTENDEES (default 100), BENCH_CLASS_PERIOD_MS (default 3000).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadCourse } from '../chapters/plugins.ts';
import { ClassReporter } from '../server/class/reporter.ts';
import type { ClassSnapshot } from '../server/class/snapshot.ts';
import { REPO_ROOT } from '../server/paths.ts';

const SECONDS = Number(process.env['BENCH_CLASS_SEC'] ?? 60);
const ATTENDEES = Number(process.env['BENCH_CLASS_ATTENDEES'] ?? 100);
const PERIOD_MS = Number(process.env['BENCH_CLASS_PERIOD_MS'] ?? 3000);
const CLK_TCK = 100;

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

const { labs } = await loadCourse();
const steps = labs.flatMap((lab) => lab.steps.map((step) => ({ lab: lab.id, step: step.id })));
const host = spawn(process.execPath, [join(REPO_ROOT, 'server', 'cli', 'class.ts'), 'host', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const ready = await new Promise<{ address: string; code: string; url: string }>((resolve, reject) => {
  host.stdout.setEncoding('utf8');
  host.stdout.on('data', (chunk: string) => {
    out += chunk;
    const code = /참가 코드: (\S+)/.exec(out)?.[1];
    const address = /--class (\S+) /.exec(out)?.[1];
    const url = /(http:\/\/\S+\?key=\S+)/.exec(out)?.[1];
    if (code && address && url) resolve({ address, code, url });
  });
  host.once('exit', () => reject(new Error(`class host exited:\n${out}`)));
});
const hostPid = host.pid!;

// The instructor's view: the live stream a browser's EventSource reads.
const login = await fetch(ready.url, { redirect: 'manual' });
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
const viewer = new AbortController();
const pending = new Map<string, { status: string; at: number }>();
const latencies: number[] = [];
let frames = 0;
let frameBytes = 0;
void (async () => {
  const response = await fetch(`http://${ready.address}/api/events`, { headers: { Cookie: cookie }, signal: viewer.signal });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').find((line) => line.startsWith('data: '));
      if (!data) continue;
      const now = Date.now();
      frames++;
      frameBytes += data.length;
      const snapshot = JSON.parse(data.slice(6)) as ClassSnapshot;
      for (const row of snapshot.attendees) {
        const want = pending.get(row.name);
        if (!want) continue;
        const key = `${row.current?.lab}/${row.current?.step}/${row.current?.status}`;
        if (key === want.status) {
          latencies.push(now - want.at);
          pending.delete(row.name);
        }
      }
    }
  }
})().catch(() => undefined);

const reporters = Array.from({ length: ATTENDEES }, (_, i) => new ClassReporter({ server: ready.address, code: ready.code, name: `참가자${String(i).padStart(3, '0')}` }));
for (const reporter of reporters) reporter.start();
const timers: NodeJS.Timeout[] = [];
const position = reporters.map(() => ({ index: 0, running: false }));
let changes = 0;
reporters.forEach((reporter, i) => {
  const name = `참가자${String(i).padStart(3, '0')}`;
  const tick = (): void => {
    const where = position[i]!;
    const step = steps[where.index % steps.length]!;
    let status: 'running' | 'passed' | 'failed';
    if (!where.running) status = 'running';
    else status = Math.random() < 0.1 ? 'failed' : 'passed';
    where.running = status === 'running';
    if (status === 'passed') where.index++;
    // Only a change whose previous change was seen is timed, so each sample is one change.
    if (!pending.has(name)) pending.set(name, { status: `${step.lab}/${step.step}/${status}`, at: Date.now() });
    reporter.step({ lab: step.lab, step: step.step, status, result: status === 'failed' ? { summary: '브로커 3대 중 2대만 응답합니다. kafka-3을 시작하세요.' } : undefined });
    changes++;
    timers[i] = setTimeout(tick, PERIOD_MS * (0.5 + Math.random()));
  };
  timers[i] = setTimeout(tick, Math.random() * PERIOD_MS);
});

// Joining is part of the measurement window too: a room arrives at once.
const startTicks = cpuTicks(hostPid);
const started = performance.now();
let peakRss = 0;
const load = loadavg()[0]!;
for (let s = 0; s < SECONDS; s++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  peakRss = Math.max(peakRss, rssMiB(hostPid));
}
const cpuSec = (cpuTicks(hostPid) - startTicks) / CLK_TCK;
const wallSec = (performance.now() - started) / 1000;
for (const timer of timers) clearTimeout(timer);
const stats = reporters.map((r) => r.stats());
await Promise.all(reporters.map((r) => r.leave()));
viewer.abort();
host.kill('SIGTERM');

latencies.sort((a, b) => a - b);
const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * q) - 1)] ?? NaN;
const result = {
  measuredAt: new Date().toISOString(),
  method: 'host as its own process (npm run class -- host); attendees = the lab server\'s ClassReporter in one process; latency = step() call to the first SSE frame carrying that cell (reporter batch 50 ms + host coalescing 100 ms included, browser rendering not)',
  attendees: ATTENDEES,
  joined: stats.filter((s) => s.joined).length,
  seconds: Math.round(wallSec),
  stepChanges: changes,
  changesPerSecond: Math.round(changes / wallSec),
  hostCpuPercent: Math.round((cpuSec / wallSec) * 1000) / 10,
  hostPeakRssMiB: Math.round(peakRss),
  framesToViewer: frames,
  meanFrameKiB: Math.round(frameBytes / Math.max(1, frames) / 102.4) / 10,
  latencyMs: { samples: latencies.length, p50: pick(0.5), p95: pick(0.95), max: latencies.at(-1) ?? NaN },
  droppedByReporters: stats.reduce((sum, s) => sum + s.dropped, 0),
  loadAverage1m: Math.round(load * 10) / 10,
};
writeFileSync(join(REPO_ROOT, 'bench', 'class-results.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
