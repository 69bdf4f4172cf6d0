// kafkajs 2.2.4's request queue re-armed a 1 ms timer forever once any request had waited
// (quiet-kafkajs.ts). With the fix, an idle queue arms nothing; a waiting request or an active
// throttle still gets its check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestQueue, type RequestQueueInternals } from '../../../chapters/02-kafka/clients/quiet-kafkajs.ts';

interface FakeQueue extends Omit<RequestQueueInternals, 'scheduleCheckPendingRequests'> { throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null; checkPendingRequests(): void }

function queue(pending: unknown[], throttledUntil: number): FakeQueue {
  return { pending, throttledUntil, throttleCheckTimeoutId: null, checkPendingRequests: () => undefined };
}

test('an idle, unthrottled queue arms no timer', () => {
  const idle = queue([], -1);
  RequestQueue.prototype.scheduleCheckPendingRequests.call(idle);
  assert.equal(idle.throttleCheckTimeoutId, null);
});

test('a waiting request or an active throttle still schedules the check', () => {
  const waiting = queue([{}], -1);
  RequestQueue.prototype.scheduleCheckPendingRequests.call(waiting);
  assert.notEqual(waiting.throttleCheckTimeoutId, null);
  clearTimeout(waiting.throttleCheckTimeoutId!);
  const throttled = queue([], Date.now() + 1000);
  RequestQueue.prototype.scheduleCheckPendingRequests.call(throttled);
  assert.notEqual(throttled.throttleCheckTimeoutId, null);
  clearTimeout(throttled.throttleCheckTimeoutId!);
});
