// The road from a terminal to the one page attached to it: output is batched into frames
// (the first chunk after a quiet spell goes out at the end of the event-loop turn, so a
// keystroke's echo is not held back; a stream that keeps coming is gathered for a few ms),
// and the bytes the page has not yet acknowledged are counted, so a flood pauses the
// PTY above a high-water mark instead of growing server memory, and resumes below a low one.
// With no page attached nothing is queued: the program keeps running, the replay ring keeps
// what a later page needs.
// Acks are the page's word, and a page can lie (ack bytes it never read). So the sink also
// reports what its transport still holds (the socket's unsent bytes): the PTY stays paused
// while either count is high, and a lying page gains nothing but its own stalled screen.

export const FLOW_HIGH_WATER = 256 * 1024;
export const FLOW_LOW_WATER = 64 * 1024;
const BATCH_MS = 5;
const BATCH_MAX_CHARS = 64 * 1024;
/** While paused, how often the transport's backlog is looked at (it drains without an ack). */
const BACKLOG_POLL_MS = 50;

/** Where the attached page's bytes go; `send` returns nothing, flow control is by ack. */
export interface TerminalSink {
  send(data: string): void;
  /** Another page took this terminal over. */
  detached?(): void;
  /** Bytes sent but still queued in the transport (not yet handed to the network). */
  backlog?(): number;
}

/** The PTY's brakes. */
export interface Throttle {
  pause(): void;
  resume(): void;
}

export class PageStream {
  readonly #throttle: Throttle;
  #sink: TerminalSink | null = null;
  #batch: string[] = [];
  #batchChars = 0;
  #batchTimer: { cancel(): void } | null = null;
  /** When the last frame went out (performance.now()); a quiet stream flushes its next chunk at once. */
  #lastFlushAt = -Infinity;
  #unacked = 0;
  #paused = false;
  #backlogTimer: NodeJS.Timeout | null = null;

  constructor(throttle: Throttle) {
    this.#throttle = throttle;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get unacknowledged(): number {
    return this.#unacked;
  }

  push(data: string): void {
    if (!this.#sink) return;
    this.#batch.push(data);
    this.#batchChars += data.length;
    if (this.#batchChars >= BATCH_MAX_CHARS) {
      this.#flush();
    } else if (!this.#batchTimer) {
      if (performance.now() - this.#lastFlushAt >= BATCH_MS) {
        // Quiet until now (an echo, a prompt): send after this turn's reads, not 5 ms later.
        // Chunks read in the same turn still share the frame.
        const immediate = setImmediate(() => this.#flush());
        this.#batchTimer = { cancel: () => clearImmediate(immediate) };
      } else {
        const timeout = setTimeout(() => this.#flush(), BATCH_MS);
        this.#batchTimer = { cancel: () => clearTimeout(timeout) };
      }
    }
  }

  /** Whether a page is reading this terminal now. */
  get attached(): boolean {
    return this.#sink !== null;
  }

  /** Makes `sink` the one page that sees the output; the page that had it is told. */
  attach(sink: TerminalSink): void {
    const previous = this.#sink;
    this.#dropBatch();
    this.#sink = sink;
    this.#unacked = 0;
    this.#resume();
    if (previous && previous !== sink) previous.detached?.();
  }

  detach(sink: TerminalSink): void {
    if (this.#sink !== sink) return;
    this.#sink = null;
    this.#dropBatch();
    // Nobody is reading: keep the program running.
    this.#unacked = 0;
    this.#resume();
  }

  /** The page drew `bytes` more; never credits more than was sent (no balance to borrow against). */
  ack(bytes: number): void {
    this.#unacked = Math.max(0, this.#unacked - bytes);
    this.#resumeIfDrained();
  }

  /** Stops sending for good (the terminal is going away). */
  close(): void {
    this.#sink = null;
    this.#dropBatch();
    this.#stopBacklogPoll();
  }

  /** What the page has not drawn, as far as we can prove: its acks cannot undercut the transport's own queue. */
  #outstanding(): number {
    return Math.max(this.#unacked, this.#sink?.backlog?.() ?? 0);
  }

  #resumeIfDrained(): void {
    if (this.#paused && this.#outstanding() < FLOW_LOW_WATER) this.#resume();
  }

  #flush(): void {
    this.#stopTimer();
    if (!this.#sink || this.#batch.length === 0) return;
    const chunk = this.#batch.join('');
    this.#batch = [];
    this.#batchChars = 0;
    this.#unacked += Buffer.byteLength(chunk);
    this.#lastFlushAt = performance.now();
    this.#sink.send(chunk);
    if (!this.#paused && this.#outstanding() > FLOW_HIGH_WATER) {
      this.#paused = true;
      this.#throttle.pause();
      // A transport backlog drains without any message from the page: look again until it has.
      if (this.#sink?.backlog) this.#backlogTimer = setInterval(() => this.#resumeIfDrained(), BACKLOG_POLL_MS);
    }
  }

  #stopBacklogPoll(): void {
    if (this.#backlogTimer) clearInterval(this.#backlogTimer);
    this.#backlogTimer = null;
  }

  #dropBatch(): void {
    this.#stopTimer();
    this.#batch = [];
    this.#batchChars = 0;
  }

  #stopTimer(): void {
    this.#batchTimer?.cancel();
    this.#batchTimer = null;
  }

  #resume(): void {
    this.#stopBacklogPoll();
    if (!this.#paused) return;
    this.#paused = false;
    this.#throttle.resume();
  }
}
