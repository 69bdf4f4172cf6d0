// Owns every lab terminal of one lab server (or one headless run). Terminals are keyed by
// `<lab>/<name>` and live until the pool disposes them: a page reload reattaches to the
// same shell; closing the last page starts a grace timer, after which the shells are killed.
import { LabTerminal, type LabTerminalOptions } from './lab-terminal.ts';

export interface TerminalPoolOptions {
  cwd: string;
  env?: Record<string, string>;
  maxTerminals?: number;
}

export class TerminalLimitError extends Error {}

export class TerminalPool {
  readonly #options: TerminalPoolOptions;
  readonly #terminals = new Map<string, LabTerminal>();
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
    if (existing && !existing.exited) return existing;
    if (!existing && this.#terminals.size >= (this.#options.maxTerminals ?? 16)) {
      throw new TerminalLimitError(`터미널은 최대 ${this.#options.maxTerminals ?? 16}개까지 열 수 있습니다`);
    }
    const options: LabTerminalOptions = { key, cwd: this.#options.cwd, ...(size ?? {}) };
    if (this.#options.env) options.env = this.#options.env;
    const terminal = new LabTerminal(options);
    this.#terminals.set(key, terminal);
    return terminal;
  }

  all(): LabTerminal[] {
    return [...this.#terminals.values()];
  }

  async disposeLab(lab: string): Promise<void> {
    const doomed = [...this.#terminals].filter(([key]) => key.startsWith(`${lab}/`));
    for (const [key] of doomed) this.#terminals.delete(key);
    await Promise.all(doomed.map(([, terminal]) => terminal.dispose()));
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const all = [...this.#terminals.values()];
    this.#terminals.clear();
    await Promise.all(all.map((terminal) => terminal.dispose()));
  }
}
