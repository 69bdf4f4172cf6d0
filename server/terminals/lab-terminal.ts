// One real shell in a PTY, owned by the terminal pool. It knows three things a plain PTY
// does not: when a command ends and with what status (shell integration markers), what the
// learner saw recently (bounded, for checks and for replay after a reload), and how much
// output the attached page has not yet acknowledged (flow control: pause above a high-water
// mark so a flood cannot grow server memory).
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { OutputRing, toPlainText } from './ring-buffer.ts';
import { killTree } from './kill-tree.ts';

const BASHRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'shell', 'bashrc');

export const FLOW_HIGH_WATER = 256 * 1024;
export const FLOW_LOW_WATER = 64 * 1024;
const BATCH_MS = 5;
const BATCH_MAX_CHARS = 64 * 1024;
const REPLAY_CHARS = 256 * 1024;
const PLAIN_TEXT_CHARS = 128 * 1024;

/** Where the attached page's bytes go; `send` returns nothing, flow control is by ack. */
export interface TerminalSink {
  send(data: string): void;
  /** Another page took this terminal over. */
  detached?(): void;
}

export interface LabTerminalOptions {
  key: string;
  cwd: string;
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
}

interface ExitWaiter {
  resolve(exitCode: number): void;
}

export class TerminalBusyError extends Error {}

export class LabTerminal {
  readonly key: string;
  readonly #pty: pty.IPty;
  readonly #nonce = randomBytes(8).toString('hex');
  readonly #ring = new OutputRing(REPLAY_CHARS);
  readonly #markerPattern: RegExp;
  #plain = '';
  /** Total plain-text characters ever produced: lets checks read "output since X". */
  #plainOffset = 0;
  #markerCarry = '';
  #sink: TerminalSink | null = null;
  #batch: string[] = [];
  #batchChars = 0;
  #batchTimer: NodeJS.Timeout | null = null;
  #unacked = 0;
  #paused = false;
  #ready: Promise<void>;
  #markReady!: () => void;
  #exitWaiters: ExitWaiter[] = [];
  #commandRunning = false;
  #exited = false;
  #exitListeners: Array<(code: number) => void> = [];
  #outputListeners: Array<() => void> = [];
  #disposed: Promise<void> | null = null;

  constructor(options: LabTerminalOptions) {
    this.key = options.key;
    this.#markerPattern = new RegExp(`\\u001b\\]633;([AD])(?:;(-?\\d+))?;${this.#nonce}\\u0007`, 'g');
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    const binDir = dirname(process.execPath);
    this.#pty = pty.spawn('bash', ['--noprofile', '--rcfile', BASHRC, '-i'], {
      name: 'xterm-256color',
      cols: options.cols ?? 120,
      rows: options.rows ?? 32,
      cwd: options.cwd,
      env: {
        ...stringEnv(process.env),
        TERM: 'xterm-256color',
        COLORTERM: 'truecolor',
        LANG: process.env['LANG'] ?? 'C.UTF-8',
        // The node that runs the lab server also runs the lab's TypeScript clients.
        PATH: `${binDir}:${process.env['PATH'] ?? ''}`,
        BASH_SILENCE_DEPRECATION_WARNING: '1',
        UPBIT_LAB_NONCE: this.#nonce,
        ...options.env,
      },
    });
    this.#pty.onData((data) => this.#onData(data));
    this.#pty.onExit(({ exitCode }) => {
      this.#exited = true;
      for (const waiter of this.#exitWaiters.splice(0)) waiter.resolve(exitCode);
      for (const listener of this.#exitListeners) listener(exitCode);
    });
  }

  get pid(): number {
    return this.#pty.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** True while a command typed by the step runner (or the learner) has not returned to the prompt. */
  get busy(): boolean {
    return this.#commandRunning;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get unacknowledged(): number {
    return this.#unacked;
  }

  whenReady(): Promise<void> {
    return this.#ready;
  }

  onExit(listener: (code: number) => void): () => void {
    this.#exitListeners.push(listener);
    return () => {
      this.#exitListeners = this.#exitListeners.filter((l) => l !== listener);
    };
  }

  /** Called after every chunk of output (checks waiting for text use it). */
  onOutput(listener: () => void): () => void {
    this.#outputListeners.push(listener);
    return () => {
      this.#outputListeners = this.#outputListeners.filter((l) => l !== listener);
    };
  }

  #onData(data: string): void {
    this.#ring.push(data);
    this.#scanMarkers(data);
    this.#appendPlain(data);
    if (this.#sink) this.#enqueue(data);
    for (const listener of this.#outputListeners) listener();
  }

  #scanMarkers(data: string): void {
    // Markers may straddle chunks: scan the carried tail together with the new chunk.
    const text = this.#markerCarry + data;
    this.#markerPattern.lastIndex = 0;
    let lastEnd = 0;
    for (let match = this.#markerPattern.exec(text); match; match = this.#markerPattern.exec(text)) {
      lastEnd = match.index + match[0].length;
      if (match[1] === 'A') {
        this.#markReady();
      } else {
        this.#commandRunning = false;
        const code = Number(match[2] ?? 0);
        for (const waiter of this.#exitWaiters.splice(0)) waiter.resolve(code);
      }
    }
    const tail = text.slice(lastEnd);
    const escapeAt = tail.lastIndexOf('\u001b]633;');
    this.#markerCarry = escapeAt >= 0 && tail.length - escapeAt < 80 ? tail.slice(escapeAt) : '';
  }

  #appendPlain(data: string): void {
    const plain = toPlainText(data);
    this.#plain += plain;
    this.#plainOffset += plain.length;
    if (this.#plain.length > PLAIN_TEXT_CHARS) this.#plain = this.#plain.slice(-PLAIN_TEXT_CHARS);
  }

  /** A mark to pass to `textSince` later. */
  mark(): number {
    return this.#plainOffset;
  }

  /** Plain text produced since `mark` (bounded to the most recent 128K characters). */
  textSince(mark: number): string {
    const available = this.#plainOffset - this.#plain.length;
    return this.#plain.slice(Math.max(0, mark - available));
  }

  #enqueue(data: string): void {
    this.#batch.push(data);
    this.#batchChars += data.length;
    if (this.#batchChars >= BATCH_MAX_CHARS) {
      this.#flush();
    } else if (!this.#batchTimer) {
      this.#batchTimer = setTimeout(() => this.#flush(), BATCH_MS);
    }
  }

  #flush(): void {
    if (this.#batchTimer) clearTimeout(this.#batchTimer);
    this.#batchTimer = null;
    if (!this.#sink || this.#batch.length === 0) return;
    const chunk = this.#batch.join('');
    this.#batch = [];
    this.#batchChars = 0;
    this.#unacked += Buffer.byteLength(chunk);
    this.#sink.send(chunk);
    if (!this.#paused && this.#unacked > FLOW_HIGH_WATER) {
      this.#paused = true;
      this.#pty.pause();
    }
  }

  /**
   * Makes `sink` the one page that sees this terminal and returns the recent screen to replay
   * first. Everything before the return value is in the replay; everything after goes to the
   * sink, so there is no gap and no duplicate.
   */
  attach(sink: TerminalSink): string {
    const previous = this.#sink;
    this.#batch = [];
    this.#batchChars = 0;
    this.#sink = sink;
    this.#unacked = 0;
    this.#resume();
    if (previous && previous !== sink) previous.detached?.();
    return this.#ring.snapshot();
  }

  detach(sink: TerminalSink): void {
    if (this.#sink !== sink) return;
    this.#flushTimerOff();
    this.#sink = null;
    this.#batch = [];
    this.#batchChars = 0;
    // Nobody is reading: keep the program running; the ring keeps memory bounded.
    this.#unacked = 0;
    this.#resume();
  }

  #flushTimerOff(): void {
    if (this.#batchTimer) clearTimeout(this.#batchTimer);
    this.#batchTimer = null;
  }

  ack(bytes: number): void {
    this.#unacked = Math.max(0, this.#unacked - bytes);
    if (this.#paused && this.#unacked < FLOW_LOW_WATER) this.#resume();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pty.resume();
  }

  /** Keyboard input from the learner. */
  write(data: string): void {
    if (this.#exited) return;
    if (/[\r\n]/.test(data) && !this.#commandRunning) this.#commandRunning = true;
    this.#pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.#exited) return;
    this.#pty.resize(cols, rows);
  }

  interrupt(): void {
    if (this.#exited) return;
    this.#pty.write('\u0003');
  }

  /** Resolves with the exit status of the next command to return to the prompt. */
  nextExit(): Promise<number> {
    return new Promise((resolve) => this.#exitWaiters.push({ resolve }));
  }

  /** Types a command as if the learner typed it. Refuses when something is already running. */
  async type(command: string): Promise<void> {
    await this.whenReady();
    if (this.#commandRunning) {
      throw new TerminalBusyError(`터미널 '${this.key}'에서 다른 명령이 아직 실행 중입니다`);
    }
    this.#commandRunning = true;
    this.#pty.write(`${command}\r`);
  }

  /** Types a line into the running program (e.g. the console producer's `>` prompt). */
  typeLine(line: string): void {
    if (!this.#exited) this.#pty.write(`${line}\r`);
  }

  /** Waits until `text` shows up in output produced after `mark`. */
  waitForText(text: string, mark: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (found: boolean) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(found);
      };
      const check = () => {
        if (this.textSince(mark).includes(text)) finish(true);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      const unsubscribe = this.onOutput(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  /** Kills the shell and everything it started. Safe to call more than once. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#flushTimerOff();
      this.#sink = null;
      if (!this.#exited) {
        if (this.#commandRunning) {
          // Ctrl-C first, through the terminal, as a learner would: `docker compose run` and
          // `docker exec -it` forward it into the container, whereas killing the CLI outright
          // leaves the container (and its console client) running.
          const exited = this.nextExit();
          this.#pty.resume();
          this.interrupt();
          let grace: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((resolve) => (grace = setTimeout(resolve, 3000)))]);
          clearTimeout(grace);
        }
        const pid = this.#pty.pid;
        await killTree(pid);
        try {
          this.#pty.kill('SIGKILL');
        } catch {
          // already exited
        }
      }
    })();
    return this.#disposed;
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    // The lab server's own secrets never reach a learner's shell.
    if (value !== undefined && !name.startsWith('UPBIT_LAB_TOKEN')) out[name] = value;
  }
  return out;
}
