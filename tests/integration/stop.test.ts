// `npm stop` as a child process against a state folder of our own: a stale server.json whose
// pid now belongs to another program must not get that program killed (the file is removed
// instead), and a real lab server recorded there is stopped.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../server/paths.ts';
import { tempDir } from '../helpers/temp.ts';

const STOP = join(REPO_ROOT, 'server', 'stop.ts');
const RECORD = join(REPO_ROOT, 'server', 'server-record.ts');

function runStop(stateDir: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [STOP], { env: { ...process.env, UPBIT_LAB_STATE_DIR: stateDir }, encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** An unrelated program, owned by the test: killed at the end whatever happened. */
function bystander(t: { after(fn: () => void): void }): ChildProcess {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => {
    if (isAlive(child)) child.kill('SIGKILL');
  });
  return child;
}

test('a stale server.json naming an unrelated process (old format: pid only) signals nothing and is removed', async (t) => {
  const stateDir = tempDir('stop', t.after.bind(t));
  const other = bystander(t);
  const file = join(stateDir, 'server.json');
  writeFileSync(file, JSON.stringify({ pid: other.pid, port: 4800, url: 'http://127.0.0.1:4800/' }));
  const result = runStop(stateDir);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(isAlive(other), `the unrelated process was signalled: ${result.stdout}`);
  assert.equal(existsSync(file), false, 'the stale file is cleaned up');
  assert.equal(result.status, 0, result.stdout);
});

test('a record whose pid is reused by another program (same pid, other start time and command) signals nothing', async (t) => {
  const stateDir = tempDir('stop', t.after.bind(t));
  const other = bystander(t);
  const file = join(stateDir, 'server.json');
  writeFileSync(file, JSON.stringify({ pid: other.pid, port: 4800, url: 'http://127.0.0.1:4800/', startedAt: 'Thu Jan  1 00:00:00 1970', command: 'node server/main.ts' }));
  const result = runStop(stateDir);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(isAlive(other), `the unrelated process was signalled: ${result.stdout}`);
  assert.equal(existsSync(file), false);
});

test('the lab server that wrote the record is stopped', async (t) => {
  const stateDir = tempDir('stop', t.after.bind(t));
  const file = join(stateDir, 'server.json');
  // A stand-in server: records itself the way main.ts does and exits on SIGTERM.
  const script = `import { writeServerRecord } from ${JSON.stringify(RECORD)};
writeServerRecord(${JSON.stringify(file)}, { port: 4800, url: 'http://127.0.0.1:4800/' });
process.on('SIGTERM', () => process.exit(0));
setInterval(() => {}, 1000);
console.log('ready');`;
  const server = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    if (isAlive(server)) server.kill('SIGKILL');
  });
  await new Promise<void>((resolve) => server.stdout!.once('data', () => resolve()));
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const result = runStop(stateDir);
  await exited;
  assert.equal(result.status, 0, result.stdout);
  assert.equal(existsSync(file), false);
});
