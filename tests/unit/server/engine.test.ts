// What the engine tells a learner when a check cannot even reach Docker or the brokers: the
// cause in Korean and the next thing to do, never a bare stack trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainProbeError } from '../../../server/engine.ts';

test('an unreachable Docker engine says to start Docker', () => {
  assert.match(explainProbeError(new Error('connect ENOENT /var/run/docker.sock')), /Docker 엔진.*켠 뒤/);
});

test('unreachable brokers point to compose up, catch-up and docker compose ps', () => {
  const reason = explainProbeError(new Error('KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:29092'));
  assert.match(reason, /브로커에 접속할 수 없습니다/);
  assert.match(reason, /docker compose up -d/);
  assert.match(reason, /여기까지 따라잡기/);
  assert.match(reason, /docker compose ps/);
});

test('anything else is still reported, in Korean, with the original message', () => {
  assert.match(explainProbeError(new Error('boom')), /확인 중 오류가 났습니다: boom/);
});
