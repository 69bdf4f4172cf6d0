// The flink-jobs panel's words without Flink: what changed between two snapshots (a TaskManager
// lost, a restart, a restore, the first checkpoint), when two snapshots count as the same, and
// that the page's HTML is escaped and says state in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeChanges, sameView } from '../../../chapters/03-flink/panel/reader.ts';
import type { FlinkJobsSnapshot, FlinkJobView } from '../../../chapters/03-flink/panel/snapshot.ts';
import { describeSnapshot, renderBody } from '../../../chapters/03-flink/panel/site/view.ts';

const job = (over: Partial<FlinkJobView> = {}): FlinkJobView => ({ id: 'j1', name: 'upbit-candles-1m', state: 'RUNNING', tasks: { RUNNING: 2 }, checkpointsCompleted: 3, checkpointsFailed: 0, lastCheckpointAgeSec: 4, restoredFrom: null, restarts: 0, ...over });
const snap = (over: Partial<FlinkJobsSnapshot> = {}): FlinkJobsSnapshot => ({ kind: 'flink-jobs', at: 1, reachable: true, version: '2.0.0', taskmanagers: 1, slotsTotal: 4, slotsFree: 3, jobs: [job()], events: [], ...over });

test('a TaskManager kill and the recovery each get a line', () => {
  assert.deepEqual(describeChanges(undefined, snap()), [], 'the first snapshot is described whole by the view');
  const killed = snap({ taskmanagers: 0, slotsTotal: 0, slotsFree: 0, jobs: [job({ state: 'RESTARTING', restarts: 1 })] });
  const lines = describeChanges(snap(), killed);
  assert.ok(lines.some((l) => l.includes('TaskManager 1대 → 0대')), lines.join('|'));
  assert.ok(lines.some((l) => l.includes('RUNNING → RESTARTING')));
  assert.ok(lines.some((l) => l.includes('재시작 1번')));
  const back = describeChanges(killed, snap({ jobs: [job({ restarts: 1, restoredFrom: 7 })] }));
  assert.ok(back.some((l) => l.includes('체크포인트 7에서 복구')), back.join('|'));
  assert.deepEqual(describeChanges(snap(), snap({ reachable: false })), ['JobManager가 응답하지 않습니다.']);
});

test('time and small checkpoint-age moves are not a change; a new checkpoint count is', () => {
  assert.ok(sameView(snap(), snap({ at: 99, jobs: [job({ lastCheckpointAgeSec: 6 })] })));
  assert.ok(!sameView(snap(), snap({ jobs: [job({ checkpointsCompleted: 4 })] })));
});

test('the page body escapes names and tells state in words', () => {
  const html = renderBody(snap({ jobs: [job({ name: '<b>x</b>', state: 'RESTARTING' })] }));
  assert.ok(!html.includes('<b>x</b>'));
  assert.match(html, /재시작 중/);
  assert.match(describeSnapshot(snap()), /TaskManager 1대, 빈 슬롯 3\/4/);
  assert.match(renderBody(snap({ reachable: false })), /응답하지 않습니다/);
});
