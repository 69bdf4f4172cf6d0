// The `lakehouse` panel's snapshot: the object store's buckets, each Paimon table's newest
// snapshot as its files in the store say, and the streaming job's last checkpoint. Plain
// types (no zod), so the page imports it as is.
import type { PanelSnapshot } from '../../../server/wire.ts';

export interface LakeBucketView {
  name: string;
  objects: number;
  bytes: number;
  /** Stopped counting at the listing limit. */
  truncated: boolean;
}

export interface LakeTableView {
  name: string;
  /** Newest snapshot id; null before the first commit (or before the table exists). */
  snapshotId: number | null;
  commitKind: string | null;
  /** Commit time of that snapshot, epoch ms. */
  commitTime: number | null;
  /**
   * Records the snapshot counts in its data files. Exact rows for the append table; for the
   * primary-key table it includes versions a compaction has not merged away yet.
   */
  records: number | null;
  /** Snapshot files still in the store (expiry removes old ones). */
  snapshots: number;
  dataFiles: number;
  bytes: number;
}

export interface LakeJobView {
  name: string;
  id: string;
  state: string;
  checkpointsCompleted: number;
  lastCheckpointId: number | null;
  /** When the last completed checkpoint was acknowledged, epoch ms. */
  lastCheckpointAt: number | null;
  lastCheckpointPath: string | null;
}

export interface LakehouseSnapshot extends PanelSnapshot {
  kind: 'lakehouse';
  /** The store answered the listing; when false, `storeError` says why (Korean). */
  storeReachable: boolean;
  storeError: string | null;
  buckets: LakeBucketView[];
  tables: LakeTableView[];
  /** The streaming job (null: JobManager unreachable or no such job). */
  job: LakeJobView | null;
  flinkReachable: boolean;
  /** Korean lines for what changed since the previous snapshot. */
  events: string[];
}

export const LAKEHOUSE_KIND = 'lakehouse';
