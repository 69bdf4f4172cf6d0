// pipeline_health(): one look at every part, each with its own deadline, in parallel. It
// reports a part that is down instead of failing, so "the SQL gateway is stopped" is an answer
// the AI can read and pass on, with the command that brings it back.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { describe, missing, ToolFailure, type PipelinePart } from '../errors.ts';
import { dual } from '../time.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';
import { NoInput } from '../inputs.ts';

type Status = 'ok' | 'degraded' | 'down' | 'unknown';
interface Section { status: Status; problem?: { ko: string; en: string } | undefined; [key: string]: unknown }

const Problem = z.object({ ko: z.string(), en: z.string() });
const SectionOut = z.object({ status: z.enum(['ok', 'degraded', 'down', 'unknown']), problem: Problem.optional() }).loose();

/** A failed look becomes a 'down' section with the failure's words (or the part's "start it" text). */
async function section(part: PipelinePart, look: () => Promise<Section>): Promise<Section> {
  try {
    return await look();
  } catch (error) {
    const failure = error instanceof ToolFailure ? error : missing(part, describe(error).slice(0, 120));
    return { status: 'down', problem: { ko: failure.ko, en: failure.en } };
  }
}

export async function pipelineHealth(deps: ToolDeps): Promise<Record<string, unknown>> {
  const now = deps.now();
  const topics = [deps.config.tickerTopic, deps.config.candleTopic];
  const [kafka, quorum, collector, flink, gateway, objectStore] = await Promise.all([
    section('kafka', async () => {
      const cluster = await deps.kafka.cluster(topics);
      const underReplicated = cluster.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length).map((p) => `${t.topic}-${p.partition}`));
      const degraded = cluster.brokers.length < deps.config.kafka.brokers.length || underReplicated.length > 0;
      return {
        status: degraded ? 'degraded' : 'ok',
        brokers: cluster.brokers.map((b) => b.nodeId),
        expected_brokers: deps.config.kafka.brokers.length,
        topics: cluster.topics,
        missing_topics: cluster.missingTopics,
        under_replicated: underReplicated,
        problem: degraded
          ? { ko: `브로커 ${cluster.brokers.length}/${deps.config.kafka.brokers.length}대, ISR이 모자란 파티션 ${underReplicated.length}개`, en: `${cluster.brokers.length}/${deps.config.kafka.brokers.length} brokers, ${underReplicated.length} under-replicated partitions` }
          : undefined,
      };
    }),
    section('kafka', async () => {
      const status = await deps.kafka.quorum();
      if (!status) return { status: 'unknown', problem: { ko: 'KRaft 쿼럼을 물어볼 브로커가 없습니다', en: 'No running broker could describe the KRaft quorum' } };
      return { status: status.leaderId === null ? 'down' : 'ok', leader: status.leaderId, voters: status.voters };
    }),
    section('kafka', async () => {
      const newest = await deps.kafka.newestPerPartition(deps.config.tickerTopic);
      const latest = Math.max(...newest.map((r) => r.timestamp), 0);
      if (latest === 0) return { status: 'down', problem: { ko: 'upbit-ticker 토픽이 비어 있습니다: 수집기를 켜세요(3편)', en: 'Topic upbit-ticker is empty: start the collector (chapter 3)' } };
      // Record timestamps are Upbit's trade times, stamped by another clock: a few ms ahead of
      // ours must read as no lag, not a negative one.
      const lagSeconds = Math.max(0, Math.round((now - latest) / 100) / 10);
      return {
        status: lagSeconds <= 30 ? 'ok' : 'degraded',
        newest_record: dual(latest),
        lag_seconds: lagSeconds,
        problem: lagSeconds > 30 ? { ko: `마지막 시세가 ${lagSeconds}초 전입니다: 수집기나 upbit-replay가 멈췄을 수 있습니다`, en: `Newest ticker is ${lagSeconds} s old: the collector or upbit-replay may have stopped` } : undefined,
      };
    }),
    section('flink', async () => {
      const state = await deps.flink.jobs();
      const notRunning = state.jobs.filter((j) => j.state !== 'RUNNING');
      return {
        status: state.taskmanagers === 0 || notRunning.length > 0 ? 'degraded' : 'ok',
        taskmanagers: state.taskmanagers,
        slots_free: state.slotsFree,
        jobs: state.jobs.map((j) => ({
          name: j.name, state: j.state, started: dual(j.startedMs), restarts: j.restarts, checkpoints: j.checkpoints,
          last_checkpoint: j.lastCheckpoint ? { id: j.lastCheckpoint.id, completed: dual(j.lastCheckpoint.completedMs), duration_ms: j.lastCheckpoint.durationMs, age_seconds: Math.round((now - j.lastCheckpoint.completedMs) / 1000) } : null,
        })),
        problem: state.taskmanagers === 0 ? { ko: 'TaskManager가 없습니다: docker compose up -d taskmanager', en: 'No TaskManager registered: docker compose up -d taskmanager' } : undefined,
      };
    }),
    section('sql-gateway', async () => {
      const info = await deps.paimon.info(AbortSignal.timeout(deps.config.backendTimeoutMs));
      return { status: 'ok', version: info.version };
    }),
    section('object-store', async () => {
      // Any HTTP answer means S3Proxy is up (without keys it answers 403, which is fine here).
      const response = await fetch(`${deps.config.objectStore}/`, { signal: AbortSignal.timeout(deps.config.backendTimeoutMs) });
      await response.body?.cancel();
      return { status: 'ok', http_status: response.status };
    }),
  ]);
  const paimon = gateway.status === 'ok'
    ? await section('paimon', async () => {
      const snapshot = await deps.paimon.latestSnapshot();
      if (!snapshot) return { status: 'degraded', problem: { ko: 'candles_1m에 스냅샷이 아직 없습니다', en: 'candles_1m has no snapshot yet' } };
      const age = Math.round((now - snapshot.commitTimeMs) / 1000);
      return { status: age < 300 ? 'ok' : 'degraded', table: 'upbit.candles_1m', snapshot_id: snapshot.id, commit_kind: snapshot.kind, committed: dual(snapshot.commitTimeMs), age_seconds: age, total_records: snapshot.records };
    })
    : { status: 'unknown' as const, problem: { ko: 'SQL 게이트웨이가 없어 Paimon 스냅샷을 볼 수 없습니다', en: 'Cannot read Paimon snapshots without the SQL gateway' } };
  const parts = { kafka, quorum, collector, flink, sql_gateway: gateway, object_store: objectStore, paimon };
  const problems = Object.entries(parts).flatMap(([name, s]) => (s.problem && s.status !== 'ok' ? [{ part: name, status: s.status, ...s.problem }] : []));
  return { checked: dual(now), overall: problems.length === 0 ? 'ok' : 'problems', problems, parts };
}

export function registerPipelineHealth(server: McpServer, deps: ToolDeps): void {
  server.registerTool('pipeline_health', {
    title: 'Pipeline health / 파이프라인 상태',
    description:
      'Health of every part of the pipeline in one call: Kafka brokers and ISR, KRaft quorum, collector lag (age of the newest ticker), Flink jobs with last checkpoint and restarts, SQL gateway, object store, and the latest Paimon snapshot. A part that is down is reported with the command that starts it. Takes a few seconds.\n' +
      '파이프라인 전체 상태를 한 번에: Kafka 브로커와 ISR, KRaft 쿼럼, 수집 지연(최신 시세의 나이), Flink 잡의 마지막 체크포인트와 재시작 횟수, SQL 게이트웨이, 오브젝트 스토어, Paimon 최신 스냅샷. 멈춘 부분은 다시 띄우는 명령과 함께 알려 줍니다.',
    inputSchema: NoInput,
    outputSchema: {
      checked: z.object({ utc: z.string(), kst: z.string(), epochMs: z.number() }),
      overall: z.enum(['ok', 'problems']),
      problems: z.array(z.object({ part: z.string(), status: z.string(), ko: z.string(), en: z.string() })),
      parts: z.record(z.string(), SectionOut),
    },
    annotations: READ_ONLY,
  }, () => guarded(deps.config.queryTimeoutMs + 20_000, async () => {
    const health = await pipelineHealth(deps);
    const problems = health['problems'] as { part: string }[];
    return ok(health, problems.length === 0 ? 'All parts OK' : `Problems: ${problems.map((p) => p.part).join(', ')}`);
  }));
}
