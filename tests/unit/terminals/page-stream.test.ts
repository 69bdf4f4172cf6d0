// Flow control against a page that lies: acks never buy credit beyond what was sent, and the
// transport's own queue keeps the PTY paused whatever the acks say, until it really drains.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLOW_HIGH_WATER, PageStream } from '../../../server/terminals/page-stream.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function harness() {
  const state = { paused: false, backlog: 0, sent: 0 };
  const stream = new PageStream({ pause: () => (state.paused = true), resume: () => (state.paused = false) });
  stream.attach({ send: (data) => { state.sent += data.length; }, backlog: () => state.backlog });
  return { state, stream };
}

const burst = 'x'.repeat(64 * 1024);

test('an ack larger than what was sent leaves no credit for later output', () => {
  const { state, stream } = harness();
  stream.ack(100 * 1024 * 1024);
  for (let i = 0; i < 5; i += 1) stream.push(burst); // 320 KiB, each push flushes at 64K
  assert.equal(state.paused, true, 'paused at the high-water mark despite the earlier over-ack');
  stream.close();
});

test('forged acks do not resume while the transport still holds the bytes; draining does', async () => {
  const { state, stream } = harness();
  for (let i = 0; i < 5; i += 1) {
    stream.push(burst);
    state.backlog += burst.length; // the page reads nothing
  }
  assert.equal(state.paused, true);
  stream.ack(state.sent); // the lie: "drawn it all"
  await pause(120);
  assert.equal(state.paused, true, `still paused with ${state.backlog} bytes queued (> ${FLOW_HIGH_WATER})`);
  state.backlog = 0; // the socket drained
  await pause(120);
  assert.equal(state.paused, false, 'resumed once the queue is gone');
  stream.close();
});

test('after a quiet spell the next chunk (an echo) goes out at the end of the turn, not after the batch timer', async () => {
  const frames: string[] = [];
  const stream = new PageStream({ pause: () => undefined, resume: () => undefined });
  stream.attach({ send: (data) => { frames.push(data); } });
  stream.push('ec');
  stream.push('ho'); // read in the same turn: same frame
  assert.deepEqual(frames, [], 'nothing is sent synchronously');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(frames, ['echo'], 'sent after the turn, long before a 5 ms batch timer');
  // Right after a frame the stream counts as busy: chunks are gathered by the batch timer (not
  // asserted frame by frame: a stalled test machine may see the stream as quiet again).
  stream.push('a');
  stream.push('b');
  await pause(20);
  assert.equal(frames.join(''), 'echoab', 'nothing lost or reordered');
  stream.close();
});
