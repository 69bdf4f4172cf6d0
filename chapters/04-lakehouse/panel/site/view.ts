// Words for the lakehouse panel: the store's buckets, one block per Paimon table and the
// streaming job's last checkpoint, plus a description for screen readers. Pure strings
// (escaped HTML), testable in node.
import type { LakehouseSnapshot, LakeTableView } from '../snapshot.ts';
import { clockTime, escapeHtml } from '../../../../src/islands/panel-text.ts';

export const TIMELINE_LENGTH = 8;


export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}


function tableHtml(table: LakeTableView): string {
  const snapshot = table.snapshotId === null
    ? '아직 커밋 없음'
    : `#${table.snapshotId} ${escapeHtml(table.commitKind ?? '')}, ${table.commitTime === null ? '-' : clockTime(table.commitTime)}`;
  return `<div class="lab-lake-table"><strong>${escapeHtml(table.name)}</strong><dl>`
    + `<dt>최신 스냅샷</dt><dd>${snapshot}</dd>`
    + `<dt>레코드</dt><dd>${table.records === null ? '-' : table.records.toLocaleString('ko-KR')}</dd>`
    + `<dt>파일</dt><dd>데이터 ${table.dataFiles}개, 스냅샷 ${table.snapshots}개, 모두 ${bytesText(table.bytes)}</dd>`
    + '</dl></div>';
}

export function renderBody(snapshot: LakehouseSnapshot): string {
  const store = snapshot.storeReachable
    ? (snapshot.buckets.length > 0
      ? `<dl>${snapshot.buckets.map((b) => `<dt>버킷 ${escapeHtml(b.name)}</dt><dd>객체 ${b.objects}${b.truncated ? '+' : ''}개, ${bytesText(b.bytes)}</dd>`).join('')}</dl>`
      : '<p class="lk-muted">버킷이 없습니다. <code>docker compose run --rm s3 mb lake/upbit-lake</code></p>')
    : `<p>오브젝트 스토어가 응답하지 않습니다${snapshot.storeError ? ` (${escapeHtml(snapshot.storeError)})` : ''}.</p>`;
  const tables = snapshot.tables.length > 0 ? snapshot.tables.map(tableHtml).join('') : '';
  const job = !snapshot.flinkReachable
    ? '<p class="lk-muted">JobManager가 응답하지 않습니다.</p>'
    : snapshot.job === null
      ? '<p class="lk-muted">스트리밍 잡 upbit-lakehouse가 없습니다.</p>'
      : `<div class="lab-lake-table" data-state="${escapeHtml(snapshot.job.state)}"><strong>잡 ${escapeHtml(snapshot.job.name)}</strong>: ${escapeHtml(snapshot.job.state)}<dl>`
        + `<dt>마지막 체크포인트</dt><dd>${snapshot.job.lastCheckpointId === null ? '아직 없음' : `#${snapshot.job.lastCheckpointId}, ${clockTime(snapshot.job.lastCheckpointAt ?? 0)}`}</dd>`
        + `<dt>완료</dt><dd>${snapshot.job.checkpointsCompleted}개</dd>`
        + (snapshot.job.lastCheckpointPath ? `<dt>위치</dt><dd><code>${escapeHtml(snapshot.job.lastCheckpointPath)}</code></dd>` : '')
        + '</dl></div>';
  return store + tables + job;
}

export function describeSnapshot(snapshot: LakehouseSnapshot): string {
  if (!snapshot.storeReachable) return '오브젝트 스토어가 응답하지 않습니다.';
  const buckets = snapshot.buckets.map((b) => `버킷 ${b.name} 객체 ${b.objects}개`);
  const tables = snapshot.tables.map((t) => `${t.name} 스냅샷 ${t.snapshotId === null ? '없음' : `#${t.snapshotId}`}`);
  const job = snapshot.job ? [`잡 ${snapshot.job.name} ${snapshot.job.state}, 마지막 체크포인트 ${snapshot.job.lastCheckpointId ?? '없음'}`] : [];
  return [...buckets, ...tables, ...job].join(', ') || '버킷이 없습니다.';
}
