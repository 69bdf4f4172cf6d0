// Checks for the Flink labs: the session cluster (TaskManager registered, web UI), the first
// SQL query, the candle job (running, checkpointing, candles arriving) and its exactness
// against the collector's report, read with read_committed, also across a TaskManager kill.
// Every address comes from the chapter's endpoints; each call takes the check's deadline.
import { z } from 'zod';
import { fail, pass, seconds, terminalParam } from '../../../server/checks.ts';
import { containerState } from '../../../server/docker.ts';
import { compareWithReport, judgedFrom, minuteKey, readCollectorReport, readCommittedCandles, type CollectorReport, type Exactness } from '../candles.ts';
import { FlinkRest, type JobDetails, type JobSummary } from '../flink-rest.ts';
import { join } from 'node:path';
import { defineCheck, type FlinkCheckContext } from './define.ts';

const CANDLE_JOB = 'upbit-candles-1m';
const CANDLE_TOPIC = 'upbit-candles-1m';

function rest(context: FlinkCheckContext, timeoutMs = 5000): FlinkRest {
  return new FlinkRest({ base: context.endpoints.rest, timeoutMs, signal: context.signal });
}

const unreachable = (context: FlinkCheckContext) =>
  `Flink JobManager(${context.endpoints.rest})가 답하지 않습니다. compose 폴더에서 docker compose up -d jobmanager taskmanager를 실행하고, 막 띄웠다면 1~2분 기다리세요. 계속 안 되면 docker compose logs jobmanager | tail -50으로 오류를 보세요.`;

/** Live jobs with this name (not FAILED/CANCELED/FINISHED), newest first. */
async function liveJobs(api: FlinkRest, name: string): Promise<JobSummary[]> {
  const done = ['FAILED', 'CANCELED', 'FINISHED'];
  return (await api.jobs()).filter((j) => j.name === name && !done.includes(j.state)).sort((a, b) => b['start-time'] - a['start-time']);
}

const tasksLine = (details: JobDetails) => details.vertices.map((v) => `${v.name.slice(0, 60)}: ${v.status}`);
const allTasksRunning = (details: JobDetails) => details.vertices.length > 0 && details.vertices.every((v) => v.status === 'RUNNING');

export const taskManagerRegistered = defineCheck({
  name: 'flink-taskmanager-registered',
  params: z.object({ minSlots: z.number().int().min(1).default(1) }).strict(),
  async verify(context, params) {
    let overview;
    try {
      overview = await rest(context).overview();
    } catch {
      return fail(unreachable(context));
    }
    const evidence = [`Flink ${overview['flink-version']}: TaskManager ${overview.taskmanagers}대, 슬롯 ${overview['slots-available']}/${overview['slots-total']}개 비어 있음, 실행 중인 잡 ${overview['jobs-running']}개`];
    const metrics = { taskmanagers: overview.taskmanagers, slotsTotal: overview['slots-total'], slotsFree: overview['slots-available'] };
    if (overview.taskmanagers < 1) {
      const tm = await containerState(context.docker, context.endpoints.containers.taskmanager);
      const why = tm.running ? 'taskmanager 컨테이너는 돌고 있으니 JobManager에 등록되기를 조금 더 기다리세요(부하가 크면 1~2분).' : 'taskmanager 컨테이너가 돌고 있지 않습니다. docker compose up -d taskmanager로 시작하세요.';
      return fail(`JobManager는 떴지만 등록된 TaskManager가 없습니다. ${why}`, evidence, metrics);
    }
    if (overview['slots-available'] < params.minSlots) {
      return fail(`빈 슬롯이 ${overview['slots-available']}개뿐입니다(기대 ${params.minSlots}개 이상). 웹 UI의 Running Jobs에서 필요 없는 잡을 취소하세요.`, evidence, metrics);
    }
    return pass(`TaskManager ${overview.taskmanagers}대가 등록되어 슬롯 ${overview['slots-available']}개가 비어 있습니다 (Flink ${overview['flink-version']}).`, evidence, metrics);
  },
});

export const webUiOutput = defineCheck({
  name: 'flink-overview-output',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const printed = context.output(params.terminal);
    const version = /"flink-version"\s*:\s*"([^"]+)"/.exec(printed)?.[1];
    const taskmanagers = Number(/"taskmanagers"\s*:\s*(\d+)/.exec(printed)?.[1] ?? Number.NaN);
    if (!version) return fail('터미널에 /overview 응답(flink-version이 든 JSON)이 보이지 않습니다. curl -s http://localhost:8081/overview 를 실행하세요.');
    if (!(taskmanagers >= 1)) return fail(`/overview 응답에 TaskManager가 ${Number.isNaN(taskmanagers) ? '없습니다' : `${taskmanagers}대입니다`}. 이전 단계로 TaskManager를 먼저 등록시키세요.`);
    let html = '';
    try {
      const response = await fetch(`${context.endpoints.rest}/`, { signal: AbortSignal.any([AbortSignal.timeout(5000), context.signal]) });
      html = await response.text();
    } catch {
      return fail(unreachable(context));
    }
    if (!/Flink/i.test(html)) return fail(`${context.endpoints.rest}/ 가 Flink 웹 UI를 돌려주지 않습니다. 다른 프로그램이 그 포트를 쓰고 있지 않은지 확인하세요.`);
    return pass(`REST가 Flink ${version}, TaskManager ${taskmanagers}대라고 답하고, 웹 UI(${context.endpoints.rest})도 열립니다.`);
  },
});

export const sqlFirstQuery = defineCheck({
  name: 'flink-sql-output',
  params: z.object({ terminal: terminalParam, minResults: z.number().int().min(1).default(3) }).strict(),
  async verify(context, params) {
    const printed = context.output(params.terminal);
    const error = printed.split('\n').find((line) => /\[ERROR\]|Exception/.test(line));
    if (error) return fail(`SQL 클라이언트가 오류를 냈습니다: ${error.trim().slice(0, 200)}. upbit-ticker 토픽에 데이터가 있는지(flink-source 실습), TaskManager에 빈 슬롯이 있는지(flink-up 실습) 확인하세요.`);
    const results = printed.match(/Received a total of \d+ rows?|\d+ rows? in set/g) ?? [];
    const markets = new Set(printed.match(/KRW-[A-Z0-9]+/g) ?? []);
    const evidence = [`결과 표 ${results.length}개, 보인 마켓 ${[...markets].join(', ') || '없음'}`];
    if (results.length < params.minResults) return fail(`결과 표가 ${results.length}개 나왔습니다(기대 ${params.minResults}개). docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/01-first-query.sql 이 끝날 때까지 기다리세요(JVM 시작과 잡 세 개로 1~2분).`, evidence);
    if (markets.size === 0) return fail('결과에 마켓 코드(KRW-...)가 없습니다. upbit-ticker 토픽이 비어 있다면 flink-source 실습으로 시세를 먼저 넣으세요.', evidence);
    return pass(`끝이 있는 질의 ${results.length}개가 결과를 찍고 끝났습니다: ${[...markets].slice(0, 5).join(', ')}.`, evidence, { results: results.length, markets: markets.size });
  },
});

export const jobRunning = defineCheck({
  name: 'flink-job-running',
  params: z.object({
    job: z.string().default(CANDLE_JOB),
    minCheckpoints: z.number().int().min(0).default(1),
    /** The SQL file that submits this job (named in the failure message). */
    sql: z.string().regex(/^[0-9a-z-]+\.sql$/).default('10-candles-1m.sql'),
  }).strict(),
  async verify(context, params) {
    const api = rest(context);
    let live: JobSummary[];
    try {
      live = await liveJobs(api, params.job);
    } catch {
      return fail(unreachable(context));
    }
    if (live.length === 0) return fail(`'${params.job}' 잡이 돌고 있지 않습니다. docker compose run --rm sql-client -i /sql/00-source.sql -f /sql/${params.sql} 로 제출하세요. 제출했는데 없다면 웹 UI의 Completed Jobs에서 실패 이유(Exceptions)를 보세요.`);
    if (live.length > 1) return fail(`'${params.job}' 잡이 ${live.length}개 돌고 있습니다. 같은 토픽에 두 잡이 쓰면 캔들이 두 번 나옵니다. 웹 UI에서 오래된 잡을 Cancel Job으로 취소하세요.`);
    const job = live[0]!;
    const details = await api.job(job.jid);
    const evidence = [`잡 ${job.jid}: ${job.state}`, ...tasksLine(details)];
    if (job.state !== 'RUNNING' || !allTasksRunning(details)) return fail(`잡이 ${job.state} 상태이고 아직 모든 태스크가 RUNNING이 아닙니다. 슬롯을 받아 태스크가 뜰 때까지 기다리세요(부하가 크면 1~2분).`, evidence);
    const startMs = details.timestamps.RUNNING ?? job['start-time'];
    // A query without checkpointing (30-late-ticks.sql) answers /checkpoints with 404: ask only
    // when checkpoints are wanted.
    if (params.minCheckpoints === 0) return pass(`'${params.job}' 잡이 RUNNING이고 모든 태스크가 돌고 있습니다.`, evidence, { runningSinceSec: Math.round((Date.now() - startMs) / 1000) });
    const checkpoints = await api.checkpoints(job.jid);
    const completed = checkpoints.history.filter((c) => c.status === 'COMPLETED' && !c.is_savepoint && c.trigger_timestamp >= job['start-time']).length;
    evidence.push(`체크포인트: 완료 ${checkpoints.counts.completed}, 실패 ${checkpoints.counts.failed}, 진행 중 ${checkpoints.counts.in_progress}`);
    if (completed < params.minCheckpoints) {
      const failed = checkpoints.latest.failed?.failure_message;
      return fail(`잡은 RUNNING이지만 완료된 체크포인트가 ${completed}개입니다(기대 ${params.minCheckpoints}개 이상). ${failed ? `마지막 실패: ${failed.slice(0, 160)}. ` : ''}간격이 10초이니 조금 더 기다리세요.`, evidence);
    }
    return pass(`'${params.job}' 잡이 RUNNING이고 체크포인트 ${checkpoints.counts.completed}개가 완료됐습니다.`, evidence, { checkpoints: checkpoints.counts.completed, runningSinceSec: Math.round((Date.now() - startMs) / 1000) });
  },
});

/** The collector's report in the lab state folder, or undefined when there is none yet. */
function loadReport(context: FlinkCheckContext): CollectorReport | undefined {
  try {
    return readCollectorReport(join(context.stateDir, context.endpoints.collectorReport));
  } catch {
    return undefined;
  }
}

export const candlesArriving = defineCheck({
  name: 'flink-candles-arriving',
  params: z.object({ topic: z.string().default(CANDLE_TOPIC) }).strict(),
  async verify(context, params) {
    const report = loadReport(context);
    if (!report) return fail('수집기 보고서가 없습니다. 수집기를 실행하세요(캔들을 만들 시세가 필요합니다).');
    // A finished report belongs to an earlier run; this step is about candles of the running one.
    if ((report as { final?: boolean }).final) return fail('수집기가 돌고 있지 않습니다(보고서가 지난 실행의 최종본입니다). 수집기 터미널에서 수집기를 켜세요.');
    const from = judgedFrom(report);
    const { candles } = await readCommittedCandles({ brokers: [...context.endpoints.kafka.bootstrap], topic: params.topic, signal: context.signal, timeoutMs: 30_000, idleMs: 3000 });
    const markets = Object.keys(report.markets);
    const seen = new Map<string, string>();
    for (const candle of candles) if (candle.minute >= from && markets.includes(candle.market)) seen.set(candle.market, candle.minute);
    const missing = markets.filter((m) => !seen.has(m));
    const evidence = [`${params.topic}: 커밋된 캔들 ${candles.length}개, ${from}부터 캔들이 나온 마켓 ${seen.size}/${markets.length}개`];
    if (markets.length === 0 || missing.length > 0) {
      return fail(`수집기가 시작한 다음 분(${from})부터의 캔들이 아직 없는 마켓: ${missing.join(', ') || '(보고서에 마켓이 없음)'}. 1분 창은 워터마크(5초 지연)가 창 끝을 넘고, 다음 체크포인트(10초)에서 트랜잭션이 커밋돼야 보입니다. 수집기가 돌고 있는지 보고 1~2분 기다리세요.`, evidence);
    }
    return pass(`모든 마켓(${markets.length}개)의 1분 캔들이 read_committed로 보입니다.`, evidence, { candles: candles.length, markets: markets.length });
  },
});

function exactnessEvidence(result: Exactness): string[] {
  const lines = [`비교한 분 ${result.compared}개 (${result.since} 이상, ${result.newestMinute ?? '-'} 미만): 일치 ${result.matched}, 빠짐 ${result.lost.length}, 중복 ${result.duplicated.length}, 불일치 ${result.mismatched.length}, 보고서에 없는 캔들 ${result.extra.length}`];
  for (const [label, list] of [['빠짐', result.lost], ['중복', result.duplicated], ['불일치', result.mismatched], ['보고서에 없음', result.extra]] as const) {
    for (const p of list.slice(0, 3)) lines.push(`${label} ${p.market} ${p.minute}: 보고서 ${JSON.stringify(p.expected ?? null)}, 캔들 ${JSON.stringify(p.got ?? [])}`);
  }
  return lines;
}

export const candlesExact = defineCheck({
  name: 'flink-candles-exact',
  params: z.object({
    topic: z.string().default(CANDLE_TOPIC),
    /** Closed minutes (per market) that must have been compared. */
    minMinutes: z.number().int().min(1).default(2),
    /** The minute the job last restored from a checkpoint must be among the compared ones. */
    coverRestore: z.boolean().default(false),
    /** The terminal where `node .../candles.ts` was run (its summary line must be there). */
    terminal: terminalParam,
  }).strict(),
  async verify(context, params) {
    if (!/일치 \d+, 빠짐 \d+, 중복 \d+, 불일치 \d+/.test(context.output(params.terminal))) {
      return fail('터미널에 candles.ts의 대조 결과가 보이지 않습니다. node ../chapters/03-flink/candles.ts 를 실행하세요.');
    }
    const report = loadReport(context);
    if (!report) return fail('수집기 보고서가 없습니다. 수집기를 실행하세요.');
    const from = judgedFrom(report);
    let restoreMinute: string | undefined;
    if (params.coverRestore) {
      const api = rest(context);
      const job = (await liveJobs(api, CANDLE_JOB).catch(() => []))[0];
      if (!job) return fail(`'${CANDLE_JOB}' 잡이 돌고 있지 않습니다. 앞 단계를 확인하세요.`);
      const restored = (await api.checkpoints(job.jid)).latest.restored;
      if (!restored) return fail('잡이 체크포인트에서 복구된 적이 없습니다. taskmanager를 죽이고 다시 올리는 앞 단계를 먼저 하세요.');
      restoreMinute = minuteKey(restored.restore_timestamp);
    }
    const { candles, unreadable } = await readCommittedCandles({ brokers: [...context.endpoints.kafka.bootstrap], topic: params.topic, signal: context.signal, timeoutMs: 30_000, idleMs: 3000 });
    const result = compareWithReport(candles, report, from);
    const extra = result.extra;
    // No candle at all leaves result.markets empty, and Math.min() of nothing is Infinity: a
    // topic without candles must not count as "every market compared enough minutes".
    const perMarket = result.compared > 0 ? Math.min(...Object.values(result.markets).map((m) => m.compared)) : 0;
    const evidence = exactnessEvidence(result);
    if (restoreMinute) evidence.push(`복구한 분: ${restoreMinute}`);
    const metrics = { compared: result.compared, matched: result.matched, lost: result.lost.length, duplicated: result.duplicated.length, mismatched: result.mismatched.length, extra: extra.length, unreadable };
    if (unreadable > 0) return fail(`${params.topic}에 캔들로 읽을 수 없는 레코드가 ${unreadable}개 있습니다. 다른 프로그램이 이 토픽에 쓰고 있지 않은지 확인하세요.`, evidence, metrics);
    if (result.duplicated.length > 0) return fail(`같은 마켓·분의 캔들이 두 번 커밋된 곳이 ${result.duplicated.length}군데 있습니다. 같은 잡을 두 번 제출했는지(웹 UI의 Running Jobs), 싱크가 exactly-once인지 확인하세요.`, evidence, metrics);
    if (result.mismatched.length > 0) return fail(`체결 수나 거래량이 보고서와 다른 캔들이 ${result.mismatched.length}개 있습니다. 같은 토픽에 다른 프로그램이 쓰지 않았는지, 워터마크 지연보다 늦게 온 체결이 없었는지 확인하세요.`, evidence, metrics);
    if (result.lost.length > 0) return fail(`보고서에는 체결이 있는데 캔들이 없는 마켓·분이 ${result.lost.length}개 있습니다. 잡이 그 구간을 건너뛰었습니다: 웹 UI에서 잡의 재시작과 체크포인트 복구 기록을 보세요.`, evidence, metrics);
    if (extra.length > 0) return fail(`수집기 보고서에 없는 마켓·분의 캔들이 ${extra.length}개 있습니다. 수집기 말고 다른 프로그램이 upbit-ticker에 쓰고 있지 않은지 확인하세요.`, evidence, metrics);
    if (!(perMarket >= params.minMinutes)) return fail(`아직 닫힌 분이 마켓마다 ${Number.isFinite(perMarket) ? perMarket : 0}개만 비교됐습니다(기대 ${params.minMinutes}개 이상). 수집기를 켜 둔 채 1~2분 더 기다리세요.`, evidence, metrics);
    // A restore inside the collector's first (partial, never compared) minute would pass without
    // a single compared minute around the failure.
    if (restoreMinute && restoreMinute < from) return fail(`복구한 분(${restoreMinute})이 대조 범위(${from}부터) 앞이라 장애 구간을 비교할 수 없습니다. 수집기를 켜고 다음 분이 된 뒤에 장애를 일으켜야 합니다: 이 실습을 처음부터 다시 하세요.`, evidence, metrics);
    if (restoreMinute && !(result.newestMinute && restoreMinute < result.newestMinute)) return fail(`복구한 분(${restoreMinute})이 아직 닫히지 않아 비교하지 못했습니다. 수집기를 켜 둔 채 1~2분 기다리세요.`, evidence, metrics);
    return pass(`닫힌 분 ${result.compared}개(마켓×분)의 체결 수와 거래량이 수집기 보고서와 정확히 같습니다: 빠짐 0, 중복 0${restoreMinute ? `, 복구한 분 ${restoreMinute} 포함` : ''}.`, evidence, metrics);
  },
});

export const taskManagerDown = defineCheck({
  name: 'flink-taskmanager-down',
  params: z.object({ job: z.string().default(CANDLE_JOB) }).strict(),
  async verify(context, params) {
    const tm = await containerState(context.docker, context.endpoints.containers.taskmanager);
    if (tm.running) return fail(`${tm.name} 컨테이너가 아직 돌고 있습니다. docker kill ${tm.name} 으로 강제로 끝내세요.`);
    const evidence = [`${tm.name}: ${tm.status} (exit ${tm.exitCode ?? '-'})`];
    try {
      const job = (await liveJobs(rest(context), params.job))[0];
      if (job) evidence.push(`잡 ${params.job}: ${job.state}`);
    } catch { /* the JobManager's view is evidence only */ }
    return pass(`${tm.name}가 멈췄습니다. 잡은 마지막 체크포인트에서 다시 시작하려고 슬롯을 기다립니다.`, evidence);
  },
});

export const jobRecovered = defineCheck({
  name: 'flink-job-recovered',
  params: z.object({ job: z.string().default(CANDLE_JOB) }).strict(),
  async verify(context, params) {
    const api = rest(context);
    let job: JobSummary | undefined;
    try {
      job = (await liveJobs(api, params.job))[0];
    } catch {
      return fail(unreachable(context));
    }
    if (!job) return fail(`'${params.job}' 잡이 없습니다. 재시작 횟수를 다 써서 FAILED가 됐다면 웹 UI의 Exceptions를 보고 잡을 다시 제출하세요.`);
    const tm = await containerState(context.docker, context.endpoints.containers.taskmanager);
    if (!tm.running) return fail(`${tm.name}가 멈춰 있어 잡이 슬롯을 받지 못합니다. docker compose up -d taskmanager 로 다시 올리세요.`, [`잡: ${job.state}`]);
    const [details, checkpoints] = await Promise.all([api.job(job.jid), api.checkpoints(job.jid)]);
    const evidence = [`잡 ${job.state}`, ...tasksLine(details)];
    const restored = checkpoints.latest.restored;
    // Flink restores the checkpoint into the job when it restarts (a few seconds after the
    // kill), possibly before the new TaskManager is there; a restore older than the kill is
    // from an earlier failure.
    const killedAt = await lastFinishedAt(context);
    const notBefore = killedAt ?? (tm.startedAt ?? Date.now()) - 120_000;
    if (!restored || restored.restore_timestamp < notBefore - 1000) {
      return fail('잡이 아직 체크포인트에서 복구되지 않았습니다. 새 TaskManager가 등록되고 슬롯을 받으면 마지막 체크포인트에서 다시 시작합니다(부하가 크면 1~2분).', evidence);
    }
    evidence.push(`복구한 체크포인트 ${restored.id}${restored.is_savepoint ? ' (세이브포인트)' : ''}, ${new Date(restored.restore_timestamp).toISOString()}`);
    if (job.state !== 'RUNNING' || !allTasksRunning(details)) return fail(`잡이 ${job.state}이고 아직 모든 태스크가 RUNNING이 아닙니다. 조금 더 기다리세요.`, evidence);
    const after = checkpoints.history.filter((c) => c.status === 'COMPLETED' && c.trigger_timestamp > restored.restore_timestamp).length;
    if (after < 1) return fail('복구 뒤 아직 체크포인트가 하나도 완료되지 않았습니다(그 전에는 새 캔들이 커밋되지 않습니다). 10~20초 기다리세요.', evidence);
    const metrics: Record<string, number> = { restoredCheckpoint: restored.id, checkpointsAfterRestore: after };
    // The job reports RUNNING while its tasks still wait for slots; the tasks' own start is
    // when it really runs again.
    const runningAt = Math.max(...details.vertices.map((v) => v['start-time']));
    if (killedAt && runningAt > killedAt) metrics['killToRunningSec'] = Math.round((runningAt - killedAt) / 100) / 10;
    return pass(`잡이 체크포인트 ${restored.id}에서 복구되어 다시 RUNNING이고, 그 뒤 체크포인트 ${after}개가 완료됐습니다${metrics['killToRunningSec'] ? ` (멈춘 뒤 ${seconds(metrics['killToRunningSec'] * 1000)} 만에 RUNNING)` : ''}.`, evidence, metrics);
  },
});

/** When the TaskManager container last stopped (Docker keeps FinishedAt across a restart). */
async function lastFinishedAt(context: FlinkCheckContext): Promise<number | undefined> {
  try {
    const info = await context.docker.getContainer(context.endpoints.containers.taskmanager).inspect();
    const at = Date.parse(info.State.FinishedAt);
    return at > 0 ? at : undefined;
  } catch {
    return undefined;
  }
}

export const FLINK_JOB_CHECKS = [taskManagerRegistered, webUiOutput, sqlFirstQuery, jobRunning, candlesArriving, candlesExact, taskManagerDown, jobRecovered];
