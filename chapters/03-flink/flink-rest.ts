// A small typed client for the parts of Flink's REST API (the JobManager, 127.0.0.1:8081)
// that chapter 3's checks, panel and measurements read. Only the fields they use are typed;
// Flink sends more. Every call has a timeout and takes an optional AbortSignal, so a check
// never hangs on a JobManager that is starting or gone.
export const DEFAULT_FLINK_REST = process.env['FLINK_REST'] ?? 'http://127.0.0.1:8081';

export interface ClusterOverview {
  taskmanagers: number;
  'slots-total': number;
  'slots-available': number;
  'jobs-running': number;
  'jobs-finished': number;
  'jobs-cancelled': number;
  'jobs-failed': number;
  'flink-version': string;
}

export interface TaskManagerInfo {
  id: string;
  path: string;
  dataPort: number;
  timeSinceLastHeartbeat: number;
  slotsNumber: number;
  freeSlots: number;
  totalResource?: { taskHeapMemory: number; managedMemory: number; networkMemory: number };
  hardware: { cpuCores: number; physicalMemory: number; freeMemory: number; managedMemory: number };
  memoryConfiguration?: Record<string, number>;
}

export type JobState =
  | 'INITIALIZING' | 'CREATED' | 'RUNNING' | 'FAILING' | 'FAILED' | 'CANCELLING' | 'CANCELED'
  | 'FINISHED' | 'RESTARTING' | 'SUSPENDED' | 'RECONCILING';

export interface JobSummary {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  'end-time': number;
  duration: number;
  'last-modification': number;
  tasks: Record<string, number>;
}

export interface JobVertex {
  id: string;
  name: string;
  parallelism: number;
  status: string;
  'start-time': number;
  metrics: {
    'read-records': number;
    'write-records': number;
    'read-bytes': number;
    'write-bytes': number;
    'accumulated-backpressured-time'?: number;
    'accumulated-busy-time'?: number;
  };
}

export interface JobDetails {
  jid: string;
  name: string;
  state: JobState;
  'start-time': number;
  now: number;
  timestamps: Partial<Record<JobState, number>>;
  vertices: JobVertex[];
}

export interface CheckpointStats {
  id: number;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  is_savepoint: boolean;
  trigger_timestamp: number;
  latest_ack_timestamp: number;
  end_to_end_duration: number;
  state_size: number;
  checkpointed_size?: number;
  external_path?: string;
  failure_message?: string;
}

export interface CheckpointingStatistics {
  counts: { restored: number; total: number; in_progress: number; completed: number; failed: number };
  latest: {
    completed: CheckpointStats | null;
    savepoint: CheckpointStats | null;
    failed: CheckpointStats | null;
    restored: { id: number; restore_timestamp: number; is_savepoint: boolean; external_path?: string } | null;
  };
  history: CheckpointStats[];
}

export interface JobExceptions {
  exceptionHistory?: {
    entries: { exceptionName: string; stacktrace: string; timestamp: number; taskName?: string | null; endpoint?: string | null }[];
    truncated: boolean;
  };
}

export interface AsyncOperationStatus {
  status: { id: 'IN_PROGRESS' | 'COMPLETED' };
  operation?: { location?: string; 'failure-cause'?: { class: string; 'stack-trace': string } };
}

export class FlinkRestError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'FlinkRestError';
    this.status = status;
  }
}

export interface FlinkRestOptions {
  base?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class FlinkRest {
  readonly base: string;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;

  constructor(options: FlinkRestOptions = {}) {
    this.base = (options.base ?? DEFAULT_FLINK_REST).replace(/\/$/, '');
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#signal = options.signal;
  }

  async #request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const signals = [AbortSignal.timeout(this.#timeoutMs)];
    if (this.#signal) signals.push(this.#signal);
    const response = await fetch(`${this.base}${path}`, {
      method,
      signal: AbortSignal.any(signals),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try { detail = (JSON.parse(text) as { errors?: string[] }).errors?.join('; ') ?? text; } catch { /* not JSON */ }
      throw new FlinkRestError(`${method} ${path}: HTTP ${response.status} ${detail.slice(0, 300)}`, response.status);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  overview(): Promise<ClusterOverview> { return this.#request('GET', '/overview'); }

  async taskManagers(): Promise<TaskManagerInfo[]> {
    return (await this.#request<{ taskmanagers: TaskManagerInfo[] }>('GET', '/taskmanagers')).taskmanagers;
  }

  async jobs(): Promise<JobSummary[]> {
    return (await this.#request<{ jobs: JobSummary[] }>('GET', '/jobs/overview')).jobs;
  }

  job(id: string): Promise<JobDetails> { return this.#request('GET', `/jobs/${id}`); }

  checkpoints(id: string): Promise<CheckpointingStatistics> { return this.#request('GET', `/jobs/${id}/checkpoints`); }

  exceptions(id: string, maxExceptions = 5): Promise<JobExceptions> {
    return this.#request('GET', `/jobs/${id}/exceptions?maxExceptions=${maxExceptions}`);
  }

  /** Values of named metrics of one vertex (e.g. numLateRecordsDropped), summed over subtasks. */
  async vertexMetrics(jobId: string, vertexId: string, names: string[]): Promise<Record<string, number>> {
    const list = await this.#request<{ id: string }[]>('GET', `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics`);
    const wanted = list.map((m) => m.id).filter((id) => names.some((n) => id === n || id.endsWith(`.${n}`)));
    if (wanted.length === 0) return {};
    const values = await this.#request<{ id: string; sum?: number; max?: number }[]>(
      'GET', `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics?get=${wanted.map(encodeURIComponent).join(',')}&agg=sum,max`);
    const out: Record<string, number> = {};
    for (const v of values) out[v.id] = Number(v.sum ?? v.max ?? 0);
    return out;
  }

  /** Stops the job after a savepoint (no drain: windows stay open, to be resumed). Returns the trigger id. */
  async stopWithSavepoint(jobId: string, targetDirectory?: string): Promise<string> {
    const body: Record<string, unknown> = { drain: false };
    if (targetDirectory) body['targetDirectory'] = targetDirectory;
    return (await this.#request<{ 'request-id': string }>('POST', `/jobs/${jobId}/stop`, body))['request-id'];
  }

  savepointStatus(jobId: string, triggerId: string): Promise<AsyncOperationStatus> {
    return this.#request('GET', `/jobs/${jobId}/savepoints/${triggerId}`);
  }

  /** Polls a stop/savepoint trigger until it completes; returns the savepoint path. */
  async awaitSavepoint(jobId: string, triggerId: string, withinMs = 60_000): Promise<string> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const status = await this.savepointStatus(jobId, triggerId);
      if (status.status.id === 'COMPLETED') {
        const cause = status.operation?.['failure-cause'];
        if (cause) throw new FlinkRestError(`savepoint failed: ${cause.class}`, 500);
        if (!status.operation?.location) throw new FlinkRestError('savepoint completed without a location', 500);
        return status.operation.location;
      }
      if (Date.now() > deadline) throw new FlinkRestError(`savepoint not done after ${withinMs / 1000} s`, 504);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  cancel(jobId: string): Promise<unknown> { return this.#request('PATCH', `/jobs/${jobId}?mode=cancel`); }

  /** The newest job with this name (pipeline.name), running ones first. */
  async findJob(name: string): Promise<JobSummary | undefined> {
    const jobs = (await this.jobs()).filter((j) => j.name === name);
    const live = (j: JobSummary) => !['FAILED', 'CANCELED', 'FINISHED'].includes(j.state);
    return jobs.sort((a, b) => Number(live(b)) - Number(live(a)) || b['start-time'] - a['start-time'])[0];
  }
}
