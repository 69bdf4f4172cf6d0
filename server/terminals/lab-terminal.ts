// One real shell in a PTY, owned by the terminal pool. It joins three jobs, each in its own
// module: shell-integration markers tell when a command ends and with what status
// (shell-markers.ts), the transcript keeps what the learner saw for checks (transcript.ts),
// and the page stream carries output to the attached page with flow control (page-stream.ts).
// This class owns the PTY, the replay ring, typing commands, and disposal, and the shell's
// entry in the crash ledger (shell-ledger.ts): recorded at spawn, forgotten once disposed.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import { killTree } from './kill-tree.ts';
import { PageStream, type TerminalSink } from './page-stream.ts';
import { OutputRing } from './ring-buffer.ts';
import { ShellMarkers } from './shell-markers.ts';
import type { ShellRecorder } from './shell-ledger.ts';
import { Transcript } from './transcript.ts';

export { FLOW_HIGH_WATER, FLOW_LOW_WATER, type TerminalSink } from './page-stream.ts';

const BASHRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'shell', 'bashrc');
const REPLAY_CHARS = 256 * 1024;

export interface LabTerminalOptions {
  key: string;
  cwd: string;
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
  /** The lab server's crash ledger; headless runs and tests pass none. */
  recorder?: ShellRecorder;
}

export class TerminalBusyError extends Error {}

export class LabTerminal {
  readonly key: string;
  readonly #pty: pty.IPty;
  readonly #nonce = randomBytes(8).toString('hex');
  readonly #ring = new OutputRing(REPLAY_CHARS);
  readonly #transcript = new Transcript();
  readonly #markers: ShellMarkers;
  readonly #stream: PageStream;
  readonly #recorder: ShellRecorder | undefined;
  #ready: Promise<void>;
  #markReady!: () => void;
  #exitWaiters: Array<(exitCode: number) => void> = [];
  #commandRunning = false;
  #exited = false;
  #exitListeners: Array<(code: number) => void> = [];
  #disposed: Promise<void> | null = null;

  constructor(options: LabTerminalOptions) {
    this.key = options.key;
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    this.#markers = new ShellMarkers(this.#nonce, {
      prompt: () => this.#markReady(),
      commandExit: (code) => {
        this.#commandRunning = false;
        for (const resolve of this.#exitWaiters.splice(0)) resolve(code);
      },
    });
    const binDir = dirname(process.execPath);
    // node-pty stays on 1.1.0, the newest stable release, although on Linux it lets each shell
    // inherit the PTY masters of the terminals opened before it (microsoft/node-pty#657). The
    // fix (#867) ships only in 1.2.0 prereleases; 1.2.0-beta.15 installed, passed the terminal
    // tests and closed the leak here, but a prerelease is not what a workshop laptop should
    // build against, and it still leaves the master itself without close-on-exec. Our rcfile
    // (shell/bashrc) closes the inherited masters instead, and crash cleanup does not depend on
    // either: the ledger and reap.ts end what a killed server left, whichever version runs.
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
    this.#recorder = options.recorder;
    // Right after the spawn: a crash from here on leaves a shell the next start can find.
    this.#recorder?.record(this.#pty.pid, this.#nonce, this.key);
    this.#stream = new PageStream({ pause: () => this.#pty.pause(), resume: () => this.#pty.resume() });
    this.#pty.onData((data) => {
      this.#ring.push(data);
      this.#markers.scan(data);
      this.#stream.push(data);
      this.#transcript.append(data);
    });
    this.#pty.onExit(({ exitCode }) => {
      this.#exited = true;
      for (const resolve of this.#exitWaiters.splice(0)) resolve(exitCode);
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
    return this.#stream.paused;
  }

  /** Whether a page is attached (reading its output) right now. */
  get attached(): boolean {
    return this.#stream.attached;
  }

  get unacknowledged(): number {
    return this.#stream.unacknowledged;
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
    return this.#transcript.onOutput(listener);
  }

  /** A mark to pass to `textSince` later. */
  mark(): number {
    return this.#transcript.mark();
  }

  /** Plain text produced since `mark` (bounded to the most recent 128K characters). */
  textSince(mark: number): string {
    return this.#transcript.textSince(mark);
  }

  /** Waits until `text` shows up in output produced after `mark`. */
  waitForText(text: string, mark: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.#transcript.waitForText(text, mark, timeoutMs, signal);
  }

  /**
   * Makes `sink` the one page that sees this terminal and returns the recent screen to replay
   * first. Everything before the return value is in the replay; everything after goes to the
   * sink, so there is no gap and no duplicate.
   */
  attach(sink: TerminalSink): string {
    this.#stream.attach(sink);
    return this.#ring.snapshot();
  }

  detach(sink: TerminalSink): void {
    this.#stream.detach(sink);
  }

  ack(bytes: number): void {
    this.#stream.ack(bytes);
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
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
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

  /** Kills the shell and everything it started. Safe to call more than once. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#stream.close();
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
      // Only now: a crash during the kill above still leaves the entry for the next start.
      this.#recorder?.forget(this.#pty.pid);
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
