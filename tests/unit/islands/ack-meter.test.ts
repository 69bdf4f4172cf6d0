// Flow control must acknowledge promptly (the server pauses the PTY otherwise) yet in batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_BATCH_BYTES, ACK_INTERVAL_MS, AckMeter, MAX_ACK_BYTES, type TimerApi } from '../../../src/islands/ack-meter.ts';

function fakeTimers(): TimerApi & { fire(): void; pending: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout(callback) {
      callbacks.set(next, callback);
      return next++;
    },
    clearTimeout(handle) {
      callbacks.delete(handle as number);
    },
    fire() {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
    },
    get pending() {
      return callbacks.size;
    },
  };
}

test('small writes are acknowledged together after the interval', () => {
  const sent: number[] = [];
  const timers = fakeTimers();
  const meter = new AckMeter((bytes) => sent.push(bytes), timers);
  meter.written(100);
  meter.written(200);
  assert.deepEqual(sent, []);
  assert.equal(timers.pending, 1, 'one timer for the batch');
  timers.fire();
  assert.deepEqual(sent, [300]);
  assert.equal(meter.pendingBytes, 0);
});

test('reaching 32 KiB acknowledges at once without waiting', () => {
  const sent: number[] = [];
  const timers = fakeTimers();
  const meter = new AckMeter((bytes) => sent.push(bytes), timers);
  meter.written(ACK_BATCH_BYTES - 1);
  meter.written(1);
  assert.deepEqual(sent, [ACK_BATCH_BYTES]);
  assert.equal(timers.pending, 0, 'the batch timer is cancelled');
});

test('a backlog larger than one ack allows is split', () => {
  const sent: number[] = [];
  const meter = new AckMeter((bytes) => sent.push(bytes), fakeTimers());
  meter.written(MAX_ACK_BYTES + 5);
  assert.deepEqual(sent, [MAX_ACK_BYTES, 5]);
});

test('dispose drops the backlog and the timer', () => {
  const sent: number[] = [];
  const timers = fakeTimers();
  const meter = new AckMeter((bytes) => sent.push(bytes), timers);
  meter.written(10);
  meter.dispose();
  assert.equal(timers.pending, 0);
  meter.written(10);
  meter.flush();
  assert.deepEqual(sent, []);
});

test('uses real timers by default', async () => {
  const sent: number[] = [];
  const meter = new AckMeter((bytes) => sent.push(bytes));
  meter.written(42);
  await new Promise((resolve) => setTimeout(resolve, ACK_INTERVAL_MS + 50));
  assert.deepEqual(sent, [42]);
  meter.dispose();
});
