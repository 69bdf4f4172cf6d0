// The running lab server's record in .lab-state/server.json, and how `npm stop` knows the pid
// in it is still that server. A pid outlives its process: after a crash or reboot the file can
// name an unrelated program, so the record also keeps the process's start time and command
// line, and nothing is signalled unless both still match.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
