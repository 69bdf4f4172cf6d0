// Lab terminals on a real PTY: exit status through shell integration (and not forgeable),
// flow control that bounds memory under a flood, Ctrl-C that still works, reattach with no
// gap and no duplicate, and dispose that leaves no process behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { descendantsOf, isRunning } from '../../server/terminals/kill-tree.ts';
import { FLOW_HIGH_WATER } from '../../server/terminals/lab-terminal.ts';
import { TerminalPool } from '../../server/terminals/pool.ts';
import { toPlainText } from '../../server/terminals/ring-buffer.ts';
import { tempDir } from '../helpers/temp.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newPool() {
  return new TerminalPool({ cwd: process.cwd() });
}

test('the exit status of a typed command comes from the prompt marker, and cannot be forged', async (t) => {
  const pool = newPool();
  t.after(() => pool.dispose());
  const terminal = pool.open('t', 'main');
  await terminal.whenReady();
  let exit = terminal.nextExit();
  await terminal.type('false');
  assert.equal(await exit, 1);
  exit = terminal.nextExit();
  // A program printing a marker with a guessed nonce must not end the command early.
  await terminal.type(`printf '\\033]633;D;0;deadbeefdeadbeef\\007'; sleep 0.3; exit_code_test() { return 7; }; exit_code_test`);
  assert.equal(await exit, 7);
});

test('a flood pauses the PTY at the high-water mark; acking resumes it; Ctrl-C ends it within a second', async (t) => {
  const pool = newPool();
  t.after(() => pool.dispose());
  const terminal = pool.open('t', 'flood');
  await terminal.whenReady();
  let received = 0;
  terminal.attach({ send: (data) => { received += Buffer.byteLength(data); } });
  const exited = terminal.nextExit();
  await terminal.type('yes upbit-lab-flood');
  await pause(1500);
  assert.ok(terminal.paused, 'paused without acks');
  const held = received;
  await pause(500);
  assert.equal(received, held, 'nothing more is sent while paused');
  assert.ok(terminal.unacknowledged <= FLOW_HIGH_WATER + 128 * 1024, `unacked ${terminal.unacknowledged} stays bounded`);
  // The page acks what it drew: the server resumes.
  terminal.ack(received);
  await pause(200);
  assert.ok(received > held, 'resumed after ack');
  // Ctrl-C while a page keeps acking, as xterm does.
  const acker = setInterval(() => terminal.ack(received), 20);
  const sentAt = Date.now();
  terminal.interrupt();
  const code = await exited;
  clearInterval(acker);
  const stopMs = Date.now() - sentAt;
  console.log(`# Ctrl-C to prompt: ${stopMs} ms`);
  assert.equal(code, 130);
  assert.ok(stopMs < 1000, `stopped in ${stopMs} ms`);
});

test('reattaching replays the screen with no gap and no duplicate', async (t) => {
  const pool = newPool();
  t.after(() => pool.dispose());
  const terminal = pool.open('t', 'replay');
  await terminal.whenReady();
  let first = '';
  const sinkA = { send: (data: string) => { first += data; } };
  terminal.attach(sinkA);
  const done = terminal.nextExit();
  await terminal.type('for i in $(seq 1 2000); do echo line-$i; done; sleep 0.2; for i in $(seq 2001 4000); do echo line-$i; done');
  // Detach once the first page has drawn part of the output (not merely once the PTY produced
  // it: a batch not yet flushed is dropped at detach, and belongs to the replay instead).
  let midway = false;
  for (const until = Date.now() + 20_000; !midway && Date.now() < until; await pause(5)) midway = first.includes('line-1500');
  terminal.detach(sinkA);
  let second = '';
  const sinkB = { send: (data: string) => { second += data; } };
  second = terminal.attach(sinkB);
  await done;
  await pause(100);
  const lines = toPlainText(second).split('\n').map((l) => l.trim()).filter((l) => /^line-\d+$/.test(l));
  const numbers = lines.map((l) => Number(l.slice(5)));
  // On failure, say what went wrong (a gap, a duplicate, or a cut replay), not just a count.
  const firstOutOfPlace = numbers.findIndex((n, i) => n !== i + 1);
  const report = `midway seen ${midway}; ${numbers.length} lines, first out of place at ${firstOutOfPlace} (${numbers[firstOutOfPlace]}), replay ${second.length} chars, first ${first.length} chars; tail: ${JSON.stringify(second.slice(-300))}`;
  assert.equal(numbers.length, 4000, `every line exactly once: ${report}`);
  assert.equal(firstOutOfPlace, -1, `in order: ${report}`);
  assert.ok(first.length > 0);
});

/** The PTY masters a process holds, by tty index (/proc/<pid>/fdinfo names the terminal). */
function mastersHeldBy(pid: number): string[] {
  const held: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== '/dev/ptmx') continue;
      held.push(/tty-index:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1] ?? `fd ${fd}`);
    } catch {
      // closed meanwhile
    }
  }
  return held;
}

test('a later shell, and what it starts, holds no earlier terminal\'s PTY master (node-pty#657)', { skip: !existsSync('/proc/self/fd') && 'reads /proc' }, async (t) => {
  const pool = newPool();
  t.after(() => pool.dispose());
  const terminals = ['one', 'two', 'three'].map((name) => pool.open('t', name));
  await Promise.all(terminals.map((terminal) => terminal.whenReady()));
  const last = terminals.at(-1)!;
  await last.type('sleep 30 &');
  await last.nextExit();
  const job = (await descendantsOf(last.pid))[0];
  assert.ok(job, 'the background job runs');
  console.log(`# PTY masters held: server ${mastersHeldBy(process.pid).length}, later shells ${terminals.slice(1).map((terminal) => mastersHeldBy(terminal.pid).length).join('/')}, job ${mastersHeldBy(job).length}`);
  for (const terminal of terminals) assert.deepEqual(mastersHeldBy(terminal.pid), [], `shell ${terminal.key} holds another terminal's master`);
  assert.deepEqual(mastersHeldBy(job), [], 'a job of the last shell holds a master');
});

test('dispose kills the shell and every job it started, background ones included', async () => {
  const pool = newPool();
  const terminal = pool.open('t', 'tree');
  await terminal.whenReady();
  await terminal.type('sleep 300 & sleep 301');
  await pause(500);
  const pids = await descendantsOf(terminal.pid);
  assert.ok(pids.length >= 2, `children ${pids}`);
  await pool.dispose();
  await pause(200);
  const alive = [...pids, terminal.pid].filter(isRunning);
  assert.deepEqual(alive, []);
});

test('dispose sends Ctrl-C first, so a running client can clean up (as docker compose run needs)', async (t) => {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const marker = join(tempDir('ctrl-c', t.after.bind(t)), 'cleaned');
  const pool = newPool();
  const terminal = pool.open('t', 'cleanup');
  await terminal.whenReady();
  // Ignores HUP and TERM like a CLI busy forwarding signals; only Ctrl-C lets it clean up.
  await terminal.type(`bash -c 'trap "touch ${marker}; exit 0" INT; trap "" HUP TERM; while :; do sleep 0.1; done'`);
  await pause(500);
  await pool.dispose();
  assert.ok(existsSync(marker), 'the program saw Ctrl-C before being killed');
});

test('dispose leaves no process of a tree that ignores HUP, TERM and INT and keeps forking', async (t) => {
  // A unique sleep length marks this test's processes in the process table.
  const marker = `sleep 30.${1000 + Math.floor(Math.random() * 8999)}`;
  const survivors = async () => {
    const { execFileSync } = await import('node:child_process');
    return execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(marker) && !line.includes('bash -c'))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  };
  // Whatever the code under test misses is still ours to end.
  t.after(async () => {
    for (const pid of await survivors()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  });
  const pool = newPool();
  const terminal = pool.open('t', 'forker');
  await terminal.whenReady();
  // Bounded: 300 children, one every 20 ms, each ignoring the polite signals.
  await terminal.type(`bash -c 'trap "" HUP TERM INT; for i in $(seq 1 300); do (trap "" HUP TERM INT; exec ${marker}) & sleep 0.02; done; wait'`);
  await pause(800);
  assert.ok((await survivors()).length > 5, 'the forker is running');
  await pool.dispose();
  await pause(300);
  const left = (await survivors()).filter(isRunning);
  assert.deepEqual(left, [], `${left.length} processes of the tree survived dispose`);
});

test('at the cap, opening one more reclaims the oldest idle terminal of another lab, never a busy or watched one', async (t) => {
  // The whole course opens 31 terminals in one session; the cap must not stop a learner there.
  const pool = new TerminalPool({ cwd: process.cwd(), maxTerminals: 3 });
  t.after(() => pool.dispose());
  const idle = pool.open('lab-a', 'main');
  const busy = pool.open('lab-b', 'collector');
  const watched = pool.open('lab-c', 'main');
  await Promise.all([idle.whenReady(), busy.whenReady(), watched.whenReady()]);
  await busy.type('sleep 30');
  watched.attach({ send: () => {} });
  const idlePid = idle.pid;

  const fresh = pool.open('lab-d', 'main');
  await fresh.whenReady();
  assert.equal(pool.get('lab-a', 'main'), undefined, 'the idle terminal of another lab was reclaimed');
  assert.ok(pool.get('lab-b', 'collector'), 'the busy one is kept');
  assert.ok(pool.get('lab-c', 'main'), 'the one a page shows is kept');
  for (let i = 0; i < 40 && isRunning(idlePid); i++) await pause(50);
  assert.equal(isRunning(idlePid), false, 'the reclaimed shell is gone');

  // Nothing left to reclaim (busy, watched, and the fresh one now running a command): refused, in Korean.
  await fresh.type('sleep 30');
  assert.throws(() => pool.open('lab-e', 'main'), /최대 3개.*Ctrl-C/);
});
