// The lab server end to end, without the cluster: the real door, a real session and real PTYs
// over a real WebSocket. A page opens a terminal, types, drops its socket, reconnects and gets
// the same shell back with its screen replayed; bad step ids are refused and nothing is spawned.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { encodeTerminalFrame } from '../../server/wire.ts';
import { connectPage, startTestLabServer, waitFor, type TestLabServer } from '../helpers/page-socket.ts';

let server: TestLabServer;
before(async () => {
  server = await startTestLabServer();
});
after(async () => {
  await server.dispose();
});

const connect = () => connectPage(server);

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
  assert.equal(server.runtime.pool.all().filter((t) => !t.key.startsWith('cluster-up/main')).length, 0);
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
