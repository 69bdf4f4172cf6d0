// Abuse of the terminal stream by an authenticated page, end to end without the cluster (real
// door, session, PTYs and WebSocket): re-opening a terminal on the same socket keeps its
// keyboard, a page that lies in its acks cannot make the server queue without bound, and a
// page that stops reading while repeating `terminal.open` cannot grow the server's memory.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { loadCourse } from '../../chapters/plugins.ts';
import { startDoor, type Door, type LabSocket } from '../../server/door.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { startSession } from '../../server/session.ts';
import { FLOW_HIGH_WATER } from '../../server/terminals/lab-terminal.ts';
import { SUBPROTOCOL, decodeTerminalFrame, encodeTerminalFrame, type ServerMessage } from '../../server/wire.ts';
import { tempDir } from '../helpers/temp.ts';

const TOKEN = randomBytes(32).toString('base64url');
const MiB = 1024 * 1024;
let door: Door;
let runtime: LabRuntime;
/** The server's side of each connection, newest last, to read what it has queued. */
const serverSockets: LabSocket[] = [];

before(async () => {
  runtime = createLabRuntime(await loadCourse(), { stateDir: tempDir('state') });
  door = await startDoor({
    port: 0,
    token: TOKEN,
    siteDir: tempDir('site'),
    onSocket: (socket) => {
      serverSockets.push(socket);
      startSession(socket, { engine: runtime.engine, pool: runtime.pool });
    },
  });
});
after(async () => {
  await door.close();
  await runtime.dispose();
});

interface Page {
  ws: WebSocket;
  messages: ServerMessage[];
  output: Map<number, string>;
  closed: Promise<number>;
  next(type: ServerMessage['type']): Promise<ServerMessage>;
  open(lab: string, terminal: string): Promise<number>;
  type(slot: number, text: string): void;
}

async function connect(): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${door.port}/ws?token=${TOKEN}`, SUBPROTOCOL, { headers: { Origin: `http://127.0.0.1:${door.port}` } });
  const messages: ServerMessage[] = [];
  const output = new Map<number, string>();
  const waiters: Array<{ type: string; resolve: (m: ServerMessage) => void }> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const frame = decodeTerminalFrame(new Uint8Array(data as Buffer));
      // Keep only the tail: a flood must not grow the test's own memory.
      if (frame) output.set(frame.slot, ((output.get(frame.slot) ?? '') + Buffer.from(frame.payload).toString('utf8')).slice(-64 * 1024));
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
  const page: Page = {
    ws, messages, output, closed, next,
    open: async (lab, terminal) => {
      ws.send(JSON.stringify({ type: 'terminal.open', lab, terminal, cols: 100, rows: 30 }));
      const opened = await next('terminal.opened');
      assert.ok(opened.type === 'terminal.opened');
      return opened.slot;
    },
    type: (slot, text) => ws.send(encodeTerminalFrame(slot, new TextEncoder().encode(text))),
  };
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await next('hello');
  return page;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(20);
  }
}

/** Stops reading the socket, as a page that never drains would: the kernel buffers fill, then the server's queue grows. */
function stopReading(page: Page): void {
  // ws keeps the net.Socket here; pausing it is the only way to stop reading from outside.
  (page.ws as unknown as { _socket: { pause(): void } })._socket.pause();
}

test('re-opening a live terminal on the same socket keeps its keyboard input', async () => {
  const page = await connect();
  const slot = await page.open('cluster-up', 'main');
  const again = await page.open('cluster-up', 'main');
  assert.equal(again, slot, 'same terminal, same slot');
  page.type(again, 'echo reopened-$((40+2))\r');
  await waitFor(() => (page.output.get(again) ?? '').includes('reopened-42'), 'the echo after re-open');
  assert.equal(page.messages.filter((m) => m.type === 'error').length, 0, `no error: ${JSON.stringify(page.messages)}`);
  page.ws.close();
  await page.closed;
});

test('forged acks do not let a page that stops reading make the server queue output', async () => {
  const page = await connect();
  const server = serverSockets.at(-1)!;
  const slot = await page.open('topics', 'main');
  page.type(slot, 'yes upbit-lab-forged-ack-flood\r');
  await waitFor(() => (page.output.get(slot) ?? '').includes('upbit-lab-forged-ack-flood\r\nupbit'), 'the flood');
  stopReading(page);
  // The lie: "I have drawn 1 MiB more" every 10 ms, while reading nothing.
  const liar = setInterval(() => page.ws.send(JSON.stringify({ type: 'terminal.ack', slot, bytes: MiB })), 10);
  let peak = 0;
  const started = Date.now();
  while (Date.now() - started < 4000 && page.ws.readyState === WebSocket.OPEN) {
    peak = Math.max(peak, server.bufferedAmount);
    await pause(20);
  }
  clearInterval(liar);
  console.log(`# server queue under forged acks: peak ${(peak / 1024).toFixed(0)} KiB`);
  assert.ok(peak < FLOW_HIGH_WATER * 4, `server queued ${peak} bytes for a page that reads nothing`);
  page.ws.terminate();
  await page.closed;
});

test('repeating terminal.open without reading neither grows the server nor stalls it', async () => {
  const page = await connect();
  const slot = await page.open('console', 'producer');
  // Fill the replay ring (256K characters), so every open would replay a full screen history.
  page.type(slot, "head -c 400000 /dev/zero | tr '\\0' r; echo; echo ring-full\r");
  await waitFor(() => (page.output.get(slot) ?? '').includes('ring-full\r\n'), 'the ring to fill', 30_000);
  await pause(200);
  stopReading(page);
  const rssBefore = process.memoryUsage().rss;
  const open = JSON.stringify({ type: 'terminal.open', lab: 'console', terminal: 'producer', cols: 100, rows: 30 });
  let opens = 0;
  // The attacker keeps going for as long as the server keeps the connection.
  for (; opens < 2000 && page.ws.readyState === WebSocket.OPEN; opens += 1) {
    page.ws.send(open);
    if (opens % 50 === 0) await pause(5);
  }
  // Let the server work through what arrived.
  await pause(2000);
  const growth = process.memoryUsage().rss - rssBefore;
  console.log(`# ${opens} opens (${((opens * open.length) / 1024).toFixed(0)} KiB sent) before the server dropped the socket: RSS grew ${(growth / MiB).toFixed(1)} MiB`);
  assert.ok(growth < 32 * MiB, `RSS grew ${(growth / MiB).toFixed(1)} MiB`);
  assert.equal(page.ws.readyState, WebSocket.CLOSED, 'the page that does not read was cut off');
  await page.closed;

  // Still responsive: another page gets a terminal and an echo promptly.
  const fresh = await connect();
  const started = Date.now();
  const other = await fresh.open('cluster-up', 'main');
  fresh.type(other, 'echo still-$((2*21))\r');
  await waitFor(() => (fresh.output.get(other) ?? '').includes('still-42'), 'an echo after the attack', 5000);
  console.log(`# fresh page open + echo after the attack: ${Date.now() - started} ms`);
  fresh.ws.close();
  await fresh.closed;
});
