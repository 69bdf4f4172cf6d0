// The page's single WebSocket to the lab server, and its reconnect loop. It owns the socket
// and the retry timer; everything above it sees parsed control messages, terminal frames
// and a connection state it can show to the learner.
import type { ClientMessage, ServerMessage } from '../../server/wire.ts';
import { reconnectDelay } from './backoff.ts';
import type { LabServerMode } from './server-mode.ts';
import { decodeTerminalFrame, encodeTerminalFrame, SUBPROTOCOL } from '../../server/wire.ts';

export type ConnectionState =
  | 'connecting'
  | 'open'
  /** Lost; retrying with backoff. */
  | 'reconnecting'
  /** The server answers 401: the cookie is gone, only the token link helps. */
  | 'token-lost'
  /** The server was upgraded under the page; a reload is needed. */
  | 'version-mismatch'
  | 'closed';

/** What the page sends (wire.ts); the server validates it again. */
export type OutgoingMessage = ClientMessage;

export interface ConnectionEvents {
  state(state: ConnectionState): void;
  message(message: ServerMessage): void;
  frame(slot: number, payload: Uint8Array): void;
}

export function labSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** Shape check only: the server validated these against protocol.ts before sending. */
function parseServerMessage(text: string): ServerMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || !('type' in raw) || typeof raw.type !== 'string') return undefined;
  return raw as ServerMessage;
}

export class LabConnection {
  readonly #url: string;
  readonly #events: ConnectionEvents;
  readonly #detectServer: () => Promise<LabServerMode>;
  #socket: WebSocket | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  #state: ConnectionState = 'closed';
  #stopped = false;

  constructor(url: string, events: ConnectionEvents, detectServer: () => Promise<LabServerMode>) {
    this.#url = url;
    this.#events = events;
    this.#detectServer = detectServer;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  connect(): void {
    this.#stopped = false;
    if (this.#socket) return;
    this.#setState(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(this.#url, SUBPROTOCOL);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (this.#socket === socket) this.#setState('open');
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (this.#socket !== socket) return;
      // Only a socket that got as far as a message counts as healthy for backoff purposes;
      // a server that accepts and immediately closes must not be hammered.
      this.#attempt = 0;
      if (event.data instanceof ArrayBuffer) {
        const frame = decodeTerminalFrame(new Uint8Array(event.data));
        if (frame) this.#events.frame(frame.slot, frame.payload);
      } else if (typeof event.data === 'string') {
        const message = parseServerMessage(event.data);
        if (message) this.#events.message(message);
      }
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#stopped) {
        this.#setState('closed');
        return;
      }
      this.#setState('reconnecting');
      this.#scheduleRetry();
    });
  }

  send(message: OutgoingMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  sendFrame(slot: number, payload: Uint8Array): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(encodeTerminalFrame(slot, payload));
    return true;
  }

  /** Closes for good (page hidden or client disposed); connect() starts again. */
  close(): void {
    this.#stopped = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#attempt = 0;
    socket?.close(1000, 'page closed');
    this.#setState('closed');
  }

  #scheduleRetry(): void {
    const delay = reconnectDelay(this.#attempt);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#retry();
    }, delay);
  }

  async #retry(): Promise<void> {
    // Ask /api/status first: a 401 or a new protocol version will not fix itself by retrying.
    const mode = await this.#detectServer();
    if (this.#stopped) return;
    if (mode === 'no-token') return this.#setState('token-lost');
    if (mode === 'version-mismatch') return this.#setState('version-mismatch');
    if (mode === 'static') return this.#scheduleRetry();
    this.connect();
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#events.state(state);
  }
}
