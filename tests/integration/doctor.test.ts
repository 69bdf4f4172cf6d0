// `npm run doctor` against real things: a port this test really holds, a Docker socket
// nobody answers on (stale file after a crash, and a listener that never replies), and the
// Docker engine running on this machine. Read-only towards Docker: ping/version/info/list.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { START_DOCKER_FIX, probeDockerEngine } from '../../server/preflight/docker-engine.ts';
import { DockerSession } from '../../server/preflight/docker-session.ts';
import { probePort } from '../../server/preflight/ports.ts';
import type { PreflightReport } from '../../server/preflight/types.ts';

import { preflightCourse } from '../../chapters/index.ts';

const doctorCli = fileURLToPath(new URL('../../server/cli/doctor.ts', import.meta.url));

function listen(server: Server, options: { host: string; port: number } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function boundPort(server: Server): number {
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

type CliRun = { code: number | null; stdout: string; stderr: string; elapsedMs: number };

function runDoctor(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [doctorCli, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** A socket file with no listener behind it: what a crashed Docker Desktop leaves behind. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('ready'))", path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve());
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // SIGKILL so Node cannot unlink the socket file on its way out.
  child.kill('SIGKILL');
  await exited;
  assert.ok((await stat(path)).isSocket(), 'the socket file outlives its process');
}

test('(a) a port this process really holds fails and names node with its pid', async (t) => {
  const holder = createServer();
  t.after(() => close(holder));
  await listen(holder, { host: '127.0.0.1', port: 0 });
  const port = boundPort(holder);

  const result = await probePort(port, { allowOwnCluster: true });
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /\bnode\b/);
  assert.match(result.detail, new RegExp(`pid ${process.pid}\\b`));
  assert.match(result.fix ?? '', new RegExp(`kill ${process.pid}`));

  const optional = await probePort(port, { whenTaken: 'warn', purpose: 'Kafka UI, 선택' });
  assert.equal(optional.status, 'warn');
  assert.equal(optional.title, `포트 ${port} (Kafka UI, 선택)`);
});

test('(a) a port held only on 0.0.0.0 is also caught', async (t) => {
  const holder = createServer();
  t.after(() => close(holder));
  await listen(holder, { host: '0.0.0.0', port: 0 });
  const result = await probePort(boundPort(holder));
  assert.equal(result.status, 'fail');
  assert.match(result.detail, new RegExp(`pid ${process.pid}\\b`));
});

test('(a) a released port passes', async () => {
  const probeServer = createServer();
  await listen(probeServer, { host: '127.0.0.1', port: 0 });
  const port = boundPort(probeServer);
  await close(probeServer);
  const result = await probePort(port);
  assert.equal(result.status, 'pass', result.detail);
});

test('(b) DOCKER_HOST at a stale socket: docker-engine fails fast with the Korean fix', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'doctor-docker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, 'docker.sock');
  await staleSocket(socketPath);
  const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}`, NO_COLOR: '1' };

  const run = await runDoctor(['--json'], env);
  assert.ok(run.elapsedMs < 5000, `doctor took ${Math.round(run.elapsedMs)} ms`);
  assert.equal(run.code, 1, 'a failed probe exits 1');
  const report = JSON.parse(run.stdout) as PreflightReport;
  assert.equal(report.ok, false);
  const engine = report.results.find((result) => result.id === 'docker-engine');
  assert.equal(engine?.status, 'fail');
  assert.match(engine?.detail ?? '', /연결을 거부했습니다/);
  assert.ok(engine?.fix?.startsWith(START_DOCKER_FIX), engine?.fix ?? 'no fix');
  assert.equal(START_DOCKER_FIX, 'Docker Desktop을 실행하세요 (Linux: sudo systemctl start docker 또는 sudo dockerd &)');
  // Probes that need the engine say they could not check, rather than passing.
  assert.equal(report.results.find((result) => result.id === 'containers')?.status, 'warn');
});

test('(b) DOCKER_HOST at a socket that accepts but never answers times out < 5 s', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'doctor-docker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const socketPath = join(dir, 'silent.sock');
  const connections = new Set<Socket>();
  const silent = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  t.after(async () => {
    for (const socket of connections) socket.destroy();
    await close(silent);
  });
  await listen(silent, socketPath);

  const previous = process.env['DOCKER_HOST'];
  process.env['DOCKER_HOST'] = `unix://${socketPath}`;
  let session: DockerSession;
  try {
    session = new DockerSession(1500);
  } finally {
    if (previous === undefined) delete process.env['DOCKER_HOST'];
    else process.env['DOCKER_HOST'] = previous;
  }
  const started = performance.now();
  const result = await probeDockerEngine(session);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 5000, `probe took ${Math.round(elapsed)} ms`);
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /1\.5초 안에 응답하지 않았습니다/);
  assert.ok(result.fix?.startsWith(START_DOCKER_FIX));
});

test('(c) the Docker engine running on this machine passes, and doctor --json is well formed', async () => {
  const result = await probeDockerEngine();
  assert.equal(result.status, 'pass', `${result.detail} / ${result.fix ?? ''}`);
  assert.match(result.detail, /^Docker \d+\.\d+/);

  const run = await runDoctor(['--json'], { ...process.env, NO_COLOR: '1' });
  assert.ok(run.elapsedMs < 10_000, `doctor took ${Math.round(run.elapsedMs)} ms`);
  const report = JSON.parse(run.stdout) as PreflightReport;
  assert.equal(run.code, report.ok ? 0 : 1);
  assert.equal(typeof report.durationMs, 'number');
  const ids = report.results.map((entry) => entry.id);
  // Every port and image the manifests declare gets its line (chapter 2: 29092-29094, 8080, KAFKA_IMAGE).
  const course = preflightCourse();
  const expected = [
    'docker-engine', 'compose-v2', 'resources', 'node', 'containers',
    ...course.services.flatMap((service) => service.ports.map((port) => `ports:${port.host}`)),
    ...course.services.filter((service) => service.role !== 'optional').map((service) => `image:${service.image.variable ?? service.image.fallback}`),
    // Chapter 2's own line through its plug-in's preflight: stopped brokers' log tails (issue 20).
    'brokers',
  ];
  for (const id of ['ports:29092', 'ports:29093', 'ports:29094', 'ports:8080', 'image:KAFKA_IMAGE']) assert.ok(expected.includes(id), id);
  for (const id of expected) {
    assert.ok(ids.includes(id), `missing ${id}`);
  }
  for (const entry of report.results) {
    assert.ok(['pass', 'warn', 'fail'].includes(entry.status));
    if (entry.status !== 'pass') assert.ok(entry.fix, `${entry.id} needs a fix`);
  }
  assert.equal(report.results.find((entry) => entry.id === 'docker-engine')?.status, 'pass');
});

test('the table output has a summary line and --help/unknown flags behave', async () => {
  const table = await runDoctor([], { ...process.env, NO_COLOR: '1' });
  assert.match(table.stdout, /^실습 환경 점검/);
  assert.match(table.stdout.trimEnd().split('\n').at(-1) ?? '', /^[✓!✗] 통과 \d+, 경고 \d+, 실패 \d+ \(\d+\.\d초\)/);
  const help = await runDoctor(['--help'], process.env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--json/);
  const unknown = await runDoctor(['--jsn'], process.env);
  assert.equal(unknown.code, 2);
});
