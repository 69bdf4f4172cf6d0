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
