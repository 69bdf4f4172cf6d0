// A classroom in network namespaces (root only; `ip netns` + veth on one bridge, no route
// anywhere else): the class server binds the bridge address the instructor would pass with
// --bind, the real lab server (`server/main.ts --class ...`) runs in one namespace, simulated
// attendees (the same reporter) in others, and Chromium on the instructor's side shows the
// grid. The real lab server runs a real lab step (cluster-up/compose-ps: `docker compose ps`
// in its PTY against the running cluster, through the Docker socket, and its check), pressed
// from inside its namespace as the page would, and that step's result reaches the grid. It
// also shows the lab server stays loopback-only: another attendee's namespace cannot reach it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadCourse } from '../../chapters/plugins.ts';
import { startClassHost, type ClassHost, type StepInfo } from '../../server/class/host.ts';
import { launchBrowser, REPO_ROOT, screenshotPath, type BrowserSession } from '../../tools/harness.ts';
import { compose, requireDocker, waitForBrokers } from '../helpers/cluster.ts';
import { tempDir } from '../helpers/temp.ts';

const isRoot = process.getuid?.() === 0;
const SUFFIX = String(process.pid % 10000);
const BRIDGE = `ubr${SUFFIX}`;
const NET = '10.218.77';
const HOST_IP = `${NET}.1`;
const ROOMS = 4;
const CODE = 'NETN-SROO-MTES-T001';
const LAB_PORT = 4800;
const names = Array.from({ length: ROOMS }, (_, i) => `uns${SUFFIX}-${i}`);
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

let host: ClassHost;
let session: BrowserSession;
let steps: StepInfo[];
const children: ChildProcess[] = [];

function inRoom(index: number, argv: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', names[index]!, process.execPath, ...argv], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function waitFor(child: ChildProcess, pattern: RegExp, ms: number): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms:\n${seen.slice(-2000)}`)), ms);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

before(async () => {
  if (!isRoot) return;
  // The real step needs the real cluster running (up -d changes nothing when it already is).
  await requireDocker();
  const up = await compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  await waitForBrokers();
  ip('link', 'add', BRIDGE, 'type', 'bridge');
  ip('addr', 'add', `${HOST_IP}/24`, 'dev', BRIDGE);
  ip('link', 'set', BRIDGE, 'up');
  names.forEach((ns, i) => {
    ip('netns', 'add', ns);
    ip('link', 'add', `uv${SUFFIX}h${i}`, 'type', 'veth', 'peer', 'name', `uv${SUFFIX}n${i}`);
    ip('link', 'set', `uv${SUFFIX}h${i}`, 'master', BRIDGE, 'up');
    ip('link', 'set', `uv${SUFFIX}n${i}`, 'netns', ns);
    ip('-n', ns, 'addr', 'add', `${NET}.${10 + i}/24`, 'dev', `uv${SUFFIX}n${i}`);
    ip('-n', ns, 'link', 'set', `uv${SUFFIX}n${i}`, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  });
  const { labs } = await loadCourse();
  steps = labs.flatMap((l) => l.steps.map((s) => ({ lab: l.id, step: s.id, labTitle: l.title, title: s.title })));
  host = await startClassHost({ bind: HOST_IP, port: 0, steps, code: CODE, pushDelayMs: 50 });
  session = await launchBrowser();
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await session?.dispose();
  await host?.close();
  if (!isRoot) return;
  for (const ns of names) {
    try { ip('netns', 'delete', ns); } catch { /* already gone */ }
  }
  try { ip('link', 'delete', BRIDGE); } catch { /* already gone */ }
});

test('a room of attendees in their own network namespaces appears on the instructor\'s grid', { skip: isRoot ? false : 'needs root for ip netns (CI runs it as root)' }, async () => {
  // Room 0: the real lab server, loopback-only inside its namespace.
  const labServer = inRoom(0, [join(REPO_ROOT, 'server', 'main.ts'), '--class', `${HOST_IP}:${host.port}`, CODE, '--name', '실제 실습 서버'], {
    LAB_PORT: String(LAB_PORT), LAB_SKIP_BUILD: '1', UPBIT_LAB_STATE_DIR: tempDir('room-state'),
  });
  let labOutput = '';
  labServer.stdout?.on('data', (chunk: Buffer) => (labOutput += chunk.toString('utf8')));
  await waitFor(labServer, /수업에 참가했습니다/, 60_000);
  const openUrl = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(labOutput)?.[0];
  assert.ok(openUrl, `the lab server printed its address:\n${labOutput.slice(-1000)}`);
  // A real lab step on the real lab server, pressed from inside its own namespace.
  const driver = inRoom(0, [join(REPO_ROOT, 'tests', 'helpers', 'drive-step.ts'), openUrl, 'cluster-up', 'compose-ps', 'run']);
  const driven = await new Promise<{ status: string; summary: string }>((resolve) => {
    let out = '';
    driver.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    driver.once('exit', () => resolve(JSON.parse(out.trim().split('\n').at(-1) || '{"status":"no output","summary":""}') as { status: string; summary: string }));
  });
  assert.equal(driven.status, 'passed', driven.summary);
  // Rooms 1..3: simulated attendees.
  const simulated = [1, 2, 3].map((i) => inRoom(i, [join(REPO_ROOT, 'tests', 'helpers', 'class-attendee.ts'), `${HOST_IP}:${host.port}`, CODE, `방${i}`]));
  await Promise.all(simulated.map((child) => waitFor(child, /joined/, 30_000)));
  const [first, second] = steps as [StepInfo, StepInfo];
  const send = (child: ChildProcess, change: object): void => void child.stdin?.write(`${JSON.stringify(change)}\n`);
  send(simulated[0]!, { lab: first.lab, step: first.step, status: 'passed' });
  send(simulated[1]!, { lab: first.lab, step: first.step, status: 'passed' });
  send(simulated[1]!, { lab: second.lab, step: second.step, status: 'failed', result: { summary: '브로커가 두 대만 보입니다.' } });
  send(simulated[2]!, { lab: first.lab, step: first.step, status: 'running' });

  const page = session.page;
  await page.goto(host.instructorUrl);
  await page.waitForFunction(() => document.querySelectorAll('#grid-body tr').length === 4, undefined, { timeout: 15_000 });
  const status = (name: string, step: StepInfo) => page.locator('#grid-body tr', { has: page.locator('td.name', { hasText: name }) }).locator(`td[data-step="${step.lab}/${step.step}"]`).getAttribute('data-status');
  await page.waitForFunction(() => document.querySelector('#grid-foot td[data-failed="1"]') !== null, undefined, { timeout: 15_000 });
  assert.equal(await status('방1', first), 'passed');
  assert.equal(await status('방2', second), 'failed');
  assert.equal(await status('방3', first), 'running');
  assert.match(await page.locator('#common-text').textContent() ?? '', /브로커가 두 대만 보입니다\. \(1명\)/);
  assert.ok(await page.locator('#grid-body td.name', { hasText: '실제 실습 서버' }).count() === 1);
  const realStep = steps.find((s) => s.lab === 'cluster-up' && s.step === 'compose-ps')!;
  await page.waitForFunction(() => document.querySelector('#grid-body td[data-step="cluster-up/compose-ps"][data-status="passed"]') !== null, undefined, { timeout: 15_000 });
  assert.equal(await status('실제 실습 서버', realStep), 'passed', 'the real step\'s result is on the grid');
  await page.screenshot({ path: screenshotPath('class-room'), fullPage: true });

  // The lab server in room 0 listens on its own loopback only: room 1 cannot reach it.
  const probe = inRoom(1, ['-e', `const s = require('node:net').connect(${LAB_PORT}, '${NET}.10');
    s.on('connect', () => { console.log('REACHED'); process.exit(0); });
    s.on('error', (e) => { console.log('REFUSED ' + e.code); process.exit(0); });
    setTimeout(() => { console.log('REFUSED timeout'); process.exit(0); }, 3000);`]);
  const answer = await new Promise<string>((resolve) => {
    let out = '';
    probe.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    probe.once('exit', () => resolve(out));
  });
  assert.match(answer, /^REFUSED/, answer);
  // The class server is not on this machine's loopback either: it binds only where it was told.
  const loopback = await new Promise<string>((resolve) => {
    const socket = connect(host.port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve('reached'); });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
  assert.equal(loopback, 'ECONNREFUSED');

  // Leaving: the simulated attendee in room 1 leaves, the lab server in room 0 is stopped.
  simulated[0]!.stdin?.write('leave\n');
  labServer.kill('SIGTERM');
  await page.waitForFunction(() => document.querySelectorAll('#grid-body tr').length === 2, undefined, { timeout: 15_000 });
});
