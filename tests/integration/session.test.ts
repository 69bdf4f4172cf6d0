// The lab server end to end, without the cluster: the real door, a real session and real PTYs
// over a real WebSocket. A page opens a terminal, types, drops its socket, reconnects and gets
// the same shell back with its screen replayed; bad step ids are refused and nothing is spawned.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startDoor, type Door } from '../../server/door.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { SUBPROTOCOL, decodeTerminalFrame, encodeTerminalFrame, type ServerMessage } from '../../server/wire.ts';
import { createLabRuntime, type LabRuntime } from '../../server/runtime.ts';
import { startSession } from '../../server/session.ts';
import { tempDir } from '../helpers/temp.ts';

const TOKEN = randomBytes(32).toString('base64url');
let door: Door;
let runtime: LabRuntime;

before(async () => {
  const site = tempDir('site');
  runtime = createLabRuntime(await loadCourse(), { stateDir: tempDir('state') });
  door = await startDoor({ port: 0, token: TOKEN, siteDir: site, onSocket: (socket) => startSession(socket, { engine: runtime.engine, pool: runtime.pool }) });
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
}

function connect(): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${door.port}/ws?token=${TOKEN}`, SUBPROTOCOL, { headers: { Origin: `http://127.0.0.1:${door.port}` } });
  const messages: ServerMessage[] = [];
  const output = new Map<number, string>();
  const waiters: Array<{ type: string; resolve: (m: ServerMessage) => void }> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const frame = decodeTerminalFrame(new Uint8Array(data as Buffer));
      if (frame) output.set(frame.slot, (output.get(frame.slot) ?? '') + Buffer.from(frame.payload).toString('utf8'));
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
  const page: Page = {
    ws, messages, output, closed,
    next: (type) => {
      const seen = messages.find((m) => m.type === type);
      if (seen) {
        messages.splice(messages.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(page));
    ws.once('error', reject);
  });
}

const waitFor = async (condition: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

test('hello lists every step; a terminal opens, echoes typing, and survives a reconnect with its screen', async () => {
  const page = await connect();
  const hello = await page.next('hello');
  assert.ok(hello.type === 'hello' && hello.steps.length >= 20);
  page.ws.send(JSON.stringify({ type: 'terminal.open', lab: 'cluster-up', terminal: 'main', cols: 100, rows: 30 }));
  const opened = await page.next('terminal.opened');
  assert.ok(opened.type === 'terminal.opened');
  const slot = opened.slot;
  page.ws.send(encodeTerminalFrame(slot, new TextEncoder().encode('echo before-$((40+2))\r')));
  await waitFor(() => (page.output.get(slot) ?? '').includes('before-42'));
  page.ws.terminate(); // a dropped connection, as on a reload
  await page.closed;

  const started = Date.now();
  const again = await connect();
  again.ws.send(JSON.stringify({ type: 'terminal.open', lab: 'cluster-up', terminal: 'main', cols: 100, rows: 30 }));
  const reopened = await again.next('terminal.opened');
  assert.ok(reopened.type === 'terminal.opened' && reopened.replayBytes > 0);
  await waitFor(() => (again.output.get(reopened.slot) ?? '').includes('before-42'));
  console.log(`# reattach to replayed screen: ${Date.now() - started} ms`);
  again.ws.send(encodeTerminalFrame(reopened.slot, new TextEncoder().encode('echo after-$((1+1))\r')));
  await waitFor(() => (again.output.get(reopened.slot) ?? '').includes('after-2'));
  const screen = again.output.get(reopened.slot)!;
  assert.equal(screen.split('before-42').length - 1, 1, 'the earlier output exactly once: no duplicate replay');
  again.ws.close();
});

test('a step id with path or shell characters is refused with 1008 and nothing runs', async () => {
  for (const step of ['../etc', 'a;rm -rf', '$(id)']) {
    const page = await connect();
    page.ws.send(JSON.stringify({ type: 'step.run', lab: 'cluster-up', step }));
    assert.equal(await page.closed, 1008);
  }
  assert.equal(runtime.pool.all().filter((t) => !t.key.startsWith('cluster-up/main')).length, 0);
});

test('an unknown (well-formed) step or terminal gets a clear error and the socket stays open', async () => {
  const page = await connect();
  page.ws.send(JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: 'no-such-step' }));
  const error = await page.next('error');
  assert.ok(error.type === 'error' && error.code === 'unknown-step' && /없습니다/.test(error.message));
  page.ws.send(JSON.stringify({ type: 'terminal.open', lab: 'cluster-up', terminal: 'nope', cols: 80, rows: 24 }));
  const second = await page.next('error');
  assert.ok(second.type === 'error' && second.code === 'unknown-terminal', JSON.stringify(second));
  assert.equal(page.ws.readyState, WebSocket.OPEN);
  page.ws.close();
});
