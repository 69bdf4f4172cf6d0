// Abuse of the terminal stream by an authenticated page, end to end without the cluster (real
// door, session, PTYs and WebSocket): re-opening a terminal on the same socket keeps its
// keyboard, a page that lies in its acks cannot make the server queue without bound, and a
// page that stops reading while repeating `terminal.open` cannot grow the server's memory.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { FLOW_HIGH_WATER } from '../../server/terminals/lab-terminal.ts';
import { connectPage, startTestLabServer, waitFor, type TestLabServer, type TestPage as Page } from '../helpers/page-socket.ts';

const MiB = 1024 * 1024;
let server: TestLabServer;
before(async () => {
  server = await startTestLabServer();
});
after(async () => {
  await server.dispose();
});

// Keep only the tail: a flood must not grow the test's own memory.
const connect = () => connectPage(server, { tailChars: 64 * 1024, awaitHello: true });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
  const serverSide = server.serverSockets.at(-1)!;
  const slot = await page.open('topics', 'main');
  page.type(slot, 'yes upbit-lab-forged-ack-flood\r');
  await waitFor(() => (page.output.get(slot) ?? '').includes('upbit-lab-forged-ack-flood\r\nupbit'), 'the flood');
  stopReading(page);
  // The lie: "I have drawn 1 MiB more" every 10 ms, while reading nothing.
  const liar = setInterval(() => page.ws.send(JSON.stringify({ type: 'terminal.ack', slot, bytes: MiB })), 10);
  let peak = 0;
  const started = Date.now();
  while (Date.now() - started < 4000 && page.ws.readyState === WebSocket.OPEN) {
    peak = Math.max(peak, serverSide.bufferedAmount);
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
