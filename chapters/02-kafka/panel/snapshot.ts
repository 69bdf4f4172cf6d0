// The `kafka-cluster` panel's snapshot: brokers, the quorum leader and one topic's
// partitions. Plain types (no zod), so the page's island imports this file as it is.
import type { PanelSnapshot } from '../../../server/wire.ts';

export interface BrokerView {
  id: number;
  container: string;
  state: 'running' | 'stopped' | 'missing';
  registered: boolean;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
}

export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface ClusterSnapshot extends PanelSnapshot {
  kind: 'kafka-cluster';
  reachable: boolean;
  controllerId: number | null;
  quorumLeaderId: number | null;
  brokers: BrokerView[];
  topic: string;
  partitions: PartitionView[];
  /** Human-readable changes since the previous snapshot, in Korean. */
  events: string[];
  note?: string;
}

export const KAFKA_CLUSTER_KIND = 'kafka-cluster';
