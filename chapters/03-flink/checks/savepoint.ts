// Checks for the savepoint and late-data labs. Savepoint: the candle job was stopped with a
// savepoint (not cancelled), then a changed query resumed from exactly that savepoint; the
// minutes across the stop are judged by flink-candles-exact (coverRestore). Late data: ticks
// the stand-in stamped in the past reached the topic, and the candle job counted every one it
// could not place (numLateRecordsDropped) instead of losing them without a trace.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fail, pass, terminalParam } from '../../../server/checks.ts';
import { FlinkRest, type JobSummary } from '../flink-rest.ts';
import { readTopicRecords, type TopicRecord } from './source.ts';
import { defineCheck, type FlinkCheckContext } from './define.ts';

const CANDLE_JOB = 'upbit-candles-1m';
const FINAL = ['FAILED', 'CANCELED', 'FINISHED'];

function rest(context: FlinkCheckContext): FlinkRest {
  return new FlinkRest({ base: context.endpoints.rest, timeoutMs: 5000, signal: context.signal });
}

const unreachable = (context: FlinkCheckContext) =>
  `Flink JobManager(${context.endpoints.rest})가 답하지 않습니다. compose 폴더에서 docker compose up -d jobmanager taskmanager 를 실행하고 1~2분 기다리세요.`;

/** The savepoint path `flink-job.ts savepoint NAME` wrote, and when; undefined if none. */
function storedSavepoint(context: FlinkCheckContext, job: string): { path: string; at: number } | undefined {
  const file = join(context.stateDir, 'flink', `savepoint-${job}.txt`);
  try {
    const path = readFileSync(file, 'utf8').trim();
    return path ? { path, at: statSync(file).mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** Flink writes `file:/x` in one place and `file:///x` in another: compare the paths alone. */
export const samePath = (a: string, b: string) => a.replace(/^file:\/*/, '/').replace(/\/+$/, '') === b.replace(/^file:\/*/, '/').replace(/\/+$/, '');

async function jobsNamed(api: FlinkRest, name: string): Promise<JobSummary[]> {
  return (await api.jobs()).filter((j) => j.name === name).sort((a, b) => b['start-time'] - a['start-time']);
}

export const savepointTaken = defineCheck({
  name: 'flink-savepoint-taken',
  params: z.object({
    job: z.string().default(CANDLE_JOB),
    /** The lab that submits the job, named when it is missing or ended without a savepoint. */
    submittedIn: z.string().default('flink-candles'),
  }).strict(),
  async verify(context, params) {
    const api = rest(context);
    let jobs: JobSummary[];
    try {
      jobs = await jobsNamed(api, params.job);
    } catch {
      return fail(unreachable(context));
    }
    const live = jobs.filter((j) => !FINAL.includes(j.state));
    if (live.length > 0) return fail(`'${params.job}' 잡이 아직 ${live[0]!.state}입니다. node ../chapters/03-flink/clients/flink-job.ts savepoint ${params.job} 로 세이브포인트를 남기고 멈추세요.`);
    const last = jobs[0];
    if (!last) return fail(`'${params.job}' 잡이 클러스터에 없습니다. ${params.submittedIn} 실습으로 잡을 먼저 제출하세요.`);
    const stored = storedSavepoint(context, params.job);
    const checkpoints = await api.checkpoints(last.jid);
    const savepoint = checkpoints.latest.savepoint;
    const evidence = [`마지막 '${params.job}' 잡 ${last.jid}: ${last.state}`, `세이브포인트: ${savepoint?.external_path ?? '없음'}`, `기록된 경로: ${stored?.path ?? '없음'}`];
    if (last.state !== 'FINISHED' || !savepoint || savepoint.status !== 'COMPLETED' || !savepoint.external_path) {
      return fail(`잡이 세이브포인트 없이 ${last.state}로 끝났습니다(취소했거나 실패함). 이 상태로는 이어 갈 수 없습니다: 잡을 다시 제출한 뒤(${params.submittedIn} 실습) flink-job.ts savepoint ${params.job} 로 멈추세요.`, evidence);
    }
    if (!stored || !samePath(stored.path, savepoint.external_path)) {
      return fail(`세이브포인트 경로가 기록되지 않았습니다. 웹 UI나 STOP JOB으로 멈췄다면 경로를 .lab-state/flink/savepoint-${params.job}.txt에 적거나, 다음부터는 flink-job.ts savepoint 로 멈추세요.`, evidence);
    }
    return pass(`'${params.job}' 잡이 세이브포인트를 남기고 멈췄습니다: ${savepoint.external_path} (${Math.round(savepoint.state_size / 1024)} KB).`, evidence, { savepointKB: Math.round(savepoint.state_size / 1024), durationMs: savepoint.end_to_end_duration });
  },
});

export const jobResumed = defineCheck({
  name: 'flink-job-resumed',
  params: z.object({
    job: z.string().default(CANDLE_JOB),
    /** The sink table the changed query writes through (its name appears in the job graph). */
    sinkTable: z.string().optional(),
    /** The SQL file the lab resubmits from the savepoint, named in the reasons. */
    sqlFile: z.string().default('11-candles-1m-v2.sql'),
  }).strict(),
  async verify(context, params) {
    const api = rest(context);
    let live: JobSummary[];
    try {
      live = (await jobsNamed(api, params.job)).filter((j) => !FINAL.includes(j.state));
    } catch {
      return fail(unreachable(context));
    }
    const stored = storedSavepoint(context, params.job);
    if (!stored) return fail(`세이브포인트 기록이 없습니다. 앞 단계에서 flink-job.ts savepoint ${params.job} 로 잡을 멈추세요.`);
    if (live.length === 0) return fail(`'${params.job}' 잡이 돌고 있지 않습니다. 세이브포인트 경로를 execution.state-recovery.path로 주고(실습 명령 그대로) ${params.sqlFile}을 제출하세요.`);
    if (live.length > 1) return fail(`'${params.job}' 잡이 ${live.length}개 돌고 있습니다. 같은 토픽에 두 잡이 쓰면 캔들이 두 번 나옵니다. 웹 UI에서 세이브포인트 없이 뜬 쪽을 취소하세요.`);
    const job = live[0]!;
    const [details, checkpoints] = await Promise.all([api.job(job.jid), api.checkpoints(job.jid)]);
    const evidence = [`잡 ${job.jid}: ${job.state}`, ...details.vertices.map((v) => `${v.name.slice(0, 70)}: ${v.status}`)];
    const restored = checkpoints.latest.restored;
    if (!restored || !restored.is_savepoint || !restored.external_path || !samePath(restored.external_path, stored.path)) {
      evidence.push(`복구한 곳: ${restored?.external_path ?? '없음'}`, `세이브포인트: ${stored.path}`);
      return fail(`새 잡이 세이브포인트(${stored.path})에서 시작하지 않았습니다. 이 잡은 상태 없이 처음부터 돌고 있어 멈춘 동안의 캔들이 빠지거나 겹칩니다. 이 잡을 취소하고(flink-job.ts cancel ${params.job}) execution.state-recovery.path를 주어(실습 명령 그대로) 다시 제출하세요.`, evidence);
    }
    if (params.sinkTable && !details.vertices.some((v) => v.name.includes(params.sinkTable!))) {
      return fail(`잡 그래프에 ${params.sinkTable} 싱크가 없습니다. 고친 쿼리(11-candles-1m-v2.sql)가 아니라 이전 쿼리를 다시 제출한 것 같습니다.`, evidence);
    }
    if (job.state !== 'RUNNING' || !details.vertices.every((v) => v.status === 'RUNNING')) return fail(`잡이 ${job.state}이고 아직 모든 태스크가 RUNNING이 아닙니다. 조금 더 기다리세요.`, evidence);
    const after = checkpoints.history.filter((c) => c.status === 'COMPLETED' && !c.is_savepoint && c.trigger_timestamp > restored.restore_timestamp).length;
    if (after < 1) return fail('세이브포인트에서 시작한 뒤 아직 체크포인트가 완료되지 않았습니다(그 전에는 새 캔들이 커밋되지 않습니다). 10~20초 기다리세요.', evidence);
    const stoppedToRunningSec = Math.round((restored.restore_timestamp - stored.at) / 100) / 10;
    return pass(`고친 잡이 세이브포인트 ${stored.path}에서 이어 RUNNING이고, 그 뒤 체크포인트 ${after}개가 완료됐습니다.`, evidence, { checkpointsAfterRestore: after, savepointToRestoreSec: stoppedToRunningSec });
  },
});

/** One deliberately late tick: its minute had closed before it arrived. */
export interface LateTick { market: string; partition: number; offset: number; tradeTs: number; aheadMs: number }

/**
 * Ticks that arrived after their 1-minute window had surely closed. Per partition (one market
 * lives in one partition, in order), a tick is late when the end of its minute lies more than
 * `marginMs` behind the newest trade time already seen in that partition. The job's watermark
 * trails the slowest partition by 5 s, so a margin well above that (default 20 s) leaves only
 * ticks the window operator must have dropped; the stand-in's `late` control sends 90 s old ones.
 */
export function findLateTicks(records: readonly TopicRecord[], marginMs = 20_000): LateTick[] {
  const newest = new Map<number, number>();
  const late: LateTick[] = [];
  for (const record of records) {
    let tick: { code?: unknown; trade_timestamp?: unknown };
    try { tick = JSON.parse(record.value) as typeof tick; } catch { continue; }
    if (typeof tick.code !== 'string' || typeof tick.trade_timestamp !== 'number') continue;
    const ts = tick.trade_timestamp;
    const seen = newest.get(record.partition);
    const minuteEnd = Math.floor(ts / 60_000) * 60_000 + 60_000;
    if (seen !== undefined && minuteEnd <= seen - marginMs) late.push({ market: tick.code, partition: record.partition, offset: record.offset, tradeTs: ts, aheadMs: seen - ts });
    newest.set(record.partition, Math.max(seen ?? ts, ts));
  }
  return late;
}

/** Rows of 30-late-ticks.sql's tableau output whose `late` and `candle_closed` are both TRUE. */
export const closedLateRows = (printed: string) => printed.split('\n').filter((line) => /KRW-[A-Z0-9]+/.test(line) && /\|\s*TRUE\s*\|\s*TRUE\s*\|/.test(line)).length;

export const lateCounted = defineCheck({
  name: 'flink-late-counted',
  params: z.object({
    job: z.string().default(CANDLE_JOB),
    topic: z.string().default('upbit-ticker'),
    /** Late ticks (minute already closed) that must be in the topic. */
    minLate: z.number().int().min(1).default(3),
    /** The terminal running 30-late-ticks.sql; its rows must show them too. */
    terminal: terminalParam,
  }).strict(),
  async verify(context, params) {
    let startOffsets: Record<string, number> = {};
    try {
      const report = JSON.parse(readFileSync(join(context.stateDir, context.endpoints.collectorReport), 'utf8')) as { startOffsets?: Record<string, number>; final?: boolean };
      if (report.final) return fail('수집기가 돌고 있지 않습니다. 늦은 체결도 수집기를 거쳐 Kafka에 들어가므로 수집기 터미널에서 수집기를 켜세요.');
      startOffsets = report.startOffsets ?? {};
    } catch {
      return fail('수집기 보고서가 없습니다. 수집기를 먼저 실행하세요.');
    }
    const records = await readTopicRecords(context.endpoints.kafka, params.topic, context.signal, startOffsets);
    const late = findLateTicks(records);
    const evidence = [`${params.topic}: 이번 수집 이후 ${records.length}건 중 창이 닫힌 뒤 온 체결 ${late.length}건`, ...late.slice(0, 5).map((t) => `${t.market} ${new Date(t.tradeTs).toISOString()} (${Math.round(t.aheadMs / 1000)}초 늦음, ${t.partition}:${t.offset})`)];
    if (late.length < params.minLate) {
      return fail(`토픽에 창이 이미 닫힌 늦은 체결이 ${late.length}건뿐입니다(기대 ${params.minLate}건 이상). curl -s -X POST 'http://localhost:8765/_replay/late?market=KRW-BTC&offsetSec=90&count=3' 로 대역에게 90초 늦은 체결을 보내게 하세요.`, evidence);
    }
    const api = rest(context);
    let job: JobSummary | undefined;
    try {
      job = (await jobsNamed(api, params.job)).find((j) => j.state === 'RUNNING');
    } catch {
      return fail(unreachable(context));
    }
    if (!job) return fail(`'${params.job}' 잡이 RUNNING이 아닙니다. 늦은 체결을 셀 잡이 있어야 합니다: flink-candles 실습으로 캔들 잡을 제출하세요.`, evidence);
    const details = await api.job(job.jid);
    let dropped = 0;
    for (const vertex of details.vertices) {
      const values = await api.vertexMetrics(job.jid, vertex.id, ['numLateRecordsDropped']);
      for (const value of Object.values(values)) dropped += value;
    }
    evidence.push(`'${params.job}' 잡의 numLateRecordsDropped: ${dropped}`);
    const metrics = { late: late.length, dropped };
    if (dropped < late.length) {
      return fail(`늦은 체결 ${late.length}건이 토픽에 있는데 캔들 잡이 센 것은 ${dropped}건입니다. 잡이 아직 그 체결까지 읽지 않았다면 10초쯤 기다리세요. 잡이 그 뒤에 재시작했다면 지표가 0부터 다시 세므로, 늦은 체결을 한 번 더 보내세요.`, evidence, metrics);
    }
    const rows = closedLateRows(context.output(params.terminal));
    evidence.push(`30-late-ticks.sql 결과에서 late와 candle_closed가 모두 TRUE인 행: ${rows}개`);
    if (rows < params.minLate) {
      return fail(`늦은 체결 질의(30-late-ticks.sql) 결과에 창이 닫힌 늦은 체결이 ${rows}행 보입니다(기대 ${params.minLate}행 이상). 질의를 늦은 체결을 보내기 전에 켜 두어야 그 체결을 봅니다: 질의가 도는지 확인하고 늦은 체결을 다시 보내세요.`, evidence, metrics);
    }
    return pass(`창이 닫힌 뒤 온 체결 ${late.length}건을 캔들 잡이 버리면서 numLateRecordsDropped로 셌고(${dropped}), 늦은 체결 질의도 ${rows}행으로 보여 줍니다.`, evidence, metrics);
  },
});

export const jobGone = defineCheck({
  name: 'flink-job-gone',
  params: z.object({ job: z.string() }).strict(),
  async verify(context, params) {
    let live: JobSummary[];
    try {
      live = (await jobsNamed(rest(context), params.job)).filter((j) => !FINAL.includes(j.state));
    } catch {
      return fail(unreachable(context));
    }
    if (live.length > 0) return fail(`'${params.job}' 잡이 아직 ${live[0]!.state}이고 슬롯을 잡고 있습니다. node ../chapters/03-flink/clients/flink-job.ts cancel ${params.job} 로 취소하세요.`);
    return pass(`'${params.job}' 잡이 끝나 슬롯을 돌려줬습니다.`);
  },
});

export const SAVEPOINT_CHECKS = [savepointTaken, jobResumed, lateCounted, jobGone];
