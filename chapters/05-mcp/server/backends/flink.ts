// Flink's JobManager REST API (chapter 3's typed client): jobs, their last checkpoint and
// how often they restarted. Restarts are the job-level metric numRestarts, which chapter 3's
// client does not cover, so that one call is made here with the same timeout.
import { FlinkRest, type JobSummary } from '../../../03-flink/flink-rest.ts';
import { describe, isUnreachable, missing } from '../errors.ts';

export interface JobHealth {
  name: string;
  state: string;
  startedMs: number;
  restarts: number | null;
  lastCheckpoint: { id: number; status: string; completedMs: number; durationMs: number } | null;
  checkpoints: { completed: number; failed: number } | null;
}

export class FlinkBackend {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(base: string, timeoutMs: number) {
    this.#base = base.replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
  }

  async jobs(): Promise<{ taskmanagers: number; slotsFree: number; jobs: JobHealth[] }> {
    const rest = new FlinkRest({ base: this.#base, timeoutMs: this.#timeoutMs });
    try {
      const [overview, jobs] = await Promise.all([rest.overview(), rest.jobs()]);
      // Only jobs that are or were doing something recently: finished batch queries (the
      // gateway's own) would drown the streaming jobs. RUNNING first.
      const relevant = jobs
        .filter((job: JobSummary) => job.state !== 'FINISHED' && job.state !== 'CANCELED')
        .sort((a, b) => (a.state === 'RUNNING' ? 0 : 1) - (b.state === 'RUNNING' ? 0 : 1) || b['start-time'] - a['start-time'])
        .slice(0, 10);
      const detailed = await Promise.all(relevant.map(async (job): Promise<JobHealth> => {
        const [checkpoints, restarts] = await Promise.all([
          rest.checkpoints(job.jid).catch(() => null),
          this.#restarts(job.jid).catch(() => null),
        ]);
        const latest = checkpoints?.latest?.completed ?? null;
        return {
          name: job.name,
          state: job.state,
          startedMs: job['start-time'],
          restarts,
          lastCheckpoint: latest
            ? { id: latest.id, status: latest.status, completedMs: latest.latest_ack_timestamp, durationMs: latest.end_to_end_duration }
            : null,
          checkpoints: checkpoints ? { completed: checkpoints.counts.completed, failed: checkpoints.counts.failed } : null,
        };
      }));
      return { taskmanagers: overview.taskmanagers, slotsFree: overview['slots-available'], jobs: detailed };
    } catch (error) {
      if (isUnreachable(error)) throw missing('flink', describe(error).slice(0, 120));
      throw error;
    }
  }

  async #restarts(jobId: string): Promise<number | null> {
    if (!/^[0-9a-f]{32}$/.test(jobId)) return null;
    const response = await fetch(`${this.#base}/jobs/${jobId}/metrics?get=numRestarts`, { signal: AbortSignal.timeout(this.#timeoutMs) });
    if (!response.ok) return null;
    const metrics = (await response.json()) as { id: string; value: string }[];
    const value = metrics.find((m) => m.id === 'numRestarts')?.value;
    return value === undefined ? null : Number(value);
  }
}
