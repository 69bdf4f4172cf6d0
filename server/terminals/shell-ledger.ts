// The lab server's ledger of the shells it has spawned, in .lab-state/shells-<server pid>.json.
// A server killed with SIGKILL (or OOM, or a power cut of the process) runs no dispose, and
// its shells do not always die with it: node-pty 1.1.0 leaks earlier PTY masters into later
// shells on Linux (microsoft/node-pty#657), so surviving shells keep each other's terminals
// open and never get a hangup; and a job that ignores SIGHUP outlives its shell in any case.
// The ledger is what the next server start reads to find and end them (reap.ts). One file per
// server, so two servers sharing a state folder never reap each other's live shells.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../server-record.ts';

/** More entries than this are never kept (the pool allows 16 terminals); the oldest is dropped. */
export const MAX_LEDGER_SHELLS = 64;
/** A ledger file larger than this is not ours to trust: the reaper removes it unread. */
export const MAX_LEDGER_BYTES = 64 * 1024;
/** Keys are `<lab>/<terminal>`; anything longer is cut, which keeps each entry small. */
const MAX_KEY_CHARS = 120;

export const LEDGER_FILE = /^shells-(\d+)\.json$/;

export interface ShellEntry {
  pid: number;
  /** processStartTime() of the shell when it was spawned: the identity a reused pid lacks. */
  startedAt: string;
  /** The terminal's UPBIT_LAB_NONCE, which every process the shell starts inherits. */
  nonce: string;
  key: string;
}

export interface LedgerContents {
  /** The server that wrote it: while that server still runs, its shells are not leftovers. */
  server: { pid: number; startedAt: string };
  shells: ShellEntry[];
}

/** What a lab terminal needs from the ledger (the pool passes it down; tests pass none). */
export interface ShellRecorder {
  record(pid: number, nonce: string, key: string): void;
  forget(pid: number): void;
}

export function ledgerFile(stateDir: string, serverPid: number): string {
  return join(stateDir, `shells-${serverPid}.json`);
}

export class ShellLedger implements ShellRecorder {
  readonly file: string;
  readonly #stateDir: string;
  readonly #server: LedgerContents['server'];
  /** Insertion order is spawn order, so the first entry is the oldest. */
  readonly #shells = new Map<number, ShellEntry>();
  #closed = false;
  #warned = false;

  constructor(stateDir: string) {
    const startedAt = processStartTime(process.pid);
    if (startedAt === null) throw new Error(`cannot read this process's own start time (pid ${process.pid})`);
    this.#stateDir = stateDir;
    this.#server = { pid: process.pid, startedAt };
    this.file = ledgerFile(stateDir, process.pid);
  }

  record(pid: number, nonce: string, key: string): void {
    if (this.#closed) return;
    const startedAt = processStartTime(pid);
    // Gone already (a shell that failed to start): nothing to find after a crash.
    if (startedAt === null) return;
    this.#shells.set(pid, { pid, startedAt, nonce, key: key.slice(0, MAX_KEY_CHARS) });
    while (this.#shells.size > MAX_LEDGER_SHELLS) {
      const oldest = this.#shells.keys().next().value;
      if (oldest === undefined) break;
      this.#shells.delete(oldest);
      console.warn(`shell ledger: more than ${MAX_LEDGER_SHELLS} shells; pid ${oldest} is no longer recorded for crash cleanup`);
    }
    this.#write();
  }

  forget(pid: number): void {
    if (this.#closed || !this.#shells.delete(pid)) return;
    this.#write();
  }

  /** A clean shutdown, after every terminal is disposed: nothing is left for a reaper. */
  close(): void {
    this.#closed = true;
    this.#shells.clear();
    rmSync(this.file, { force: true });
  }

  #write(): void {
    const contents: LedgerContents = { server: this.#server, shells: [...this.#shells.values()] };
    // Temp file in the same folder, then rename: a reader (or a crash mid-write) sees the old
    // ledger or the new one, never half of one.
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(this.#stateDir, { recursive: true });
      writeFileSync(temp, JSON.stringify(contents), { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      rmSync(temp, { force: true });
      // A full disk must not take the terminals down with it; crash cleanup is what is lost.
      if (!this.#warned) console.warn(`shell ledger: cannot write ${this.file} (crash cleanup of lab shells is off): ${String(error)}`);
      this.#warned = true;
    }
  }
}
