// The lakehouse panel without services: which changes get a line (a snapshot committed, the
// store going away and coming back, the job's first checkpoint, files shrinking after a
// compaction), when two snapshots count as the same, that the page's HTML is escaped and says
// state in words, and that Paimon's snapshot files are read as the panel expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshotFile } from '../../../chapters/04-lakehouse/lake-files.ts';
import { describeChanges, sameView, type LakehouseView } from '../../../chapters/04-lakehouse/panel/reader.ts';
import type { LakeJobView, LakeTableView } from '../../../chapters/04-lakehouse/panel/snapshot.ts';
import { bytesText, describeSnapshot, renderBody } from '../../../chapters/04-lakehouse/panel/site/view.ts';

const table = (over: Partial<LakeTableView> = {}): LakeTableView => ({ name: 'ticks', snapshotId: 3, commitKind: 'APPEND', commitTime: 1_700_000_000_000, records: 120, snapshots: 3, dataFiles: 3, bytes: 9000, ...over });
const job = (over: Partial<LakeJobView> = {}): LakeJobView => ({ name: 'upbit-lakehouse', id: 'j1', state: 'RUNNING', checkpointsCompleted: 3, lastCheckpointId: 3, lastCheckpointAt: 1_700_000_000_000, lastCheckpointPath: 's3://upbit-lake/checkpoints/j1/chk-3', ...over });
const view = (over: Partial<LakehouseView> = {}): LakehouseView => ({
  kind: 'lakehouse', at: 1, storeReachable: true, storeError: null,
  buckets: [{ name: 'upbit-lake', objects: 40, bytes: 50_000, truncated: false }],
  tables: [table({ name: 'candles_1m', records: 10 }), table()], job: job(), flinkReachable: true, ...over,
});

test('a new snapshot gets a line with its kind and the records it added', () => {
  assert.deepEqual(describeChanges(undefined, view()), [], 'the first snapshot is described whole by the view');
  const next = view({ tables: [table({ name: 'candles_1m', records: 10 }), table({ snapshotId: 4, records: 150, dataFiles: 4 })] });
  assert.deepEqual(describeChanges(view(), next), ['ticks: 스냅샷 #4 커밋 (APPEND, 레코드 +30).']);
});

test('the store going away and coming back, a compaction and the first checkpoint are told', () => {
  const down = view({ storeReachable: false, storeError: 'connect ECONNREFUSED 127.0.0.1:9000', buckets: [], tables: [] });
  assert.ok(describeChanges(view(), down).includes('오브젝트 스토어가 응답하지 않습니다.'));
  const back = describeChanges(down, view());
  assert.ok(back.includes('오브젝트 스토어가 다시 응답합니다.'), back.join('|'));
  assert.ok(!back.some((line) => line.startsWith('테이블')), 'tables reappearing after an outage are not news');
  const compacted = describeChanges(view(), view({ tables: [table({ name: 'candles_1m', records: 10 }), table({ snapshotId: 4, commitKind: 'COMPACT', dataFiles: 1 })] }));
  assert.ok(compacted.some((line) => line.includes('데이터 파일 3개 → 1개')), compacted.join('|'));
  const first = describeChanges(view({ job: job({ lastCheckpointId: null, checkpointsCompleted: 0 }) }), view({ job: job({ lastCheckpointId: 1 }) }));
  assert.ok(first.some((line) => line.includes('첫 체크포인트 #1')), first.join('|'));
  assert.ok(describeChanges(view({ buckets: [] }), view()).includes('버킷 upbit-lake이 생겼습니다.'));
});

test('time alone is not a change; a new snapshot is', () => {
  assert.ok(sameView(view(), view({ at: 99 })));
  assert.ok(!sameView(view(), view({ tables: [table({ snapshotId: 4 })] })));
});

test('the page body escapes names and tells the state in words', () => {
  const html = renderBody({ ...view({ tables: [table({ name: '<b>x</b>' })] }), events: [] });
  assert.ok(!html.includes('<b>x</b>'));
  assert.match(html, /최신 스냅샷/);
  assert.match(html, /s3:\/\/upbit-lake\/checkpoints\/j1\/chk-3/);
  assert.match(renderBody({ ...view({ storeReachable: false, storeError: 'down', buckets: [], tables: [] }), events: [] }), /응답하지 않습니다/);
  assert.match(renderBody({ ...view({ job: null }), events: [] }), /upbit-lakehouse가 없습니다/);
  assert.match(describeSnapshot({ ...view(), events: [] }), /버킷 upbit-lake 객체 40개/);
  assert.equal(bytesText(2048), '2.0 KiB');
});

test('a Paimon snapshot file gives id, kind, commit time and records; no watermark reads as null', () => {
  const text = JSON.stringify({ version: 3, id: 7, schemaId: 0, commitKind: 'APPEND', timeMillis: 1_764_480_000_000, totalRecordCount: 812, deltaRecordCount: 40, watermark: -9223372036854775808 });
  assert.deepEqual(parseSnapshotFile(text), { id: 7, schemaId: 0, commitKind: 'APPEND', timeMillis: 1_764_480_000_000, totalRecordCount: 812, deltaRecordCount: 40, watermark: null });
  assert.throws(() => parseSnapshotFile('{"id": 1}'), /not a Paimon snapshot/);
});
