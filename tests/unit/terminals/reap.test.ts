// The crash reaper's identity checks, on real processes: a ledger entry whose pid now has
// another start time (a reused pid) is never signalled, and an orphan of a gone shell is
// signalled only when it carries that terminal's nonce. Each refusal has its control case,
// where the same setup with the right identity does get the process ended.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { isRunning } from '../../../server/terminals/kill-tree.ts';
import { processStartTime } from '../../../server/server-record.ts';
import { reapLeftoverShells } from '../../../server/terminals/reap.ts';
import { ledgerFile, type LedgerContents, type ShellEntry } from '../../../server/terminals/shell-ledger.ts';
import { tempDir } from '../../helpers/temp.ts';

const LINUX = existsSync('/proc/self/stat');
const NONCE = '0123456789abcdef';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = () => undefined;

type After = { after(fn: () => void): void };

/** A process owned by the test: killed at the end whatever happened. */
function owned(t: After, child: ChildProcess): ChildProcess {
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** A ledger as a crashed server (no longer running: its recorded start time is not its own) left it. */
function writeLedger(stateDir: string, shells: ShellEntry[]): string {
  // A pid that is certainly not a live server with this start time.
  const contents: LedgerContents = { server: { pid: 999_999_999, startedAt: 'proc:gone:0' }, shells };
  const file = ledgerFile(stateDir, 999_999_999);
  writeFileSync(file, JSON.stringify(contents));
  return file;
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await pause(25);
  }
  return true;
}

test('a recorded pid whose start time differs (a reused pid) is not signalled; the ledger is removed', async (t) => {
  const stateDir = tempDir('reap', t.after.bind(t));
  const bystander = owned(t, spawn('sleep', ['60'], { stdio: 'ignore' }));
  const pid = bystander.pid!;
  const realStart = processStartTime(pid);
  assert.ok(realStart);
  const file = writeLedger(stateDir, [{ pid, startedAt: `${realStart}-but-another-process`, nonce: NONCE, key: 'lab/main' }]);
  const result = await reapLeftoverShells(stateDir, quiet);
  await pause(300);
  assert.ok(isRunning(pid), 'the process that merely reuses the recorded pid was signalled');
  assert.equal(result.reused, 1);
  assert.equal(result.reaped, 0);
  assert.equal(existsSync(file), false, 'the ledger is cleared after the reap');
});

test('control: the same entry with the right start time gets the process ended', async (t) => {
  const stateDir = tempDir('reap', t.after.bind(t));
  const leftover = owned(t, spawn('sleep', ['60'], { stdio: 'ignore' }));
  const pid = leftover.pid!;
  writeLedger(stateDir, [{ pid, startedAt: processStartTime(pid)!, nonce: NONCE, key: 'lab/main' }]);
  const result = await reapLeftoverShells(stateDir, quiet);
  assert.equal(result.reaped, 1);
  assert.ok(await waitUntilGone(pid, 3000), 'the recorded process still runs');
});

/**
 * A gone shell's orphan: a session leader (bash) starts `sleep` in the background with
 * UPBIT_LAB_NONCE=<nonce>, prints its pid and exits; the sleep keeps the session id.
 */
async function orphanOfGoneShell(t: After, nonce: string): Promise<{ shell: ShellEntry; orphan: number }> {
  const leader = spawn('bash', ['-c', 'sleep 60 </dev/null >/dev/null 2>&1 & echo $!; read'], {
    detached: true, // setsid: bash leads a session, as a PTY shell does
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, UPBIT_LAB_NONCE: nonce },
  });
  owned(t, leader);
  const startedAt = processStartTime(leader.pid!);
  assert.ok(startedAt);
  const orphan = await new Promise<number>((resolve) => leader.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim()))));
  t.after(() => {
    try {
      process.kill(orphan, 'SIGKILL');
    } catch {
      // already ended
    }
  });
  const exited = new Promise((resolve) => leader.once('exit', resolve));
  leader.stdin!.end(); // `read` returns, bash exits, the sleep stays behind
  await exited;
  assert.equal(processStartTime(leader.pid!), null, 'the shell is gone');
  assert.ok(isRunning(orphan), 'its background job still runs');
  return { shell: { pid: leader.pid!, startedAt, nonce: NONCE, key: 'lab/main' }, orphan };
}

test('an orphan of a gone shell without that terminal\'s nonce is not signalled', { skip: !LINUX && 'needs /proc' }, async (t) => {
  const stateDir = tempDir('reap', t.after.bind(t));
  const { shell, orphan } = await orphanOfGoneShell(t, 'fedcba9876543210');
  writeLedger(stateDir, [shell]); // the ledger names NONCE, the orphan carries another
  await reapLeftoverShells(stateDir, quiet);
  await pause(300);
  assert.ok(isRunning(orphan), 'a process that cannot be proven ours was signalled');
});

test('control: an orphan of a gone shell that carries its nonce is ended', { skip: !LINUX && 'needs /proc' }, async (t) => {
  const stateDir = tempDir('reap', t.after.bind(t));
  const { shell, orphan } = await orphanOfGoneShell(t, NONCE);
  writeLedger(stateDir, [shell]);
  await reapLeftoverShells(stateDir, quiet);
  assert.ok(await waitUntilGone(orphan, 3000), 'the orphan still runs');
});

test('a ledger of a server that still runs is left alone; a malformed one is removed unread', async (t) => {
  const stateDir = tempDir('reap', t.after.bind(t));
  const shell = owned(t, spawn('sleep', ['60'], { stdio: 'ignore' }));
  const pid = shell.pid!;
  // The "other server" is this test process, which runs with its recorded start time.
  const live: LedgerContents = { server: { pid: process.pid, startedAt: processStartTime(process.pid)! }, shells: [{ pid, startedAt: processStartTime(pid)!, nonce: NONCE, key: 'lab/main' }] };
  const liveFile = ledgerFile(stateDir, process.pid);
  writeFileSync(liveFile, JSON.stringify(live));
  const broken = ledgerFile(stateDir, 515151);
  writeFileSync(broken, '{"server": 1, "shells": "not a list"');
  const result = await reapLeftoverShells(stateDir, quiet);
  await pause(300);
  assert.equal(result.live, 1);
  assert.ok(isRunning(pid), 'a live server\'s shell was signalled');
  assert.ok(existsSync(liveFile), 'a live server\'s ledger is kept');
  assert.equal(existsSync(broken), false, 'the malformed ledger is removed');
});
