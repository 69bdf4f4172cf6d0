// One page's conversation with the lab server: maps the page's terminal slots to pooled
// terminals, forwards keystrokes and acks, turns step requests (by id only) into engine
// calls, and relays step states and the live panel of the lab it watches. Everything it registers is undone
// when the socket closes; the terminals themselves belong to the pool and outlive a reload.
import type { LabSocket } from './door.ts';
import type { LabEngine } from './engine.ts';
import { isLabError } from './errors.ts';
import type { PanelHub } from './panels/hub.ts';
import { PROTOCOL_VERSION, encodeTerminalFrame, type ClientMessage } from './wire.ts';
import type { LabTerminal, TerminalSink } from './terminals/lab-terminal.ts';
import type { TerminalPool } from './terminals/pool.ts';
import { josaFor } from './korean.ts';

const MAX_SLOTS = 16;
/** Replay is sent in slices so one frame stays well under the 1 MiB frame cap. */
const REPLAY_SLICE = 128 * 1024;

export interface SessionDeps {
  engine: LabEngine;
  pool: TerminalPool;
  panels?: PanelHub;
}

interface Slot {
  terminal: LabTerminal;
  sink: TerminalSink;
  stopExitWatch: () => void;
  /** The replay last sent on this slot, framed: an unchanged screen is re-sent without new copies. */
  replay: ReplayFrames;
}

interface ReplayFrames {
  text: string;
  bytes: number;
  frames: Uint8Array[];
}

/**
 * Frames a replay for `slot`, reusing `cached` when the screen is the same string (the ring
 * hands out one cached snapshot until new output arrives). ws sends a Uint8Array without copying
 * it, so a page that repeats `terminal.open` costs a reference per frame, not a fresh screen.
 */
function replayFrames(slot: number, text: string, encoder: TextEncoder, cached: ReplayFrames | undefined): ReplayFrames {
  if (cached && cached.text === text) return cached;
  const bytes = encoder.encode(text);
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += REPLAY_SLICE) {
    frames.push(encodeTerminalFrame(slot, bytes.subarray(offset, offset + REPLAY_SLICE)));
  }
  return { text, bytes: bytes.byteLength, frames };
}

export function startSession(socket: LabSocket, deps: SessionDeps): void {
  const slots = new Map<number, Slot>();
  const encoder = new TextEncoder();
  let stopWatching: (() => void) | null = null;
  const stopStates = deps.engine.onState((state) => socket.sendJson({ type: 'step.state', state }));

  const sendError = (code: string, message: string) => socket.sendJson({ type: 'error', code, message });

  socket.sendJson({ type: 'hello', version: PROTOCOL_VERSION, steps: deps.engine.states() });

  function openTerminal(lab: string, name: string, cols: number, rows: number): void {
    const definition = deps.engine.labs.find((l) => l.id === lab);
    if (!definition || !definition.terminals.includes(name)) {
      sendError('unknown-terminal', `'${lab}' 실습에는 '${name}' 터미널이 없습니다.`);
      return;
    }
    const terminal = deps.pool.open(lab, name, { cols, rows });
    let slot = [...slots].find(([, s]) => s.terminal === terminal)?.[0];
    if (slot === undefined) {
      slot = [...Array(MAX_SLOTS).keys()].find((candidate) => !slots.has(candidate));
      if (slot === undefined) {
        sendError('too-many-terminals', `한 페이지에서 터미널은 ${MAX_SLOTS}개까지 열 수 있습니다.`);
        return;
      }
    }
    const assigned = slot;
    const sink: TerminalSink = {
      send: (data) => socket.sendBinary(encodeTerminalFrame(assigned, encoder.encode(data))),
      backlog: () => socket.bufferedAmount,
      detached: () => {
        // Only another page's attach lands here (our own re-open detaches first), but a stale
        // sink must never remove the entry that replaced it.
        if (slots.get(assigned)?.sink !== sink) return;
        slots.get(assigned)?.stopExitWatch();
        slots.delete(assigned);
        sendError('terminal-taken', `터미널 '${name}'${josaFor(name, '을/를')} 다른 탭에서 열었습니다. 이 탭에서 다시 열면 되찾아 옵니다.`);
      },
    };
    const previous = slots.get(assigned);
    if (previous) {
      // Re-opening on this socket: retire our own old sink quietly, so the attach below does
      // not report it as taken by another tab (its `detached` would drop this slot's keyboard).
      previous.stopExitWatch();
      previous.terminal.detach(previous.sink);
      slots.delete(assigned);
    }
    const stopExitWatch = terminal.onExit((exitCode) => socket.sendJson({ type: 'terminal.exited', slot: assigned, exitCode }));
    terminal.resize(cols, rows);
    const replay = replayFrames(assigned, terminal.attach(sink), encoder, previous?.terminal === terminal ? previous.replay : undefined);
    slots.set(assigned, { terminal, sink, stopExitWatch, replay });
    socket.sendJson({ type: 'terminal.opened', lab, terminal: name, slot: assigned, replayBytes: replay.bytes });
    // The socket drops itself past its queue limit (door/socket.ts), so a page that asks for
    // replays and never reads them is cut off instead of growing server memory.
    for (const frame of replay.frames) socket.sendBinary(frame);
  }

  async function runEngine(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isLabError(error)) sendError(error.code, error.message);
      else sendError('internal', '실습 서버 내부 오류가 났습니다. 서버 터미널의 로그를 확인하세요.');
    }
  }

  function handle(message: ClientMessage): void {
    switch (message.type) {
      case 'terminal.open':
        try {
          openTerminal(message.lab, message.terminal, message.cols, message.rows);
        } catch (error) {
          sendError('terminal-failed', error instanceof Error ? error.message : String(error));
        }
        return;
      case 'terminal.resize':
        slots.get(message.slot)?.terminal.resize(message.cols, message.rows);
        return;
      case 'terminal.ack':
        slots.get(message.slot)?.terminal.ack(message.bytes);
        return;
      case 'step.run':
        void runEngine(() => deps.engine.run(message.lab, message.step));
        return;
      case 'step.check':
        void runEngine(() => deps.engine.check(message.lab, message.step));
        return;
      case 'step.catchup':
        void runEngine(() => deps.engine.catchUp(message.lab, message.step));
        return;
      case 'lab.cancel':
        if (!deps.engine.cancel(message.lab)) {
          // Nothing of ours is running: still stop what the learner started in the lab's terminals.
          for (const { terminal } of slots.values()) if (terminal.key.startsWith(`${message.lab}/`) && terminal.busy) terminal.interrupt();
        }
        return;
      case 'lab.reset':
        void runEngine(async () => deps.engine.reset(message.lab));
        return;
      case 'panel.watch': {
        stopWatching?.();
        stopWatching = null;
        const lab = message.lab;
        if (message.on && deps.panels) {
          stopWatching = deps.panels.watch(lab, (snapshot) => socket.sendJson({ type: 'panel.snapshot', lab, snapshot }));
        }
        return;
      }
    }
  }

  socket.onMessage(handle);
  socket.onBinary((slot, payload) => {
    const entry = slots.get(slot);
    if (!entry) return;
    entry.terminal.write(Buffer.from(payload).toString('utf8'));
  });
  socket.onClose(() => {
    stopStates();
    stopWatching?.();
    for (const { terminal, sink, stopExitWatch } of slots.values()) {
      stopExitWatch();
      terminal.detach(sink);
    }
    slots.clear();
  });
}
