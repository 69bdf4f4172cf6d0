// A lab server without the cluster for session tests: the real door, runtime, sessions and
// PTYs on a free port, and a page-like WebSocket client that keeps what the server sent
// (control messages in order, terminal output per slot) and waits for a message by type.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { loadCourse } from '../../chapters/plugins.ts';
import { startDoor, type Door, type LabSocket } from '../../server/door.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { startSession } from '../../server/session.ts';
import { SUBPROTOCOL, decodeTerminalFrame, encodeTerminalFrame, type ServerMessage } from '../../server/wire.ts';
import { tempDir } from './temp.ts';

export interface TestLabServer {
  door: Door;
  runtime: LabRuntime;
  token: string;
  /** The server's side of each connection, newest last (to read what it has queued). */
  serverSockets: LabSocket[];
  dispose(): Promise<void>;
}

export async function startTestLabServer(): Promise<TestLabServer> {
  const token = randomBytes(32).toString('base64url');
  const runtime = createLabRuntime(await loadCourse(), { stateDir: tempDir('state') });
  const serverSockets: LabSocket[] = [];
  const door = await startDoor({
    port: 0,
    token,
    siteDir: tempDir('site'),
    onSocket: (socket) => {
      serverSockets.push(socket);
      startSession(socket, { engine: runtime.engine, pool: runtime.pool });
    },
  });
  return {
    door, runtime, token, serverSockets,
    async dispose() {
      await door.close();
      await runtime.dispose();
    },
  };
}

export interface TestPage {
  ws: WebSocket;
  /** Control messages nobody has waited for yet, in arrival order. */
  messages: ServerMessage[];
  /** Terminal output by slot (only the tail when `tailChars` is set). */
  output: Map<number, string>;
  closed: Promise<number>;
  next(type: ServerMessage['type']): Promise<ServerMessage>;
  open(lab: string, terminal: string): Promise<number>;
  type(slot: number, text: string): void;
}

/**
 * Connects like the page (subprotocol, Origin, token). `tailChars` bounds what is kept per
 * slot, so a flood does not grow the test's own memory; `awaitHello` consumes the greeting.
 */
export async function connectPage(server: TestLabServer, options: { tailChars?: number; awaitHello?: boolean } = {}): Promise<TestPage> {
  const port = server.door.port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${server.token}`, SUBPROTOCOL, { headers: { Origin: `http://127.0.0.1:${port}` } });
  const messages: ServerMessage[] = [];
  const output = new Map<number, string>();
  const waiters: Array<{ type: string; resolve: (m: ServerMessage) => void }> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const frame = decodeTerminalFrame(new Uint8Array(data as Buffer));
      if (!frame) return;
      const text = (output.get(frame.slot) ?? '') + Buffer.from(frame.payload).toString('utf8');
      output.set(frame.slot, options.tailChars === undefined ? text : text.slice(-options.tailChars));
      return;
    }
    const message = JSON.parse(String(data)) as ServerMessage;
    const waiter = waiters.find((w) => w.type === message.type);
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      messages.push(message);
    }
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const next = (type: ServerMessage['type']): Promise<ServerMessage> => {
    const seen = messages.find((m) => m.type === type);
    if (seen) {
      messages.splice(messages.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => waiters.push({ type, resolve }));
  };
  const page: TestPage = {
    ws, messages, output, closed, next,
    open: async (lab, terminal) => {
      ws.send(JSON.stringify({ type: 'terminal.open', lab, terminal, cols: 100, rows: 30 }));
      const opened = await next('terminal.opened');
      if (opened.type !== 'terminal.opened') throw new Error(`expected terminal.opened, got ${opened.type}`);
      return opened.slot;
    },
    type: (slot, text) => ws.send(encodeTerminalFrame(slot, new TextEncoder().encode(text))),
  };
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (options.awaitHello) await next('hello');
  return page;
}

/** Polls `condition` every 20 ms; throws naming `what` after `ms`. */
export async function waitFor(condition: () => boolean, what = 'a condition', ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
