// Failover checks. They read the ledger producer's files (.lab-state/ledger) for what the
// client saw, and the cluster's metadata for what really happened, and time the transitions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeQuorum } from '../kafka-access.ts';
import { readTopic } from './records.ts';
import { clusterAndTopic } from './topics.ts';
import { fail, firstSeen, pass, seconds } from '../../../server/checks.ts';
import type { CheckResult } from '../../../server/wire.ts';
import { defineCheck, type KafkaCheckContext } from './define.ts';
import { withJosa } from '../../../server/korean.ts';

const LedgerStatus = z.object({
  runId: z.string(),
  acked: z.number(),
  failedAttempts: z.number(),
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  lastAckAt: z.number().nullable(),
  producerIds: z.number().optional(),
  final: z.boolean(),
});
type LedgerStatus = z.infer<typeof LedgerStatus>;

function readStatus(context: KafkaCheckContext): LedgerStatus | null {
  try {
    return LedgerStatus.parse(JSON.parse(readFileSync(join(context.stateDir, 'ledger', 'status.json'), 'utf8')));
  } catch {
    return null;
  }
}

/** Acked count now versus the first time this check run looked. */
function ackProgress(context: KafkaCheckContext, status: LedgerStatus) {
  const key = `acked@start:${status.runId}`;
  if (!context.memo.has(key)) context.memo.set(key, { acked: status.acked, at: Date.now() });
  const start = context.memo.get(key) as { acked: number; at: number };
  return { gained: status.acked - start.acked, watchedMs: Date.now() - start.at };
}

const statusLine = (s: LedgerStatus) => `장부: acked ${s.acked}, 실패한 시도 ${s.failedAttempts}${s.lastError ? `, 마지막 오류 ${s.lastError}` : ''}`;

export const ledgerProgressing = defineCheck({
  name: 'ledger-progressing',
  params: z.object({}).strict(),
  async verify(context) {
    const status = readStatus(context);
    if (!status || status.final || (status.lastAckAt ?? 0) < context.since) return fail('장부 프로듀서가 돌고 있지 않습니다. ledger 터미널에서 실행하세요.');
    const { gained, watchedMs } = ackProgress(context, status);
    if (watchedMs < 2000 || gained <= 0) return fail(`장부 프로듀서의 ack가 늘어나는지 지켜보는 중입니다 (${seconds(watchedMs)} 동안 +${gained}).`, [statusLine(status)]);
    return pass(`장부 프로듀서가 acks=all 쓰기를 계속 확인받고 있습니다 (${seconds(watchedMs)} 동안 +${gained}건).`, [statusLine(status)]);
  },
});

export const brokerFailedOver = defineCheck({
  name: 'broker-failed-over',
  params: z.object({ broker: z.number().int(), topic: z.string() }).strict(),
  async verify(context, params) {
    const { brokerIds, partitions, evidence } = await clusterAndTopic(context.endpoints, params.topic);
    const stillThere = brokerIds.includes(params.broker);
    const led = partitions.filter((p) => p.leader === params.broker);
    const inIsr = partitions.filter((p) => p.isr.includes(params.broker));
    if (stillThere || led.length > 0 || inIsr.length > 0) {
      return fail(`브로커 ${withJosa(params.broker, '이/가')} 아직 클러스터에 남아 있습니다(리더 ${led.length}개, ISR ${inIsr.length}곳). docker stop ${withJosa(`kafka-${params.broker}`, '을/를')} 실행했는지, 몇 초 더 기다려 보세요.`, evidence);
    }
    const movedAfter = firstSeen(context, 'moved');
    const status = readStatus(context);
    if (!status || status.final) return fail('리더는 옮겨 갔지만 장부 프로듀서가 돌고 있지 않아 쓰기가 계속되는지 볼 수 없습니다. start-ledger 단계를 다시 실행하세요.', evidence);
    const { gained, watchedMs } = ackProgress(context, status);
    evidence.push(statusLine(status));
    if (watchedMs < 2000 || gained <= 0) return fail(`리더 이동은 끝났고(${seconds(movedAfter)}), 쓰기가 계속 성공하는지 지켜보는 중입니다.`, evidence);
    return pass(`${withJosa(`kafka-${params.broker}`, '이/가')} 빠지고 ${seconds(movedAfter)} 안에 모든 리더가 다른 브로커로 옮겨 갔습니다. ISR은 2로 줄었지만 min.insync.replicas=2를 채우므로 acks=all 쓰기가 계속 성공합니다 (+${gained}건).`,
      evidence, { leadersMovedMs: movedAfter });
  },
});

export const writesBlocked = defineCheck({
  name: 'writes-blocked',
  params: z.object({ topic: z.string() }).strict(),
  async verify(context) {
    const status = readStatus(context);
    if (!status || status.final) return fail('장부 프로듀서가 돌고 있지 않습니다. 쓰기가 막히는지 보려면 장부 프로듀서가 필요합니다.');
    const evidence = [statusLine(status)];
    const recentError = status.lastErrorAt !== null && status.lastErrorAt >= context.since;
    const stalled = (status.lastAckAt ?? 0) < Date.now() - 3000;
    if (!recentError || !stalled) return fail('쓰기가 아직 성공하고 있습니다. 두 번째 브로커가 멈추면 ISR이 1로 줄어 NOT_ENOUGH_REPLICAS가 나와야 합니다.', evidence);
    const quorum = await describeQuorum(context.docker, context.endpoints, 12);
    evidence.push(quorum?.leaderId ? `쿼럼 리더 ${quorum.leaderId}` : '쿼럼: 응답 없음 (과반 상실)');
    if (quorum?.leaderId) return fail('쓰기는 막혔지만 컨트롤러 쿼럼이 아직 리더를 유지합니다. 두 브로커가 모두 멈췄는지 확인하세요.', evidence);
    const enough = status.lastError === 'NOT_ENOUGH_REPLICAS' || status.lastError === 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
    return pass(`${withJosa(enough ? 'NOT_ENOUGH_REPLICAS' : String(status.lastError), '으로/로')} 쓰기가 거절됩니다: 남은 복제본 1개로는 min.insync.replicas=2를 채울 수 없어서입니다. 컨트롤러도 3대 중 1대만 남아 과반을 잃었습니다. 확인받지 못한 레코드는 장부에 적히지 않으므로 손실로 세지 않습니다.`, evidence);
  },
});

export const isrRestored = defineCheck({
  name: 'isr-restored',
  params: z.object({ topic: z.string() }).strict(),
  async verify(context, params) {
    const { brokerIds, partitions, evidence } = await clusterAndTopic(context.endpoints, params.topic);
    const short = partitions.filter((p) => p.isr.length < 3);
    if (brokerIds.length < 3 || partitions.length === 0 || short.length > 0) {
      return fail(`아직 ISR이 3이 아닙니다 (브로커 ${brokerIds.length}대, ISR이 모자란 파티션 ${short.length}개). 되살아난 브로커가 따라잡는 중이니 기다리세요.`, evidence);
    }
    const restoredAfter = firstSeen(context, 'restored');
    const status = readStatus(context);
    if (status && !status.final) {
      const { gained, watchedMs } = ackProgress(context, status);
      evidence.push(statusLine(status));
      if (watchedMs < 2000 || gained <= 0) return fail('ISR은 3으로 돌아왔고, 장부 쓰기가 다시 성공하는지 지켜보는 중입니다.', evidence);
    }
    return pass(`브로커 3대가 돌아왔고 ${seconds(restoredAfter)} 만에 모든 파티션의 ISR이 3이 되었습니다. 쓰기도 다시 성공합니다.`, evidence, { isrRestoredMs: restoredAfter });
  },
});

/**
 * The ledger verdict: every acknowledged number must be in the topic (lost = 0), and no number
 * may be there twice (duplicated = 0). Separate from the read so tests can feed it any state.
 */
export function judgeLedger(acked: Set<number>, seen: Map<number, number>, status: Pick<LedgerStatus, 'failedAttempts' | 'producerIds'>): CheckResult {
  const lost = [...acked].filter((seq) => !seen.has(seq));
  const duplicated = [...seen.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0);
  const metrics = { acked: acked.size, consumed: seen.size, lost: lost.length, duplicated };
  const evidence = [
    `확인(ack)된 레코드 ${acked.size}건`,
    `토픽에서 읽은 이번 실행의 레코드 ${seen.size}건 (중복 ${duplicated}건)`,
    `손실 ${lost.length}건${lost.length ? `: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ' …' : ''}` : ''}`,
    `쓰기 실패로 다시 보낸 시도 ${status.failedAttempts}번`,
    `사용한 producer id ${status.producerIds ?? 1}개`,
  ];
  const dupSeqs = [...seen.entries()].filter(([, n]) => n > 1).map(([seq]) => seq).sort((a, b) => a - b);
  if (dupSeqs.length) evidence.push(`두 번 이상 들어간 번호: ${dupSeqs.slice(0, 10).join(', ')}${dupSeqs.length > 10 ? ' …' : ''}`);
  if (lost.length > 0) {
    return fail(`손실: 확인받은 레코드 중 ${lost.length}건이 토픽에 없습니다${duplicated ? ` (중복도 ${duplicated}건)` : ''}. acks=all로 확인받은 레코드는 사라지면 안 됩니다. compose 파일에 min.insync.replicas=2와 복제 계수 3이 그대로인지, 프로듀서가 acks: -1로 보내는지 확인하세요.`, evidence, metrics);
  }
  if (duplicated > 0) {
    return fail(`중복: 잃은 레코드는 없지만 ${duplicated}건이 토픽에 두 번 이상 들어 있습니다. 실패로 보고된 쓰기가 사실은 저장되었는데, 다시 보낼 때 producer id가 바뀌어 브로커가 같은 배치인지 알아보지 못한 경우입니다. 멱등 프로듀서는 같은 producer id와 일련번호로 다시 보낼 때만 중복을 걸러 줍니다. 장부 프로듀서가 장애 중에 프로듀서를 새로 만들지 않는지(종료 줄의 producer id 수) 확인하고 실습을 처음부터 다시 실행하세요.`, evidence, metrics);
  }
  const retries = status.failedAttempts === 0 ? ''
    : (status.producerIds ?? 1) === 1
      ? ` 실패한 시도 ${status.failedAttempts}번은 모두 같은 producer id로 같은 번호를 다시 보낸 것이라, 이미 저장된 배치였다면 브로커가 일련번호를 보고 걸러 냈습니다.`
      : ` producer id를 새로 받아야 했을 때는 토픽에 이미 들어간 번호를 읽어 보고 빠진 것만 보냈습니다.`;
  return pass(`무손실, 무중복: 확인받은 ${acked.size}건이 모두 토픽에 한 번씩 있습니다 (lost 0, duplicated 0).${retries}`, evidence, metrics);
}

export const ledgerVerified = defineCheck({
  name: 'ledger-verified',
  params: z.object({ topic: z.string() }).strict(),
  async verify(context, params) {
    const status = readStatus(context);
    if (!status) return fail('장부가 없습니다. failover 실습을 처음부터 실행하세요.');
    if (!status.final) return fail('장부 프로듀서가 아직 돌고 있습니다. ledger 터미널에서 Ctrl-C로 멈추세요.', [statusLine(status)]);
    const ackedLines = readFileSync(join(context.stateDir, 'ledger', 'acked.log'), 'utf8').split('\n');
    if (!ackedLines[0]?.includes(status.runId)) return fail('장부 파일과 상태 파일의 실행 번호가 다릅니다. 장부 프로듀서를 다시 실행하세요.');
    const acked = new Set(ackedLines.slice(1).filter(Boolean).map(Number));
    const seen = new Map<number, number>();
    await readTopic(context.endpoints, params.topic, context.signal, (value) => {
      try {
        const record = JSON.parse(value) as { runId?: string; seq?: number };
        if (record.runId === status.runId && typeof record.seq === 'number') seen.set(record.seq, (seen.get(record.seq) ?? 0) + 1);
      } catch {
        // Not a ledger record: ignore.
      }
    });
    return judgeLedger(acked, seen, status);
  },
});
