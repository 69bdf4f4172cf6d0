// Owns every lab terminal of one lab server (or one headless run). Terminals are keyed by
// `<lab>/<name>`, start in the folder their lab says, and live until the pool disposes them
// (one lab's, or all): a page reload reattaches to the same shell. When to dispose is the
// owner's call (main.ts ends a lab's shells after a grace period with no page attached).
// At the cap, opening one more reclaims the least recently opened terminal of another lab
// that nothing needs (exited, or idle at its prompt with no page attached): walking the
// whole course in one session opens 31 terminals, and a learner must not hit a wall at 16.
import { LabTerminal, type LabTerminalOptions } from './lab-terminal.ts';
import type { ShellRecorder } from './shell-ledger.ts';

export interface TerminalPoolOptions {
  /** The folder a lab's shells start in: one for all, or per lab id. */
  cwd: string | ((lab: string) => string);
  env?: Record<string, string>;
  maxTerminals?: number;
  /** Where every spawned shell is recorded for crash cleanup (the lab server's ledger). */
  recorder?: ShellRecorder;
}

export class TerminalLimitError extends Error {}

export class TerminalPool {
  readonly #options: TerminalPoolOptions;
  readonly #terminals = new Map<string, LabTerminal>();
  /** When each key was last opened (reattached or started): the reclaim order. */
  readonly #lastOpened = new Map<string, number>();
  #openCount = 0;
  #disposed = false;

  constructor(options: TerminalPoolOptions) {
    this.#options = options;
  }

  static key(lab: string, name: string): string {
    return `${lab}/${name}`;
  }

  get(lab: string, name: string): LabTerminal | undefined {
    return this.#terminals.get(TerminalPool.key(lab, name));
  }

  /** The lab's terminal, started on first use (and restarted if its shell exited). */
  open(lab: string, name: string, size?: { cols: number; rows: number }): LabTerminal {
    if (this.#disposed) throw new Error('terminal pool is disposed');
    const key = TerminalPool.key(lab, name);
    const existing = this.#terminals.get(key);
    this.#lastOpened.set(key, ++this.#openCount);
    if (existing && !existing.exited) return existing;
    // The exited one is replaced below; disposing it (no kill: its shell is gone) drops its
    // ledger entry, which would otherwise outlive it.
    if (existing) void existing.dispose();
    const max = this.#options.maxTerminals ?? 16;
    if (!existing && this.#terminals.size >= max && !this.#reclaimOne(lab)) {
      throw new TerminalLimitError(`터미널은 최대 ${max}개까지 열 수 있습니다. 지금은 모두 명령을 실행 중이거나 페이지에 열려 있습니다: 쓰지 않는 실습의 터미널에서 명령을 끝내거나(Ctrl-C) 창을 닫은 뒤 다시 실행하세요`);
    }
    const cwd = typeof this.#options.cwd === 'string' ? this.#options.cwd : this.#options.cwd(lab);
    const options: LabTerminalOptions = { key, cwd, ...(size ?? {}) };
    if (this.#options.env) options.env = this.#options.env;
    if (this.#options.recorder) options.recorder = this.#options.recorder;
    const terminal = new LabTerminal(options);
    this.#terminals.set(key, terminal);
    return terminal;
  }

  /**
   * Disposes the least recently opened terminal of another lab that nothing needs, so a new
   * one fits under the cap. A busy one (a command running) or one a page shows is kept.
   */
  #reclaimOne(forLab: string): boolean {
    let victim: string | undefined;
    let oldest = Infinity;
    for (const [key, terminal] of this.#terminals) {
      if (key.startsWith(`${forLab}/`)) continue;
      if (!terminal.exited && (terminal.busy || terminal.attached)) continue;
      const opened = this.#lastOpened.get(key) ?? 0;
      if (opened < oldest) { oldest = opened; victim = key; }
    }
    if (victim === undefined) return false;
    const terminal = this.#terminals.get(victim)!;
    this.#terminals.delete(victim);
    this.#lastOpened.delete(victim);
    void terminal.dispose();
    return true;
  }

  all(): LabTerminal[] {
    return [...this.#terminals.values()];
  }

  async disposeLab(lab: string): Promise<void> {
    const doomed = [...this.#terminals].filter(([key]) => key.startsWith(`${lab}/`));
    for (const [key] of doomed) { this.#terminals.delete(key); this.#lastOpened.delete(key); }
    await Promise.all(doomed.map(([, terminal]) => terminal.dispose()));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const all = [...this.#terminals.values()];
    this.#terminals.clear();
    this.#lastOpened.clear();
    await Promise.all(all.map((terminal) => terminal.dispose()));
  }
}
