// The `flink-jobs` panel's snapshot: the session cluster's TaskManagers and slots, and each
// job's state, checkpoints and restarts. Plain types (no zod), so the page imports it as is.
import type { PanelSnapshot } from '../../../server/wire.ts';

export interface FlinkJobView {
  id: string;
  name: string;
  state: string;
  /** Tasks (vertices) by state, e.g. { RUNNING: 3 }. */
  tasks: Record<string, number>;
  checkpointsCompleted: number;
  checkpointsFailed: number;
  /** Seconds since the newest completed checkpoint finished; null before the first. */
  lastCheckpointAgeSec: number | null;
  /** Checkpoint id the job last restored from (after a failure or from a savepoint). */
  restoredFrom: number | null;
  restarts: number;
}

export interface FlinkJobsSnapshot extends PanelSnapshot {
  kind: 'flink-jobs';
  reachable: boolean;
  version: string | null;
  taskmanagers: number;
  slotsTotal: number;
  slotsFree: number;
  /** Live jobs first, then the newest few finished ones. */
  jobs: FlinkJobView[];
  /** Korean lines for what changed since the previous snapshot. */
  events: string[];
}

export const FLINK_JOBS_KIND = 'flink-jobs';
