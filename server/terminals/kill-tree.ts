// Stops a terminal's whole process tree. Interactive bash puts each job in its own process
// group, so signalling the shell's group is not enough; and one snapshot of the tree is not
// enough either: a program that ignores HUP and TERM keeps forking while we wait, and its
// children outlive the snapshot as orphans. So the tree is re-read before every signal and
// means: the PTY shell's session (node-pty makes the shell a session leader, and orphans keep
// their session when reparented) plus everything descended from the shell by parent pid (a
// child that called setsid). Escalation: SIGHUP → SIGTERM → rounds of SIGSTOP (a stopped
// process cannot fork) and SIGKILL until nothing of the tree is left, bounded in rounds and time.
// The crash reaper (reap.ts) passes `belongs` to narrow the tree to processes it can prove are
// its own, since it acts on a record written by a server that no longer runs.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How many stop-and-kill rounds at most (each re-reads the process table). */
const MAX_KILL_ROUNDS = 50;
/** How long the stop-and-kill rounds may take in all. */
const KILL_DEADLINE_MS = 5000;
const ROUND_PAUSE_MS = 20;

const HAS_PROC = existsSync('/proc/self/stat');

interface ProcessRow {
  pid: number;
  ppid: number;
  /** Session id; -1 where the platform does not tell (macOS ps has no sid column). */
  sid: number;
  /** Z or X on Linux: dead, waiting to be reaped. */
  state: string;
}

/** Fields after the `(comm)` of /proc/<pid>/stat: state, ppid, pgrp, session, ... */
function readProcStat(pid: number): ProcessRow | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0] ?? '', ppid: Number(fields[1]), sid: Number(fields[3]) };
  } catch {
    return null; // exited between listing and reading
  }
}

/** The process table: /proc on Linux (no fork per round), `ps` elsewhere. */
async function processTable(): Promise<ProcessRow[]> {
  if (HAS_PROC) {
    const rows: ProcessRow[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const row = readProcStat(Number(entry));
      if (row) rows.push(row);
    }
    return rows;
  }
  let table: string;
  try {
    table = (await run('ps', ['-A', '-o', 'pid=,ppid='], { timeout: 3000 })).stdout;
  } catch {
    return [];
  }
  const rows: ProcessRow[] = [];
  for (const line of table.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined || Number.isNaN(ppid)) continue;
    rows.push({ pid, ppid, sid: -1, state: '' });
  }
  return rows;
}

function descendantsIn(rows: readonly ProcessRow[], rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export async function descendantsOf(rootPid: number): Promise<number[]> {
  return descendantsIn(await processTable(), rootPid);
}

/** The live members of the tree rooted at the session leader `rootPid` (root included). */
async function treeOf(rootPid: number, belongs?: (pid: number) => boolean): Promise<number[]> {
  const rows = await processTable();
  const members = new Set(descendantsIn(rows, rootPid));
  for (const row of rows) if (row.sid === rootPid) members.add(row.pid);
  members.add(rootPid);
  return [...members].filter((pid) => pid !== process.pid && isRunning(pid) && (belongs?.(pid) ?? true));
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

/**
 * Whether a process still runs. A killed process whose parent has not reaped it yet (a
 * zombie) answers `kill(pid, 0)` but runs nothing, so on Linux we read its state instead.
 */
export function isRunning(pid: number): boolean {
  if (HAS_PROC) {
    const row = readProcStat(pid);
    return row !== null && row.state !== 'Z' && row.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface KillTreeOptions {
  /** Polite-signal wait in all (half after HUP, half after TERM). */
  graceMs?: number;
  /** Re-asked for every member before every signal; a process it refuses is never signalled. */
  belongs?: (pid: number) => boolean;
}

export async function killTree(rootPid: number, options: KillTreeOptions = {}): Promise<void> {
  const graceMs = options.graceMs ?? 1500;
  const tree = () => treeOf(rootPid, options.belongs);
  // The polite signals, each to the tree as it is now, then a wait for it to go.
  for (const name of ['SIGHUP', 'SIGTERM'] as const) {
    signal(await tree(), name);
    const deadline = Date.now() + graceMs / 2;
    while (Date.now() < deadline && (await tree()).length > 0) await pause(50);
    if ((await tree()).length === 0) return;
  }
  // Whatever is left ignores them. Freeze first, so nothing forks between reading the table
  // and the kill; then kill; repeat until a read finds nothing.
  const deadline = Date.now() + KILL_DEADLINE_MS;
  for (let round = 0; round < MAX_KILL_ROUNDS && Date.now() < deadline; round += 1) {
    const members = await tree();
    if (members.length === 0) return;
    signal(members, 'SIGSTOP');
    signal(members, 'SIGKILL');
    await pause(ROUND_PAUSE_MS);
  }
}
