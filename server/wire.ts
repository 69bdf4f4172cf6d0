// The wire between the lab server and the page, as plain types and a few values: no zod, no
// Node APIs, so the browser islands import this very file instead of a copy. The server's
// validation of what pages send lives in protocol.ts and is checked against these types.
// Terminal bytes travel as binary frames: [1 byte terminal slot][payload]; the subprotocol
// carries the version, so an old page talking to a new server fails at the handshake.

export const PROTOCOL_VERSION = 2;
export const SUBPROTOCOL = `upbit-lab.v${PROTOCOL_VERSION}`;
/** Hard cap on any single frame, text or binary (ws maxPayload). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Cap on one keyboard/paste input frame; larger pastes are refused, not truncated. */
export const MAX_INPUT_BYTES = 64 * 1024;
/** Highest slot a binary frame can name. */
export const MAX_SLOT = 15;

export type ClientMessage =
  /** Attach to (creating if needed) one of a lab's named terminals. */
  | { type: 'terminal.open'; lab: string; terminal: string; cols: number; rows: number }
  | { type: 'terminal.resize'; slot: number; cols: number; rows: number }
  /** Flow control: the page has written this many more bytes of the slot's output. */
  | { type: 'terminal.ack'; slot: number; bytes: number }
  /** Run a step: the server types the step's own command; the client only names it. */
  | { type: 'step.run'; lab: string; step: string }
  /** Only run the step's check against the current state. */
  | { type: 'step.check'; lab: string; step: string }
  /** Bring the services to the state right before this step (solutions of all earlier steps). */
  | { type: 'step.catchup'; lab: string; step: string }
  /** Stop whatever the lab is doing (Ctrl-C to its terminals, abort the check). */
  | { type: 'lab.cancel'; lab: string }
  | { type: 'lab.reset'; lab: string }
  /** Live panel of a lab: the server looks up which panel (kind and options) the lab declares. */
  | { type: 'panel.watch'; lab: string; on: boolean };

export type StepStatus = 'idle' | 'running' | 'checking' | 'passed' | 'failed';

export interface CheckResult {
  ok: boolean;
  /** One sentence in Korean: what passed, or what is wrong and what to do. */
  summary: string;
  evidence: string[];
  /** Measured figures worth keeping in reports (e.g. the failover ledger's counts). */
  metrics?: Record<string, number> | undefined;
  /** The failure has a known cause that waiting will not fix: stop polling and report now. */
  settled?: boolean | undefined;
}

export interface StepState {
  lab: string;
  step: string;
  status: StepStatus;
  startedAt?: number | undefined;
  durationMs?: number | undefined;
  result?: CheckResult | undefined;
}

/**
 * What every live panel sends: its kind (which picks the page's renderer) and when it was
 * taken. Each kind's full shape lives with its chapter (chapters/NN-name/panel/snapshot.ts);
 * the page narrows on `kind`.
 */
export interface PanelSnapshot {
  kind: string;
  at: number;
}

export type ServerMessage =
  | { type: 'hello'; version: typeof PROTOCOL_VERSION; steps: StepState[] }
  | { type: 'terminal.opened'; lab: string; terminal: string; slot: number; replayBytes: number }
  | { type: 'terminal.exited'; slot: number; exitCode: number }
  | { type: 'step.state'; state: StepState }
  | { type: 'panel.snapshot'; lab: string; snapshot: PanelSnapshot }
  | { type: 'error'; code: string; message: string };

/** Binary frame layout shared by both directions. Typed over a plain ArrayBuffer so it can go straight to WebSocket.send(). */
export function encodeTerminalFrame(slot: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(payload.byteLength + 1);
  frame[0] = slot;
  frame.set(payload, 1);
  return frame;
}

export function decodeTerminalFrame(frame: Uint8Array): { slot: number; payload: Uint8Array } | null {
  if (frame.byteLength < 1) return null;
  const slot = frame[0]!;
  if (slot > MAX_SLOT) return null;
  return { slot, payload: frame.subarray(1) };
}
