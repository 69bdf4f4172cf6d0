// The doctor table is read on a projector: columns must line up with Hangul (two cells
// wide), every non-pass row needs its fix, and the summary must say what to do next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWidth, formatReport, summarize } from '../../../server/preflight/format.ts';
import type { PreflightReport } from '../../../server/preflight/types.ts';

const report: PreflightReport = {
  ok: false,
  durationMs: 1234,
  results: [
    { id: 'docker-engine', title: 'Docker 엔진', status: 'pass', detail: 'Docker 27.3.1' },
    { id: 'ports:8080', title: '포트 8080 (Kafka UI, 선택)', status: 'warn', detail: '다른 프로세스가 씁니다', fix: 'kill 1' },
    { id: 'node', title: 'Node.js', status: 'fail', detail: 'Node 20', fix: 'Node.js 24를 설치하세요' },
  ],
};

test('displayWidth counts Hangul as two columns', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('엔진'), 4);
  assert.equal(displayWidth('Docker 엔진'), 11);
});

test('formatReport aligns details, adds fix lines and no colour when asked', () => {
  const text = formatReport(report, { color: false });
  assert.doesNotMatch(text, /\u001b\[/);
  const rows = text.split('\n').filter((line) => /^[✓!✗] /.test(line));
  assert.equal(rows.length, 4, 'three probes and the summary');
  const detailColumns = report.results.map((result, index) => {
    const row = rows[index] ?? '';
    return displayWidth(row.slice(0, row.indexOf(result.detail)));
  });
  assert.equal(new Set(detailColumns).size, 1, `details start in one column: ${detailColumns.join(',')}`);
  assert.match(text, /→ 해결: kill 1/);
  assert.match(text, /→ 해결: Node\.js 24를 설치하세요/);
  assert.match(text.split('\n').at(-1) ?? '', /^✗ 통과 1, 경고 1, 실패 1 \(1\.2초\)/);
});

test('colour wraps only the status symbols and labels', () => {
  const text = formatReport(report, { color: true });
  assert.match(text, /\u001b\[32m✓\u001b\[0m Docker 엔진/);
  assert.match(text, /\u001b\[31m✗\u001b\[0m Node\.js/);
});

test('summarize says whether the workshop can start', () => {
  assert.match(summarize({ ...report, results: report.results.slice(0, 1) }), /실습을 시작할 수 있습니다$/);
  assert.match(summarize({ ...report, results: report.results.slice(0, 2) }), /경고 항목을 확인하세요$/);
  assert.match(summarize(report), /다시 실행하세요$/);
});
