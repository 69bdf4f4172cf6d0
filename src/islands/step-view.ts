// Pure presentation rules for a step's state, kept apart from the DOM so they can be tested
// under node: the Korean status words, the elapsed-time text and the screen-reader sentence.
import type { StepState, StepStatus } from '../../server/wire.ts';

export const STATUS_LABEL: Readonly<Record<StepStatus, string>> = {
  idle: '대기',
  running: '실행 중',
  checking: '확인 중',
  passed: '통과',
  failed: '실패',
};

export function isBusy(status: StepStatus): boolean {
  return status === 'running' || status === 'checking';
}

/** 4초, 1분 05초, 1시간 02분: short enough for a badge. */
export function formatElapsed(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}시간 ${String(minutes).padStart(2, '0')}분`;
  if (minutes > 0) return `${minutes}분 ${String(seconds).padStart(2, '0')}초`;
  return `${seconds}초`;
}

/** Live time for a busy step, the recorded duration for a finished one, nothing when idle. */
export function elapsedText(state: StepState, now: number): string {
  if (isBusy(state.status) && state.startedAt !== undefined) return formatElapsed(now - state.startedAt);
  if (state.durationMs !== undefined && !isBusy(state.status) && state.status !== 'idle') return formatElapsed(state.durationMs);
  return '';
}

/** One polite announcement per transition; the ticking timer is deliberately not announced. */
export function announcement(stepTitle: string, state: StepState): string {
  const head = `‘${stepTitle}’ 단계: ${STATUS_LABEL[state.status]}`;
  if ((state.status === 'passed' || state.status === 'failed') && state.result) return `${head}. ${state.result.summary}`;
  return head;
}
