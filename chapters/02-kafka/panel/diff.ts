// What changed between two pictures of the cluster, in words a learner can follow while a
// broker goes down ("파티션 1 리더 2→3"), and whether a change is worth a push at all.
// Pure functions over snapshots so the wording and the suppression rule are tested with
// fixtures, without a cluster or a clock.
import type { SnapshotRules } from '../../../server/panels/gate.ts';
import type { BrokerView, ClusterSnapshot, PartitionView } from './snapshot.ts';

/** Memory readings move by a few MiB every second; smaller moves are not news. */
export const MEMORY_JITTER_BYTES = 8 * 1024 * 1024;

export interface DiffContext {
  /** The quorum had not been read yet, so null→X is a first reading, not an election. */
  quorumWasUnknown?: boolean;
}

const nodeOrNone = (id: number | null) => (id === null || id < 0 ? '없음' : String(id));
const list = (ids: readonly number[]) => ids.join(', ');

function brokerStateEvent(before: BrokerView, after: BrokerView): string | null {
  if (before.state === after.state) return null;
  if (after.state === 'stopped') return before.state === 'missing' ? `${after.container} 컨테이너 생김 (중지 상태)` : `${after.container} 중지`;
  if (after.state === 'missing') return `${after.container} 컨테이너 없음`;
  return before.state === 'missing' ? `${after.container} 시작` : `${after.container} 다시 시작`;
}

function isrEvent(before: PartitionView, after: PartitionView): string | null {
  const left = before.isr.filter((id) => !after.isr.includes(id));
  const joined = after.isr.filter((id) => !before.isr.includes(id));
  if (left.length === 0 && joined.length === 0) return null;
  const why = [left.length > 0 ? `${list(left)} 빠짐` : '', joined.length > 0 ? `${list(joined)} 복귀` : ''].filter(Boolean).join(', ');
  return `파티션 ${after.partition} ISR ${before.isr.length}→${after.isr.length} (${why})`;
}

function partitionEvents(before: readonly PartitionView[], after: readonly PartitionView[]): string[] {
  if (before.length === 0 && after.length > 0) return [`토픽 생성 (파티션 ${after.length}개)`];
  if (before.length > 0 && after.length === 0) return ['토픽 삭제됨'];
  const events: string[] = [];
  if (before.length !== after.length) events.push(`파티션 수 ${before.length}→${after.length}개`);
  for (const next of after) {
    const prev = before.find((p) => p.partition === next.partition);
    if (!prev) continue;
    if (prev.leader !== next.leader) events.push(`파티션 ${next.partition} 리더 ${nodeOrNone(prev.leader)}→${nodeOrNone(next.leader)}`);
    const isr = isrEvent(prev, next);
    if (isr) events.push(isr);
    const newlyOffline = next.offline.filter((id) => !prev.offline.includes(id));
    if (newlyOffline.length > 0) events.push(`파티션 ${next.partition} 오프라인 복제본 ${list(newlyOffline)}`);
  }
  return events;
}

/**
 * Korean descriptions of what changed from `prev` to `next` (same topic). Metadata seen
 * through an unreachable cluster is empty, not "everything left", so partition, controller
 * and registration changes are only compared between two reachable snapshots.
 */
export function diffSnapshots(prev: ClusterSnapshot | undefined, next: ClusterSnapshot, context: DiffContext = {}): string[] {
  if (!prev) return [];
  const events: string[] = [];
  if (prev.reachable && !next.reachable) events.push('클러스터 연결 끊김');
  if (!prev.reachable && next.reachable) events.push('클러스터 다시 연결됨');

  for (const after of next.brokers) {
    const before = prev.brokers.find((b) => b.container === after.container);
    if (!before) continue;
    const stateEvent = brokerStateEvent(before, after);
    if (stateEvent) events.push(stateEvent);
    if (prev.reachable && next.reachable && before.registered !== after.registered) {
      events.push(after.registered ? `브로커 ${after.id} 클러스터 합류` : `브로커 ${after.id} 클러스터에서 빠짐`);
    }
  }

  if (prev.reachable && next.reachable) {
    if (prev.controllerId !== next.controllerId) events.push(`컨트롤러 ${nodeOrNone(prev.controllerId)}→${nodeOrNone(next.controllerId)}`);
    events.push(...partitionEvents(prev.partitions, next.partitions));
  }

  if (prev.quorumLeaderId !== next.quorumLeaderId && !(context.quorumWasUnknown && prev.quorumLeaderId === null)) {
    events.push(`쿼럼 리더 ${nodeOrNone(prev.quorumLeaderId)}→${nodeOrNone(next.quorumLeaderId)}`);
  }
  return events;
}

function memoryMoved(before: number | null, after: number | null): boolean {
  if (before === null || after === null) return before !== after;
  return Math.abs(after - before) >= MEMORY_JITTER_BYTES;
}

/**
 * Whether `next` is worth sending to someone who last saw `sent`: anything but the time
 * stamp and small memory moves counts. Events always count, since they name a change.
 */
export function differsMaterially(sent: ClusterSnapshot | undefined, next: ClusterSnapshot): boolean {
  if (!sent) return true;
  if (next.events.length > 0) return true;
  if (sent.reachable !== next.reachable || sent.controllerId !== next.controllerId || sent.quorumLeaderId !== next.quorumLeaderId) return true;
  if (sent.topic !== next.topic || sent.note !== next.note) return true;
  if (JSON.stringify(sent.partitions) !== JSON.stringify(next.partitions)) return true;
  if (sent.brokers.length !== next.brokers.length) return true;
  return next.brokers.some((after, index) => {
    const before = sent.brokers[index];
    if (!before || before.container !== after.container || before.id !== after.id) return true;
    if (before.state !== after.state || before.registered !== after.registered) return true;
    return memoryMoved(before.memoryBytes, after.memoryBytes) || before.memoryLimitBytes !== after.memoryLimitBytes;
  });
}

/** How the listener gate treats cluster snapshots: held events are kept, not replaced. */
export const clusterSnapshotRules: SnapshotRules<ClusterSnapshot> = {
  differs: differsMaterially,
  merge: (held, next) => ({ ...next, events: [...held.events, ...next.events] }),
};
