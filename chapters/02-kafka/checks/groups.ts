// Checks of consumer groups: membership, committed offsets against the log end, lag as the
// learner's own tool printed it, and how partitions are split after a rebalance.
import { AssignerProtocol, type Admin } from 'kafkajs';
import { z } from 'zod';
import { withAdmin } from '../kafka-access.ts';
import { fail, pass, terminalParam } from '../../../server/checks.ts';
import { defineCheck } from './define.ts';
import { withJosa } from '../../../server/korean.ts';

interface GroupView {
  state: string;
  members: Array<{ id: string; partitions: number[] }>;
}

async function describeGroup(admin: Admin, group: string, topic: string): Promise<GroupView> {
  const described = await admin.describeGroups([group]);
  const info = described.groups[0];
  if (!info) return { state: 'Dead', members: [] };
  return {
    state: info.state,
    members: info.members.map((member) => {
      let partitions: number[] = [];
      try {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        partitions = (decoded?.assignment[topic] ?? []).slice().sort();
      } catch {
        // The console consumer's assignment may use a newer format; membership still counts.
      }
      return { id: member.clientId || member.memberId, partitions };
    }),
  };
}

async function lagByPartition(admin: Admin, group: string, topic: string) {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: group, topics: [topic] }),
  ]);
  const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.map((end) => {
    const committedOffset = committedByPartition.get(end.partition) ?? -1;
    const high = Number(end.high);
    return { partition: end.partition, end: high, committed: committedOffset, lag: committedOffset < 0 ? high : high - committedOffset };
  }).sort((a, b) => a.partition - b.partition);
}

const groupParams = z.object({ group: z.string(), topic: z.string(), members: z.number().int().min(1).default(1) }).strict();

export const groupActive = defineCheck({
  name: 'group-active',
  params: groupParams,
  async verify(context, params) {
    const view = await withAdmin(context.endpoints, (admin) => describeGroup(admin, params.group, params.topic));
    const evidence = [`그룹 ${params.group}: 상태 ${view.state}, 멤버 ${view.members.length}명`];
    if (view.state === 'Stable' && view.members.length >= params.members) {
      return pass(`컨슈머가 그룹 ${params.group}에 합류해 메시지를 기다리고 있습니다.`, evidence);
    }
    return fail(`그룹 ${params.group}에 활성 컨슈머가 아직 없습니다(상태 ${view.state}). 컨슈머 터미널에 오류가 없는지 보세요.`, evidence);
  },
});

export const groupEmpty = defineCheck({
  name: 'group-empty',
  params: z.object({ group: z.string() }).strict(),
  async verify(context, params) {
    const described = await withAdmin(context.endpoints, (admin) => admin.describeGroups([params.group]));
    const info = described.groups[0];
    const members = info?.members.length ?? 0;
    const evidence = [`그룹 ${params.group}: 상태 ${info?.state ?? '없음'}, 멤버 ${members}명`];
    if (members === 0) return pass(`그룹 ${params.group}의 컨슈머가 모두 종료했습니다. 커밋된 오프셋은 그룹에 남아 다음 실행이 이어 읽습니다.`, evidence);
    return fail(`그룹 ${params.group}에 아직 컨슈머 ${members}개가 붙어 있습니다. 각 터미널에서 Ctrl-C를 누르세요.`, evidence);
  },
});

export const groupCaughtUp = defineCheck({
  name: 'group-caught-up',
  params: groupParams,
  async verify(context, params) {
    return withAdmin(context.endpoints, async (admin) => {
      const view = await describeGroup(admin, params.group, params.topic);
      const lags = await lagByPartition(admin, params.group, params.topic);
      const evidence = [
        `그룹 ${params.group}: 상태 ${view.state}, 멤버 ${view.members.length}명`,
        ...lags.map((l) => `파티션 ${l.partition}: 끝 오프셋 ${l.end}, 커밋 ${l.committed < 0 ? '없음' : l.committed}, lag ${l.lag}`),
      ];
      const total = lags.reduce((sum, l) => sum + l.end, 0);
      const metrics = { records: total, lag: lags.reduce((sum, l) => sum + l.lag, 0) };
      if (view.members.length < params.members) return fail(`그룹 ${params.group}에 컨슈머가 ${view.members.length}개뿐입니다. 컨슈머 터미널을 확인하세요.`, evidence, metrics);
      if (total === 0) return fail(`토픽 ${params.topic}에 읽을 메시지가 없습니다. 먼저 프로듀서 단계를 실행하세요.`, evidence, metrics);
      const behind = lags.filter((l) => l.lag > 0);
      if (behind.length > 0) return fail(`아직 다 읽지 못했습니다: 파티션 ${behind.map((l) => `${l.partition}(lag ${l.lag})`).join(', ')}. 컨슈머가 오프셋을 커밋할 때까지 몇 초 기다리세요.`, evidence, metrics);
      return pass(`그룹 ${withJosa(params.group, '이/가')} ${total}건을 모두 읽고 커밋했습니다(lag 0). 보낸 만큼 정확히 읽었습니다.`, evidence, metrics);
    });
  },
});

const LAG_ROW = /^\S+\s+(\S+)\s+(\d+)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)/;

export const groupLagOutput = defineCheck({
  name: 'group-lag-output',
  params: z.object({ group: z.string(), topic: z.string(), terminal: terminalParam }).strict(),
  async verify(context, params) {
    const rows = context.output(params.terminal).split('\n')
      .map((line) => LAG_ROW.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === params.topic);
    if (rows.length === 0) return fail('터미널에 kafka-consumer-groups --describe 표(GROUP TOPIC PARTITION ... LAG)가 보이지 않습니다. 명령을 실행하세요.');
    const evidence = rows.map((m) => `파티션 ${m[2]}: CURRENT-OFFSET ${m[3]}, LOG-END-OFFSET ${m[4]}, LAG ${m[5]}`);
    const lagging = rows.filter((m) => m[5] !== '0');
    if (lagging.length > 0) return fail(`LAG이 0이 아닌 파티션이 있습니다: ${lagging.map((m) => `${m[2]}(${m[5]})`).join(', ')}. 컨슈머가 따라잡은 뒤 다시 실행하세요.`, evidence);
    return pass('모든 파티션의 LAG이 0입니다: 컨슈머 그룹이 끝 오프셋까지 읽고 커밋했습니다.', evidence);
  },
});

export const groupRebalanced = defineCheck({
  name: 'group-rebalanced',
  params: groupParams,
  async verify(context, params) {
    const view = await withAdmin(context.endpoints, (admin) => describeGroup(admin, params.group, params.topic));
    const evidence = view.members.map((m, i) => `컨슈머 ${i + 1} (${m.id}): 파티션 ${m.partitions.join(', ') || '없음'}`);
    evidence.unshift(`그룹 ${params.group}: 상태 ${view.state}`);
    const owned = view.members.flatMap((m) => m.partitions);
    if (view.state !== 'Stable' || view.members.length < params.members) {
      return fail(`그룹에 컨슈머가 ${view.members.length}개(상태 ${view.state})입니다. 두 번째 컨슈머가 합류하고 리밸런싱이 끝나기를 기다리세요.`, evidence);
    }
    if (view.members.some((m) => m.partitions.length === 0) || new Set(owned).size !== owned.length) {
      return fail('파티션이 컨슈머들에게 나뉘지 않았습니다. 잠시 뒤 다시 확인하세요.', evidence);
    }
    const split = view.members.map((m) => m.partitions.length).sort().reverse().join('+');
    return pass(`리밸런싱이 끝났습니다: 파티션 ${owned.length}개가 ${withJosa(split, '으로/로')} 나뉘었습니다. 같은 그룹의 컨슈머는 파티션을 겹치지 않게 나눠 가집니다.`, evidence);
  },
});
