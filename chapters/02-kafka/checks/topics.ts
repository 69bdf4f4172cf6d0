// Checks of topics: the shape the learner asked for, and reading describe's Leader/Replicas/Isr.
import { z } from 'zod';
import { withAdmin, type KafkaEndpoints } from '../kafka-access.ts';
import { fail, pass, terminalParam } from '../../../server/checks.ts';
import { defineCheck } from './define.ts';
import { withJosa } from '../../../server/korean.ts';

export interface PartitionShape {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export async function topicPartitions(endpoints: KafkaEndpoints, topic: string): Promise<PartitionShape[] | null> {
  return withAdmin(endpoints, async (admin) => {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return null;
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return (metadata.topics[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr, offline: p.offlineReplicas ?? [] }))
      .sort((a, b) => a.partition - b.partition);
  });
}

export const describePartition = (p: PartitionShape) =>
  `Partition ${p.partition}: Leader ${p.leader}, Replicas ${p.replicas.join(',')}, Isr ${p.isr.join(',')}`;

/** The preamble of the failover checks: which brokers are registered and how a topic's partitions stand, with both as evidence lines. */
export async function clusterAndTopic(endpoints: KafkaEndpoints, topic: string): Promise<{ brokerIds: number[]; partitions: PartitionShape[]; evidence: string[] }> {
  const cluster = await withAdmin(endpoints, (admin) => admin.describeCluster());
  const partitions = (await topicPartitions(endpoints, topic)) ?? [];
  const brokerIds = cluster.brokers.map((b) => b.nodeId).sort();
  return { brokerIds, partitions, evidence: [`등록된 브로커: ${brokerIds.join(', ')}`, ...partitions.map(describePartition)] };
}

export const topicShape = defineCheck({
  name: 'topic-shape',
  params: z.object({ topic: z.string(), partitions: z.number().int(), replicationFactor: z.number().int(), terminal: terminalParam }).strict(),
  async verify(context, params) {
    const partitions = await topicPartitions(context.endpoints, params.topic);
    if (!partitions) return fail(`토픽 ${withJosa(params.topic, '이/가')} 없습니다. 생성 명령의 출력에 오류가 있는지 보세요.`);
    const evidence = partitions.map(describePartition);
    const wrongRf = partitions.filter((p) => p.replicas.length !== params.replicationFactor);
    if (partitions.length !== params.partitions || wrongRf.length > 0) {
      return fail(`토픽 ${withJosa(params.topic, '이/가')} 파티션 ${partitions.length}개, 복제 ${partitions[0]?.replicas.length ?? 0}벌로 되어 있습니다(기대: ${params.partitions}개, ${params.replicationFactor}벌). 자동 생성된 토픽일 수 있으니 지우고(--delete) 다시 만드세요.`, evidence);
    }
    const already = /already exists/i.test(context.output(params.terminal));
    return pass(already
      ? `토픽 ${withJosa(params.topic, '은/는')} 이미 있었고, 파티션 ${params.partitions}개·복제 ${params.replicationFactor}벌로 올바릅니다. "already exists"는 오류가 아니라 이미 만들어졌다는 뜻입니다.`
      : `토픽 ${withJosa(params.topic, '이/가')} 파티션 ${params.partitions}개, 복제 ${params.replicationFactor}벌로 만들어졌습니다.`, evidence);
  },
});

const DESCRIBE_LINE = /Partition:\s*(\d+)\s+Leader:\s*(-?\d+)\s+Replicas:\s*([\d,]+)\s+Isr:\s*([\d,]*)/g;

export const topicDescribeOutput = defineCheck({
  name: 'topic-describe-output',
  params: z.object({ topic: z.string(), terminal: terminalParam }).strict(),
  async verify(context, params) {
    // The cluster and the topic first: a missing topic is the cause to name, not the output
    // that could not have appeared without it.
    const partitions = await topicPartitions(context.endpoints, params.topic);
    if (!partitions) return fail(`토픽 ${withJosa(params.topic, '이/가')} 없습니다. 먼저 토픽을 만드세요.`);
    const shown = [...context.output(params.terminal).matchAll(DESCRIBE_LINE)];
    if (shown.length === 0) return fail('터미널에 describe 출력(Partition / Leader / Replicas / Isr 줄)이 보이지 않습니다. 명령을 실행하세요.');
    const evidence = partitions.map(describePartition);
    const shrunk = partitions.filter((p) => p.isr.length < p.replicas.length);
    if (shrunk.length > 0) {
      return fail(`파티션 ${shrunk.map((p) => p.partition).join(', ')}의 ISR이 복제본보다 적습니다. 멈춘 브로커가 있는지 docker compose ps로 확인하세요.`, evidence);
    }
    const leaders = new Set(partitions.map((p) => p.leader));
    const explain = partitions.map((p) => `파티션 ${withJosa(p.partition, '은/는')} 브로커 ${withJosa(p.leader, '이/가')} 읽기·쓰기를 맡고, ${withJosa(p.replicas.filter((r) => r !== p.leader).join('·'), '이/가')} 따라 씁니다`).join('; ');
    return pass(`세 파티션 모두 ISR이 3입니다. 리더가 브로커 ${[...leaders].sort().join(', ')}에 고르게 나뉘었습니다: ${explain}.`, evidence);
  },
});
