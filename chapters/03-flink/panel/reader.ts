// Reads one flink-jobs snapshot from the JobManager's REST API, and words what changed
// between two snapshots (pure, so the panel's Korean lines are unit-tested without Flink).
import { FlinkRest } from '../flink-rest.ts';
import type { FlinkJobsSnapshot, FlinkJobView } from './snapshot.ts';

const FINISHED = ['FAILED', 'CANCELED', 'FINISHED'];

export async function readFlinkJobs(rest: string, signal: AbortSignal, jobName?: string): Promise<Omit<FlinkJobsSnapshot, 'events'>> {
  const api = new FlinkRest({ base: rest, timeoutMs: 4000, signal });
  const at = Date.now();
  let overview;
  try {
    overview = await api.overview();
  } catch {
    return { kind: 'flink-jobs', at, reachable: false, version: null, taskmanagers: 0, slotsTotal: 0, slotsFree: 0, jobs: [] };
  }
  const summaries = (await api.jobs().catch(() => []))
    .filter((job) => !jobName || job.name === jobName)
    .sort((a, b) => Number(FINISHED.includes(a.state)) - Number(FINISHED.includes(b.state)) || b['start-time'] - a['start-time'])
    .slice(0, 4);
  const jobs: FlinkJobView[] = await Promise.all(summaries.map(async (job) => {
    const view: FlinkJobView = { id: job.jid, name: job.name, state: job.state, tasks: {}, checkpointsCompleted: 0, checkpointsFailed: 0, lastCheckpointAgeSec: null, restoredFrom: null, restarts: 0 };
    for (const [state, count] of Object.entries(job.tasks ?? {})) if (count > 0) view.tasks[state.toUpperCase()] = count;
    if (FINISHED.includes(job.state)) return view;
    const [checkpoints, restarts] = await Promise.all([api.checkpoints(job.jid).catch(() => undefined), jobRestarts(rest, job.jid, signal)]);
    if (checkpoints) {
      view.checkpointsCompleted = checkpoints.counts.completed;
      view.checkpointsFailed = checkpoints.counts.failed;
      const last = checkpoints.latest.completed;
      view.lastCheckpointAgeSec = last ? Math.max(0, Math.round((at - last.latest_ack_timestamp) / 1000)) : null;
      view.restoredFrom = checkpoints.latest.restored?.id ?? null;
    }
    view.restarts = restarts;
    return view;
  }));
  return { kind: 'flink-jobs', at, reachable: true, version: overview['flink-version'], taskmanagers: overview.taskmanagers, slotsTotal: overview['slots-total'], slotsFree: overview['slots-available'], jobs };
}

/** The job's restart count (the numRestarts metric); 0 when Flink does not say. */
async function jobRestarts(rest: string, jobId: string, signal: AbortSignal): Promise<number> {
  try {
    const response = await fetch(`${rest}/jobs/${jobId}/metrics?get=numRestarts`, { signal: AbortSignal.any([AbortSignal.timeout(4000), signal]) });
    const values = await response.json() as { id: string; value: string }[];
    return Number(values.find((v) => v.id === 'numRestarts')?.value ?? 0) || 0;
  } catch {
    return 0;
  }
}

/** Korean lines for what changed; empty for the first snapshot (the view describes it whole). */
export function describeChanges(previous: Omit<FlinkJobsSnapshot, 'events'> | undefined, next: Omit<FlinkJobsSnapshot, 'events'>): string[] {
  if (!previous) return [];
  const lines: string[] = [];
  if (previous.reachable !== next.reachable) lines.push(next.reachable ? 'JobManager가 응답합니다.' : 'JobManager가 응답하지 않습니다.');
  if (!next.reachable) return lines;
  if (previous.taskmanagers !== next.taskmanagers) lines.push(`TaskManager ${previous.taskmanagers}대 → ${next.taskmanagers}대 (빈 슬롯 ${next.slotsFree}/${next.slotsTotal}).`);
  for (const job of next.jobs) {
    const before = previous.jobs.find((j) => j.id === job.id);
    if (!before) {
      lines.push(`잡 ${job.name}: ${job.state}.`);
      continue;
    }
    if (before.state !== job.state) lines.push(`잡 ${job.name}: ${before.state} → ${job.state}.`);
    if (job.restarts > before.restarts) lines.push(`잡 ${job.name}이 다시 시작했습니다 (재시작 ${job.restarts}번).`);
    if (job.restoredFrom !== null && job.restoredFrom !== before.restoredFrom) lines.push(`잡 ${job.name}이 체크포인트 ${job.restoredFrom}에서 복구했습니다.`);
    if (before.checkpointsCompleted === 0 && job.checkpointsCompleted > 0) lines.push(`잡 ${job.name}의 첫 체크포인트가 완료됐습니다.`);
    if (job.checkpointsFailed > before.checkpointsFailed) lines.push(`잡 ${job.name}의 체크포인트가 실패했습니다 (실패 ${job.checkpointsFailed}번).`);
  }
  return lines;
}

/** Whether two snapshots show the same thing (time stamps and checkpoint ages aside). */
export function sameView(a: Omit<FlinkJobsSnapshot, 'events'>, b: Omit<FlinkJobsSnapshot, 'events'>): boolean {
  const strip = (s: Omit<FlinkJobsSnapshot, 'events'>) => JSON.stringify({ ...s, at: 0, jobs: s.jobs.map((j) => ({ ...j, lastCheckpointAgeSec: j.lastCheckpointAgeSec === null ? null : Math.floor(j.lastCheckpointAgeSec / 10) })) });
  return strip(a) === strip(b);
}
