// Flow control for one terminal slot. The server pauses a PTY when too many of its bytes are
// unacknowledged, so the page acknowledges what xterm has actually drawn (after the write
// callback), batched: at least every ACK_BATCH_BYTES or ACK_INTERVAL_MS, whichever comes first.

export const ACK_BATCH_BYTES = 32 * 1024;
export const ACK_INTERVAL_MS = 100;
/** ClientMessage caps one ack at 16 MiB; a larger backlog goes out as several acks. */
export const MAX_ACK_BYTES = 16 * 1024 * 1024;

export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: TimerApi = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AckMeter {
  readonly #send: (bytes: number) => void;
  readonly #timers: TimerApi;
  #pending = 0;
  #timer: unknown = undefined;
  #disposed = false;

  constructor(send: (bytes: number) => void, timers: TimerApi = globalTimers) {
    this.#send = send;
    this.#timers = timers;
  }

  /** Called from xterm's write callback with the payload length just drawn. */
  written(bytes: number): void {
    if (this.#disposed || bytes <= 0) return;
    this.#pending += bytes;
    if (this.#pending >= ACK_BATCH_BYTES) this.flush();
    else if (this.#timer === undefined) this.#timer = this.#timers.setTimeout(() => this.flush(), ACK_INTERVAL_MS);
  }

  flush(): void {
    this.#cancelTimer();
    if (this.#disposed) return;
    while (this.#pending > 0) {
      const bytes = Math.min(this.#pending, MAX_ACK_BYTES);
      this.#pending -= bytes;
      this.#send(bytes);
    }
  }

  get pendingBytes(): number {
    return this.#pending;
  }

  /** Drops the backlog: after a reconnect the server counts from zero for the new slot. */
  dispose(): void {
    this.#cancelTimer();
    this.#pending = 0;
    this.#disposed = true;
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
