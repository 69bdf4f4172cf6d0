// Runs a helper command (docker compose, lsof, ss, ps) for a probe with a hard timeout.
// Never throws: a missing tool or a hang is a finding for the probe, not a crash of doctor.
import { execFile } from 'node:child_process';

export type CommandOutcome =
  | { kind: 'ok'; stdout: string; stderr: string }
  /** Ran but exited non-zero; lsof exits 1 when nothing matches, which is still useful output. */
  | { kind: 'exit'; code: number | null; stdout: string; stderr: string }
  | { kind: 'missing' }
  | { kind: 'timeout' }
  | { kind: 'error'; message: string };

export function runCommand(file: string, args: readonly string[], timeoutMs: number): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    // execFile owns the child: `timeout` kills it with SIGKILL, so no hung helper outlives doctor.
    execFile(file, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024, windowsHide: true, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (!error) return resolve({ kind: 'ok', stdout, stderr });
      const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
      if (failure.code === 'ENOENT') return resolve({ kind: 'missing' });
      if (failure.killed === true) return resolve({ kind: 'timeout' });
      if (typeof failure.code === 'number' || failure.code === null) {
        return resolve({ kind: 'exit', code: typeof failure.code === 'number' ? failure.code : null, stdout, stderr });
      }
      resolve({ kind: 'error', message: failure.message });
    });
  });
}

/** Resolves to `onTimeout()` if `work` has not settled within `ms`; the timer never outlives the race. */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
