// One gate per watching listener (one page tab): sends a snapshot only when it says something
// new, and at most twice a second, so a poll every 500 ms and a noisy memory figure do not
// become a stream of identical frames. Changes that arrive while the gate is holding are
// merged, so a quick ISR 3→2→3 still reaches the page as two events.
import type { ClusterSnapshot } from '../protocol.ts';
import { differsMaterially } from './diff.ts';

export const MIN_PUSH_GAP_MS = 500;

export interface GateClock {
  now(): number;
  setTimeout(run: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock = (now: () => number = Date.now): GateClock => ({
  now,
  setTimeout: (run, delayMs) => setTimeout(run, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

export class ListenerGate {
  readonly #deliver: (snapshot: ClusterSnapshot) => void;
  readonly #clock: GateClock;
  readonly #minGapMs: number;
  #lastSent: ClusterSnapshot | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #pending: ClusterSnapshot | undefined;
  #timer: unknown = null;
  #disposed = false;
  /** How many snapshots this listener has been sent (for tests and cost figures). */
  sent = 0;

  constructor(deliver: (snapshot: ClusterSnapshot) => void, clock: GateClock, minGapMs = MIN_PUSH_GAP_MS) {
    this.#deliver = deliver;
    this.#clock = clock;
    this.#minGapMs = minGapMs;
  }

  offer(snapshot: ClusterSnapshot): void {
    if (this.#disposed) return;
    const candidate = this.#pending ? { ...snapshot, events: [...this.#pending.events, ...snapshot.events] } : snapshot;
    if (!differsMaterially(this.#lastSent, candidate)) {
      // Whatever was waiting has been undone (memory went back, say): nothing left to say.
      this.#pending = undefined;
      this.#cancelTimer();
      return;
    }
    const waitMs = this.#lastSentAt + this.#minGapMs - this.#clock.now();
    if (waitMs <= 0) {
      this.#send(candidate);
      return;
    }
    this.#pending = candidate;
    if (this.#timer === null) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = null;
        if (this.#pending) this.#send(this.#pending);
      }, waitMs);
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#pending = undefined;
    this.#cancelTimer();
  }

  #send(snapshot: ClusterSnapshot): void {
    this.#pending = undefined;
    this.#cancelTimer();
    this.#lastSent = snapshot;
    this.#lastSentAt = this.#clock.now();
    this.sent += 1;
    try {
      this.#deliver(snapshot);
    } catch (error) {
      // A listener is a socket send owned by the door; its failure must not stop the
      // shared poll loop for every other tab, so it is reported and contained here.
      console.error('cluster observer: a listener threw', error);
    }
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
