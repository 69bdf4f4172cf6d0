// The running lab server's record in .lab-state/server.json, and how `npm stop` knows the pid
// in it is still that server. A pid outlives its process: after a crash or reboot the file can
// name an unrelated program, so the record also keeps the process's start time and command
// line, and nothing is signalled unless both still match. The lab shells' ledger
// (terminals/shell-ledger.ts) uses the same idea with `processStartTime`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessIdentity {
  /** `ps -o lstart`: when the process started (second resolution), in the C locale. */
  startedAt: string;
  /** `ps -o args`: its full command line. */
  command: string;
}

export interface ServerRecord extends ProcessIdentity {
  pid: number;
  port: number;
  url: string;
}

/** The identity of a running process, or null when there is none (or ps cannot tell). */
export function processIdentity(pid: number): ProcessIdentity | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  // ps on both Linux and macOS; LC_ALL=C keeps lstart's format the same for writer and reader.
  const ask = (field: string): string | null => {
    try {
      return execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null; // ps exits 1 when no such process
    }
  };
  const startedAt = ask('lstart');
  const command = ask('args');
  if (!startedAt || !command) return null;
  return { startedAt, command };
}

const HAS_PROC = existsSync('/proc/self/stat');

/** This boot's id: /proc start times count clock ticks since boot, so they repeat across reboots. */
let bootId: string | undefined;
function currentBootId(): string {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = 'unknown';
    }
  }
  return bootId;
}

/**
 * When a process started, as an opaque string to compare for equality: two different processes
 * never share it even when the kernel reuses the pid. Linux: field 22 (starttime, in clock ticks
 * since boot) of /proc/<pid>/stat, tagged with the boot id, read without a fork (the server calls
 * this on every PTY spawn). Elsewhere `ps -o lstart` (second resolution, as in the server record).
 * Null when no such process exists.
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  if (HAS_PROC) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    // The command name in parentheses may hold spaces or ')'; the fields after the last ')' do not.
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ticks ? `proc:${currentBootId()}:${ticks}` : null;
  }
  const identity = processIdentity(pid);
  return identity ? `ps:${identity.startedAt}` : null;
}

/** Writes this process's record (main.ts, once listening). */
export function writeServerRecord(file: string, server: { port: number; url: string }): void {
  const identity = processIdentity(process.pid);
  if (!identity) throw new Error(`cannot read this process's own identity (pid ${process.pid})`);
  mkdirSync(dirname(file), { recursive: true });
  const record: ServerRecord = { pid: process.pid, port: server.port, url: server.url, ...identity };
  writeFileSync(file, JSON.stringify(record));
}

/** The record, or null when the file is missing or not one of ours (malformed, old format). */
export function readServerRecord(file: string): ServerRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const { pid, port, url, startedAt, command } = parsed as Record<string, unknown>;
  if (typeof pid !== 'number' || typeof startedAt !== 'string' || typeof command !== 'string') return null;
  return { pid, port: typeof port === 'number' ? port : 0, url: typeof url === 'string' ? url : '', startedAt, command };
}

export type RecordState = 'running' | 'gone' | 'stale';

/** `running`: the recorded server itself; `gone`: nothing has that pid; `stale`: another program does. */
export function recordState(record: ServerRecord): RecordState {
  const now = processIdentity(record.pid);
  if (now === null) return 'gone';
  return now.startedAt === record.startedAt && now.command === record.command ? 'running' : 'stale';
}

export function removeServerRecord(file: string): void {
  rmSync(file, { force: true });
}
