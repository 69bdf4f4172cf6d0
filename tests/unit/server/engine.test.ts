// What a learner is told when a check cannot even reach Docker or a chapter's service: the
// cause in Korean and the next thing to do, never a bare stack trace. Docker is the core's to
// explain; the brokers are chapter 2's (its plug-in's explainError, applied by bindChecks).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import kafkaPlugin from '../../../chapters/02-kafka/plugin.ts';
import { bindChecks, checksFor } from '../../../server/checks.ts';
import { explainCheckError } from '../../../server/engine.ts';
import { z } from 'zod';

const explainProbeError = explainCheckError;

test('an unreachable Docker engine says to start Docker', () => {
  assert.match(explainProbeError(new Error('connect ENOENT /var/run/docker.sock')), /Docker 엔진.*켠 뒤/);
});

test('unreachable brokers point to compose up, catch-up and docker compose ps', async () => {
  const message = 'KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:29092';
  const reason = kafkaPlugin.explainError?.(message) ?? '';
  assert.match(reason, /브로커에 접속할 수 없습니다/);
  assert.match(reason, /docker compose up -d/);
  assert.match(reason, /여기까지 따라잡기/);
  assert.match(reason, /docker compose ps/);
});

test('anything else is still reported, in Korean, with the original message', () => {
  assert.match(explainProbeError(new Error('boom')), /확인 중 오류가 났습니다: boom/);
});

test('bindChecks hands a check its chapter\'s endpoints and turns the errors its chapter knows into a failure', async () => {
  const defineCheck = checksFor<{ url: string }>();
  const seen: string[] = [];
  const echo = defineCheck({
    name: 'echo',
    params: z.object({ fail: z.boolean() }).strict(),
    async verify(context, params) {
      seen.push(context.endpoints.url);
      if (params.fail) throw new Error('service down');
      return { ok: true, summary: 'ok', evidence: [] };
    },
  });
  const [bound] = bindChecks([echo] as never[], { url: 'http://127.0.0.1:1' }, (message) => (message === 'service down' ? '서비스가 꺼져 있습니다.' : undefined));
  const context = {} as Parameters<NonNullable<typeof bound>['verify']>[0];
  assert.equal((await bound!.verify(context, { fail: false })).ok, true);
  assert.deepEqual(await bound!.verify(context, { fail: true }), { ok: false, summary: '서비스가 꺼져 있습니다.', evidence: [] });
  assert.deepEqual(seen, ['http://127.0.0.1:1', 'http://127.0.0.1:1']);
  const [unexplained] = bindChecks([echo] as never[], { url: 'x' });
  await assert.rejects(unexplained!.verify(context, { fail: true }), /service down/);
});

test('chapter 2 leaves Docker\'s own errors to the core', () => {
  assert.equal(kafkaPlugin.explainError?.('connect ENOENT /var/run/docker.sock'), undefined);
});
