// Wraps one accepted `ws` connection as a LabSocket: the lab logic only ever sees messages
// that already passed the wire contract (wire.ts, checked by protocol.ts), and any frame that does not is
// answered by closing the connection with the matching close code. This is the single
// place where untrusted bytes from the page become typed values.
// It also bounds what one connection may have queued: a page that stops reading while asking
// for more (replays, output, snapshots) would otherwise grow server memory without limit, and
// a peer that does not read cannot receive a close frame either, so it is cut off.
import type { RawData, WebSocket } from 'ws';
import { parseClientMessage } from '../protocol.ts';
import { type ClientMessage, decodeTerminalFrame, MAX_INPUT_BYTES, type ServerMessage } from '../wire.ts';

export interface LabSocket {
  readonly id: string;
  sendJson(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** Bytes queued but not yet written to the network (for flow control). */
  readonly bufferedAmount: number;
  /** Messages are already validated against ClientMessage. */
  onMessage(listener: (message: ClientMessage) => void): void;
  /** Terminal input: slot 0..15 and at most MAX_INPUT_BYTES of payload. */
  onBinary(listener: (slot: number, payload: Uint8Array) => void): void;
  /** Called once, after the connection is gone (immediately queued if it already is). */
  onClose(listener: () => void): void;
  close(code?: number, reason?: string): void;
}

/**
 * Most bytes one socket may hold unsent. An honest page drains far below this (terminal output
 * pauses at 256 KiB; a full replay is under 1 MiB, a page opens a handful); past it the peer
 * is not reading and keeping its frames would only cost the learner's laptop memory.
 */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** Close codes from RFC 6455 §7.4.1 that the door uses. */
export const CloseCode = {
  goingAway: 1001,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** Close reasons are limited to 123 bytes of UTF-8; a longer one makes ws throw. */
function closeReason(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export function wrapSocket(ws: WebSocket, id: string, log: (line: string) => void): LabSocket {
  const messageListeners: Array<(message: ClientMessage) => void> = [];
  const binaryListeners: Array<(slot: number, payload: Uint8Array) => void> = [];
  const closeListeners: Array<() => void> = [];
  let closed = false;

  const refuse = (code: number, reason: string): void => {
    log(`socket ${id}: closing ${code} (${reason})`);
    ws.close(code, closeReason(reason));
  };

  /** A bug in the lab logic must not take the door (or the process) down with it. */
  const dispatch = (run: () => void): void => {
    try {
      run();
    } catch (error) {
      log(`socket ${id}: listener failed: ${(error as Error).message}`);
      socket.sendJson({ type: 'error', code: 'internal', message: '실습 서버 내부에서 오류가 났습니다. 터미널의 로그를 확인하세요.' });
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (closed || ws.readyState !== ws.OPEN) return;
    const bytes = toBytes(data);
    if (isBinary) {
      const frame = decodeTerminalFrame(bytes);
      if (frame === null) return refuse(CloseCode.policyViolation, 'invalid terminal frame');
      if (frame.payload.byteLength > MAX_INPUT_BYTES) return refuse(CloseCode.policyViolation, 'input too large');
      for (const listener of binaryListeners) dispatch(() => listener(frame.slot, frame.payload));
      return;
    }
    // ws already closed the connection with 1007 if this was not valid UTF-8.
    const parsed = parseClientMessage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    if (!parsed.ok) return refuse(CloseCode.policyViolation, parsed.reason);
    for (const listener of messageListeners) dispatch(() => listener(parsed.message));
  });

  // Without a listener an 'error' event (oversized frame, bad UTF-8, reset) would crash the
  // process; ws itself closes the connection with the right code (1009, 1007, 1002).
  ws.on('error', (error: Error & { code?: string }) => {
    log(`socket ${id}: ${error.code ?? 'error'}: ${error.message}`);
  });

  ws.once('close', () => {
    closed = true;
    messageListeners.length = 0;
    binaryListeners.length = 0;
    const listeners = closeListeners.splice(0);
    for (const listener of listeners) dispatch(listener);
  });

  /** Sends unless that would exceed MAX_QUEUED_BYTES; then the connection is dropped. */
  const send = (data: string | Uint8Array, binary: boolean): void => {
    if (ws.readyState !== ws.OPEN) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (ws.bufferedAmount + size > MAX_QUEUED_BYTES) {
      log(`socket ${id}: peer is not reading (${ws.bufferedAmount} bytes queued); dropping it`);
      ws.terminate();
      return;
    }
    ws.send(data, { binary });
  };

  const socket: LabSocket = {
    id,
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    sendJson(message) {
      send(JSON.stringify(message), false);
    },
    sendBinary(frame) {
      send(frame, true);
    },
    onMessage(listener) {
      if (!closed) messageListeners.push(listener);
    },
    onBinary(listener) {
      if (!closed) binaryListeners.push(listener);
    },
    onClose(listener) {
      if (closed) queueMicrotask(() => dispatch(listener));
      else closeListeners.push(listener);
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
    },
  };
  return socket;
}
