import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcement, elapsedText, formatElapsed, STATUS_LABEL } from '../../../src/islands/step-view.ts';

test('every status has the Korean word the page promises', () => {
  assert.deepEqual(STATUS_LABEL, { idle: '대기', running: '실행 중', checking: '확인 중', passed: '통과', failed: '실패' });
});

test('elapsed time reads naturally', () => {
  assert.equal(formatElapsed(0), '0초');
  assert.equal(formatElapsed(4_999), '4초');
  assert.equal(formatElapsed(65_000), '1분 05초');
  assert.equal(formatElapsed(3_720_000), '1시간 02분');
  assert.equal(formatElapsed(-5), '0초');
});

test('busy steps count from startedAt, finished ones show their duration', () => {
  const base = { lab: 'cluster-up', step: 'compose-up' };
  assert.equal(elapsedText({ ...base, status: 'running', startedAt: 1_000 }, 13_500), '12초');
  assert.equal(elapsedText({ ...base, status: 'passed', durationMs: 61_000 }, 0), '1분 01초');
  assert.equal(elapsedText({ ...base, status: 'idle' }, 0), '');
});

test('finished steps are announced with their summary', () => {
  const state = { lab: 'l', step: 's', status: 'failed' as const, result: { ok: false, summary: '브로커 2대만 떠 있습니다.', evidence: [] } };
  assert.equal(announcement('컨테이너 세 개 시작', state), '‘컨테이너 세 개 시작’ 단계: 실패. 브로커 2대만 떠 있습니다.');
  assert.equal(announcement('x', { lab: 'l', step: 's', status: 'running' }), '‘x’ 단계: 실행 중');
});
