// One gate per watching listener (one page tab): sends a snapshot only when it says something
// new, and at most twice a second, so a poll every 500 ms and a noisy memory figure do not
// become a stream of identical frames. Changes that arrive while the gate is holding are
// merged (by the panel's own rule), so a quick ISR 3→2→3 still reaches the page as two
// events. Generic over the snapshot: each panel kind says what counts as new and how to merge.

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

/** What a panel kind tells the gate about its snapshots. */
export interface SnapshotRules<Snapshot> {
  /** Whether `next` is worth sending to someone who last saw `sent` (undefined: nothing yet). */
  differs(sent: Snapshot | undefined, next: Snapshot): boolean;
  /** `next` carrying whatever `held` had to say that `next` alone would lose (e.g. its events). */
  merge(held: Snapshot, next: Snapshot): Snapshot;
}

export class ListenerGate<Snapshot> {
  readonly #deliver: (snapshot: Snapshot) => void;
  readonly #clock: GateClock;
  readonly #rules: SnapshotRules<Snapshot>;
  readonly #minGapMs: number;
  #lastSent: Snapshot | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #pending: Snapshot | undefined;
  #timer: unknown = null;
  #disposed = false;
  /** How many snapshots this listener has been sent (for tests and cost figures). */
  sent = 0;

  constructor(deliver: (snapshot: Snapshot) => void, clock: GateClock, rules: SnapshotRules<Snapshot>, minGapMs = MIN_PUSH_GAP_MS) {
    this.#deliver = deliver;
    this.#clock = clock;
    this.#rules = rules;
    this.#minGapMs = minGapMs;
  }

  offer(snapshot: Snapshot): void {
    if (this.#disposed) return;
    const candidate = this.#pending ? this.#rules.merge(this.#pending, snapshot) : snapshot;
    if (!this.#rules.differs(this.#lastSent, candidate)) {
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

  #send(snapshot: Snapshot): void {
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
      console.error('panel: a listener threw', error);
    }
  }

  #cancelTimer(): void {
    if (this.#timer === null) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
