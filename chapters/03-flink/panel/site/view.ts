// Words for the flink-jobs panel: the cluster line, one block per job and a description for
// screen readers. Pure strings (escaped HTML), testable in node.
import type { FlinkJobsSnapshot, FlinkJobView } from '../snapshot.ts';
import { escapeHtml } from '../../../../src/islands/panel-text.ts';

export const TIMELINE_LENGTH = 8;


const STATE_LABEL: Readonly<Record<string, string>> = {
  RUNNING: '실행 중', RESTARTING: '재시작 중', INITIALIZING: '준비 중', CREATED: '생성됨', FAILING: '실패 처리 중',
  FAILED: '실패', CANCELLING: '취소 중', CANCELED: '취소됨', FINISHED: '끝남', SUSPENDED: '중단됨', RECONCILING: '복원 중',
};

export const stateLabel = (state: string) => STATE_LABEL[state] ?? state;

function tasksText(job: FlinkJobView): string {
  const parts = Object.entries(job.tasks).map(([state, count]) => `${stateLabel(state)} ${count}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

function jobHtml(job: FlinkJobView): string {
  const age = job.lastCheckpointAgeSec === null ? '아직 없음' : `${job.lastCheckpointAgeSec}초 전`;
  return `<div class="lab-flink-job" data-state="${escapeHtml(job.state)}">`
    + `<strong>${escapeHtml(job.name)}</strong>: ${escapeHtml(stateLabel(job.state))}`
    + '<dl>'
    + `<dt>태스크</dt><dd>${escapeHtml(tasksText(job))}</dd>`
    + `<dt>체크포인트</dt><dd>완료 ${job.checkpointsCompleted}, 실패 ${job.checkpointsFailed}, 마지막 완료 ${age}</dd>`
    + `<dt>재시작</dt><dd>${job.restarts}번${job.restoredFrom !== null ? `, 체크포인트 ${job.restoredFrom}에서 복구` : ''}</dd>`
    + '</dl></div>';
}

export function renderBody(snapshot: FlinkJobsSnapshot): string {
  if (!snapshot.reachable) return '<p>JobManager가 응답하지 않습니다. <code>docker compose up -d jobmanager taskmanager</code>로 올리세요.</p>';
  const cluster = `<dl><dt>Flink</dt><dd>${escapeHtml(snapshot.version ?? '-')}</dd>`
    + `<dt>TaskManager</dt><dd>${snapshot.taskmanagers}대</dd>`
    + `<dt>슬롯</dt><dd>빈 슬롯 ${snapshot.slotsFree} / 전체 ${snapshot.slotsTotal}</dd></dl>`;
  const jobs = snapshot.jobs.length > 0 ? snapshot.jobs.map(jobHtml).join('') : '<p class="fl-muted">잡이 없습니다.</p>';
  return cluster + jobs;
}

export function describeSnapshot(snapshot: FlinkJobsSnapshot): string {
  if (!snapshot.reachable) return 'Flink JobManager가 응답하지 않습니다.';
  const jobs = snapshot.jobs.map((job) => `${job.name} ${stateLabel(job.state)}, 체크포인트 완료 ${job.checkpointsCompleted}, 재시작 ${job.restarts}번`);
  return [`Flink ${snapshot.version ?? ''}: TaskManager ${snapshot.taskmanagers}대, 빈 슬롯 ${snapshot.slotsFree}/${snapshot.slotsTotal}.`, ...jobs].join(' ');
}

