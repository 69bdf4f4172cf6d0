// Stops a terminal's whole process tree. Interactive bash puts each job in its own process
// group, so signalling the shell's group is not enough: we walk descendants with `ps`
// (present on Linux and macOS), then escalate SIGHUP → SIGTERM → SIGKILL.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function descendantsOf(rootPid: number): Promise<number[]> {
  let table: string;
  try {
    table = (await run('ps', ['-A', '-o', 'pid=,ppid='], { timeout: 3000 })).stdout;
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined || Number.isNaN(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
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

function signal(pids: readonly number[], name: NodeJS.Signals): number[] {
  return pids.filter((pid) => {
    try {
      process.kill(pid, name);
      return true;
    } catch {
      return false; // already gone
    }
  });
}

const HAS_PROC = existsSync('/proc/self/stat');

/**
 * Whether a process still runs. A killed process whose parent has not reaped it yet (a
 * zombie) answers `kill(pid, 0)` but runs nothing, so on Linux we read its state instead.
 */
export function isRunning(pid: number): boolean {
  if (HAS_PROC) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function killTree(rootPid: number, graceMs = 1500): Promise<void> {
  const pids = [...(await descendantsOf(rootPid)), rootPid];
  for (const name of ['SIGHUP', 'SIGTERM'] as const) {
    signal(pids, name);
    const deadline = Date.now() + graceMs / 2;
    while (Date.now() < deadline && pids.some(isRunning)) await pause(50);
    if (!pids.some(isRunning)) return;
  }
  signal(pids.filter(isRunning), 'SIGKILL');
}
