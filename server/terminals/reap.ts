// Crash cleanup at lab server start: ends what a previous server's shells left running
// (see shell-ledger.ts for why anything is left). It acts on a record written by a process
// that no longer runs, so it signals only what it can prove is that server's:
// - a shell whose pid still has the recorded start time: its tree, killed as dispose would;
// - a shell that is gone (it got its hangup): the members of its session that carry its
//   terminal's nonce in their environment (Linux; elsewhere neither can be read without a fork
//   per process, and those orphans are left);
// - a pid that now has another start time belongs to someone else and is never signalled.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processStartTime } from '../server-record.ts';
import { killTree } from './kill-tree.ts';
import { LEDGER_FILE, MAX_LEDGER_BYTES, MAX_LEDGER_SHELLS, type LedgerContents, type ShellEntry } from './shell-ledger.ts';

const NONCE = /^[0-9a-f]{8,64}$/;

export interface ReapResult {
  /** Ledger files read and removed. */
  ledgers: number;
  /** Shells whose (verified) processes were sent the tree kill. */
  reaped: number;
  /** Recorded pids now owned by another program: left alone. */
  reused: number;
  /** Ledgers of a server that still runs (another server on the same state folder): kept. */
  live: number;
}

/** The parsed ledger, or null when the file is not one of ours (malformed, oversized). */
function readLedger(file: string): LedgerContents | null {
  try {
    if (statSync(file).size > MAX_LEDGER_BYTES) return null;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed === null || typeof parsed !== 'object') return null;
    const { server, shells } = parsed as Record<string, unknown>;
    if (server === null || typeof server !== 'object' || !Array.isArray(shells)) return null;
    const { pid, startedAt } = server as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof startedAt !== 'string') return null;
    const valid = shells.slice(0, MAX_LEDGER_SHELLS).filter((entry: unknown): entry is ShellEntry => {
      if (entry === null || typeof entry !== 'object') return false;
      const e = entry as Record<string, unknown>;
      return Number.isSafeInteger(e['pid']) && (e['pid'] as number) > 1 && typeof e['startedAt'] === 'string'
        && typeof e['nonce'] === 'string' && NONCE.test(e['nonce']) && typeof e['key'] === 'string';
    });
    return { server: { pid, startedAt }, shells: valid };
  } catch {
    return null;
  }
}

/** Whether the process's environment holds exactly UPBIT_LAB_NONCE=<nonce> (Linux /proc only). */
export function carriesNonce(pid: number, nonce: string): boolean {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false; // gone, or not ours to read (another user, a setuid program)
  }
  const wanted = `UPBIT_LAB_NONCE=${nonce}`;
  return environ.toString('utf8').split('\0').includes(wanted);
}

const HAS_PROC = processStartTime(process.pid)?.startsWith('proc:') ?? false;

/** Ends one recorded shell's leftovers; false when the pid belongs to someone else now. */
async function reapShell(shell: ShellEntry): Promise<boolean> {
  const now = processStartTime(shell.pid);
  if (now === shell.startedAt) {
    // The shell itself survived. Its root is re-checked before every signal, so even a pid
    // reused in the middle of the kill rounds is left alone.
    await killTree(shell.pid, { belongs: (pid) => pid !== shell.pid || processStartTime(pid) === shell.startedAt });
    return true;
  }
  if (now === null) {
    // The shell is gone, but its session can live on in jobs that ignored the hangup. While one
    // does, the kernel keeps the session id from being reused; the nonce check proves it is ours.
    if (HAS_PROC) await killTree(shell.pid, { belongs: (pid) => carriesNonce(pid, shell.nonce) });
    return true;
  }
  return false;
}

export async function reapLeftoverShells(stateDir: string, log: (line: string) => void = console.log): Promise<ReapResult> {
  const result: ReapResult = { ledgers: 0, reaped: 0, reused: 0, live: 0 };
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return result; // no state folder yet: first start
  }
  const started = Date.now();
  const jobs: Array<Promise<void>> = [];
  for (const name of names) {
    const file = join(stateDir, name);
    // A temp file from a write a crash interrupted (its rename never happened). Named by its
    // writer's pid: a live server's write in progress is left to finish.
    const temp = /^shells-\d+\.json\.(\d+)\.tmp$/.exec(name);
    if (temp) {
      if (processStartTime(Number(temp[1])) === null) rmSync(file, { force: true });
      continue;
    }
    if (!LEDGER_FILE.test(name)) continue;
    const ledger = readLedger(file);
    if (ledger === null) {
      rmSync(file, { force: true });
      log(`${name}: 알아볼 수 없는 셸 기록이라 지웠습니다 (아무 프로세스에도 신호를 보내지 않았습니다).`);
      continue;
    }
    if (processStartTime(ledger.server.pid) === ledger.server.startedAt) {
      result.live += 1; // another lab server on this state folder still owns these shells
      continue;
    }
    result.ledgers += 1;
    jobs.push((async () => {
      const outcomes = await Promise.all(ledger.shells.map(reapShell));
      result.reaped += outcomes.filter(Boolean).length;
      result.reused += outcomes.filter((reaped) => !reaped).length;
      rmSync(file, { force: true });
    })());
  }
  await Promise.all(jobs);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.reaped > 0) log(`지난번 실습 서버가 제대로 꺼지지 않아 남은 셸 ${result.reaped}개와 그 안의 프로그램을 정리했습니다 (${seconds}초).`);
  if (result.reused > 0) log(`기록된 셸 pid ${result.reused}개는 이제 다른 프로그램의 것이라 건드리지 않았습니다.`);
  return result;
}
