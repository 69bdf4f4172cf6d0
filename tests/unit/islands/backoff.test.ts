import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_RETRY_MS, MAX_RETRY_MS, reconnectDelay } from '../../../src/islands/backoff.ts';

test('retries start quickly and double', () => {
  assert.equal(reconnectDelay(0, 0), FIRST_RETRY_MS);
  assert.equal(reconnectDelay(1, 0), FIRST_RETRY_MS * 2);
  assert.equal(reconnectDelay(2, 0), FIRST_RETRY_MS * 4);
});

test('the delay is capped, jitter adds at most 20 %', () => {
  assert.equal(reconnectDelay(50, 0), MAX_RETRY_MS);
  assert.ok(reconnectDelay(50, 0.999) <= MAX_RETRY_MS * 1.2);
  for (let attempt = 0; attempt < 20; attempt++) assert.ok(reconnectDelay(attempt) >= FIRST_RETRY_MS);
});
