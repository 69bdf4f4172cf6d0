// The page's side of the lab terminals over one connection: which server slot each terminal
// view is attached to, opening them (and waiting until a lab's are all attached), keyboard
// input and resizes, output frames and their acknowledgements. Every slot dies with the
// socket; `connectionLost` detaches them and `reopen` asks again after a reconnect.
import { MAX_INPUT_BYTES } from '../../server/wire.ts';
import { AckMeter } from './ack-meter.ts';
import type { LabConnection } from './connection.ts';
import type { TerminalView } from './terminal-dock.ts';

/** How long a Run waits for its terminals to attach before letting the server decide. */
const TERMINAL_WAIT_MS = 10_000;

type Waiter = { views: readonly TerminalView[]; resolve: (attached: boolean) => void; timer: ReturnType<typeof setTimeout> };

function clampDimension(value: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(value)));
}

export class TerminalSlots {
  readonly #connection: LabConnection;
  readonly #tooLarge: (view: TerminalView) => void;
  readonly #slots = new Map<number, TerminalView>();
  readonly #opening = new Set<TerminalView>();
  readonly #waiters = new Set<Waiter>();

  /** `tooLarge` tells the learner a paste was refused (over the server's input cap). */
  constructor(connection: LabConnection, tooLarge: (view: TerminalView) => void) {
    this.#connection = connection;
    this.#tooLarge = tooLarge;
  }

  /** The server attached `view` to `slot` (terminal.opened). */
  opened(view: TerminalView, slot: number): void {
    this.#slots.get(slot)?.detach();
    if (view.slot !== undefined) this.#slots.delete(view.slot);
    view.wanted = true;
    view.attach(slot, new AckMeter((bytes) => this.#connection.send({ type: 'terminal.ack', slot, bytes })));
    this.#slots.set(slot, view);
    this.#opening.delete(view);
    // The terminal may have been resized while the open was in flight.
    const { cols, rows } = view.size();
    this.resize(view, cols, rows);
    for (const waiter of this.#waiters) {
      if (waiter.views.every((v) => v.slot !== undefined)) {
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  exited(slot: number, exitCode: number): void {
    const view = this.#slots.get(slot);
    if (!view) return;
    this.#slots.delete(slot);
    view.detach();
    view.wanted = false;
    view.note(`[프로세스가 끝났습니다 (종료 코드 ${exitCode}). 터미널 열기나 실행을 누르면 새 셸이 열립니다.]`);
  }

  frame(slot: number, payload: Uint8Array): void {
    const view = this.#slots.get(slot);
    if (view) {
      view.write(payload);
      return;
    }
    // Output for a terminal this page no longer shows: acknowledge it so the PTY is not paused.
    if (payload.byteLength > 0) this.#connection.send({ type: 'terminal.ack', slot, bytes: payload.byteLength });
  }

  /** After a reconnect: the server replays each terminal's screen on re-open, so nothing is lost. */
  reopen(views: Iterable<TerminalView>): void {
    for (const view of views) if (view.wanted) this.#sendOpen(view);
  }

  /** The socket is gone: slots and unacked bytes died with it. */
  connectionLost(): void {
    for (const view of this.#slots.values()) view.detach();
    this.#slots.clear();
    this.#opening.clear();
    this.#settleWaiters(false);
  }

  /** Resolves true once every one of `views` is attached (or the server is slow to say). */
  openAll(views: readonly TerminalView[]): Promise<boolean> {
    for (const view of views) {
      view.wanted = true;
      if (view.slot === undefined && !this.#opening.has(view)) this.#sendOpen(view);
    }
    if (views.every((view) => view.slot !== undefined)) return Promise.resolve(true);
    if (this.#connection.state !== 'open') return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        views,
        resolve,
        // No answer yet: let the server decide (it creates terminals a step needs anyway).
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve(this.#connection.state === 'open');
        }, TERMINAL_WAIT_MS),
      };
      this.#waiters.add(waiter);
    });
  }

  input(view: TerminalView, data: Uint8Array): void {
    if (view.slot === undefined || data.byteLength === 0) return;
    if (data.byteLength > MAX_INPUT_BYTES) {
      this.#tooLarge(view);
      return;
    }
    this.#connection.sendFrame(view.slot, data);
  }

  resize(view: TerminalView, cols: number, rows: number): void {
    if (view.slot === undefined) return;
    this.#connection.send({ type: 'terminal.resize', slot: view.slot, cols: clampDimension(cols, 500), rows: clampDimension(rows, 200) });
  }

  dispose(): void {
    this.#settleWaiters(false);
    this.#slots.clear();
  }

  #sendOpen(view: TerminalView): void {
    const { cols, rows } = view.size();
    if (this.#connection.send({ type: 'terminal.open', lab: view.lab, terminal: view.name, cols: clampDimension(cols, 500), rows: clampDimension(rows, 200) })) {
      this.#opening.add(view);
    }
  }

  #settleWaiters(attached: boolean): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(attached);
    }
    this.#waiters.clear();
  }
}
