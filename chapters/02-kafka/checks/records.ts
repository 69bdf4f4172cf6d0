// Checks that compare what was sent with what the cluster really holds: the console round
// trip (read back independently) and the TypeScript producer's report.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createKafka, withAdmin, type KafkaEndpoints } from '../kafka-access.ts';
import { fail, pass } from '../../../server/checks.ts';
import { defineCheck } from './define.ts';

/**
 * Reads a topic from the beginning up to its current end with a throwaway group, so the
 * check sees what is really stored, independent of any terminal.
 */
export async function readTopic(endpoints: KafkaEndpoints, topic: string, signal: AbortSignal, onRecord: (value: string) => void): Promise<number> {
  const ends = await withAdmin(endpoints, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  if (remaining.size === 0) return 0;
  const groupId = `upbit-lab-check-${randomUUID()}`;
  const consumer = createKafka(endpoints, 'upbit-lab-reader').consumer({ groupId, sessionTimeout: 10000 });
  let count = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new Error('확인 시간이 다 되었습니다'));
      signal.addEventListener('abort', onAbort, { once: true });
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          count++;
          onRecord(message.value?.toString() ?? '');
          const end = remaining.get(partition);
          if (end !== undefined && Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    // The throwaway group would otherwise linger in the learner's kafka-consumer-groups --list.
    await withAdmin(endpoints, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  return count;
}

export const consoleRoundtrip = defineCheck({
  name: 'console-roundtrip',
  params: z.object({ topic: z.string(), consumerTerminal: z.string(), producerTerminal: z.string() }).strict(),
  async verify(context, params) {
    const sent = context.step.action.kind === 'command' ? context.step.action.input : [];
    const typedByLearner = context.output(params.producerTerminal).split('\n')
      .map((line) => line.replace(/^>\s*/, '').trim())
      .filter((line) => line.startsWith('{') && !sent.includes(line));
    const expected = [...sent, ...typedByLearner];
    if (expected.length === 0) return fail('프로듀서에 아직 아무 줄도 보내지 않았습니다. > 프롬프트에 JSON 한 줄을 입력하고 Enter를 누르세요.');
    const consumerText = context.output(params.consumerTerminal);
    const arrived = expected.filter((line) => consumerText.includes(line));
    const stored = new Set<string>();
    await readTopic(context.endpoints, params.topic, context.signal, (value) => stored.add(value.trim()));
    const inTopic = expected.filter((line) => stored.has(line));
    const evidence = expected.map((line) => `${consumerText.includes(line) ? '✓ 컨슈머에 도착' : '✗ 컨슈머에 없음'} · ${stored.has(line) ? '✓ 토픽에 저장' : '✗ 토픽에 없음'} · ${line}`);
    const metrics = { sent: expected.length, arrived: arrived.length, stored: inTopic.length };
    if (inTopic.length < expected.length) return fail(`보낸 ${expected.length}줄 중 ${inTopic.length}줄만 토픽에 있습니다. 프로듀서 터미널에 오류가 없는지 보세요.`, evidence, metrics);
    if (arrived.length < expected.length) return fail(`토픽에는 ${expected.length}줄이 모두 있지만 컨슈머 터미널에는 ${arrived.length}줄만 보입니다. 컨슈머가 켜져 있는지 확인하세요.`, evidence, metrics);
    return pass(`보낸 ${expected.length}줄이 모두 토픽에 저장됐고 컨슈머 터미널에도 그대로 도착했습니다.`, evidence, metrics);
  },
});

const ProducerReport = z.object({
  at: z.number(),
  topic: z.string(),
  requested: z.number(),
  acked: z.number(),
  lastOffsets: z.record(z.string(), z.number()),
  error: z.string().optional(),
  elapsedMs: z.number().optional(),
});

export const producerReport = defineCheck({
  name: 'producer-report',
  params: z.object({ topic: z.string(), minRecords: z.number().int().min(1) }).strict(),
  async verify(context, params) {
    const path = join(context.stateDir, 'producer-report.json');
    let report: z.infer<typeof ProducerReport>;
    try {
      if (statSync(path).mtimeMs < context.since - 1000) throw new Error('stale');
      report = ProducerReport.parse(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      return fail('이번 단계에서 프로듀서가 실행된 기록이 없습니다. 실행 버튼을 누르거나 명령을 직접 입력하세요.');
    }
    const evidence = [`요청 ${report.requested}건, 확인(ack) ${report.acked}건`, ...Object.entries(report.lastOffsets).map(([p, o]) => `파티션 ${p}: 마지막 배치 시작 오프셋 ${o}`)];
    if (report.error) return fail(`프로듀서가 실패했습니다: ${report.error}. 클러스터 상태와 접속 주소(localhost:29092~29094)를 확인하세요.`, evidence);
    if (report.acked < params.minRecords) return fail(`${report.acked}건만 확인됐습니다(기대 ${params.minRecords}건 이상).`, evidence);
    const ends = await withAdmin(context.endpoints, (admin) => admin.fetchTopicOffsets(params.topic));
    const short = Object.entries(report.lastOffsets).filter(([p, offset]) => {
      const end = ends.find((e) => String(e.partition) === p);
      return !end || Number(end.high) <= offset;
    });
    evidence.push(...ends.map((e) => `토픽 ${params.topic} 파티션 ${e.partition}: 끝 오프셋 ${e.high}`));
    if (short.length > 0) return fail(`프로듀서가 받은 오프셋이 토픽에 없습니다(파티션 ${short.map(([p]) => p).join(', ')}). 토픽이 지워졌다가 다시 만들어졌는지 확인하세요.`, evidence);
    return pass(`acks=all로 ${report.acked}건이 확인됐고, 토픽의 오프셋도 그만큼 늘었습니다${report.elapsedMs ? ` (${(report.elapsedMs / 1000).toFixed(1)}초)` : ''}.`, evidence, { acked: report.acked });
  },
});
