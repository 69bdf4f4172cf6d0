// The savepoint and late-data checks fail in the wrong state (with a Korean reason) and pass
// in the right one. Flink's side is a small HTTP server answering the REST paths the checks
// read with the JSON shapes Flink 2.0 sends (only the fields they use); the real cluster runs
// the same checks in tests/integration/labs.test.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { closedLateRows, findLateTicks, jobGone, jobResumed, samePath, savepointTaken } from '../../../chapters/03-flink/checks/savepoint.ts';
import { collectorRunning, type TopicRecord } from '../../../chapters/03-flink/checks/source.ts';
import type { FlinkEndpoints } from '../../../chapters/03-flink/flink-access.ts';
import type { CheckContext } from '../../../server/checks.ts';
import { tempDir } from '../../helpers/temp.ts';

const HANGUL = /[가-힣]/;
const SAVEPOINT = 'file:/flink-data/savepoints/savepoint-abc123-0123456789ab';

/** What the fake JobManager answers: path -> JSON. */
let routes: Record<string, unknown> = {};
const server: Server = createServer((req, res) => {
  const body = routes[req.url ?? ''];
  res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body ?? { errors: ['not found'] }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());
const rest = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function context(stateDir: string, printed = ''): CheckContext<FlinkEndpoints> {
  return {
    stateDir,
    since: Date.now() - 60_000,
    output: () => printed,
    signal: AbortSignal.timeout(5000),
    memo: new Map(),
    endpoints: { rest, gateway: rest, replay: rest, kafka: { bootstrap: ['127.0.0.1:1'] }, containers: { jobmanager: 'jobmanager', taskmanager: 'taskmanager', replay: 'upbit-replay' }, collectorReport: 'collector/report.json' },
  } as unknown as CheckContext<FlinkEndpoints>; // docker, lab, step and course are not read by these checks
}

const job = (jid: string, state: string, start: number) => ({ jid, name: 'upbit-candles-1m', state, 'start-time': start, 'end-time': -1, duration: 0, 'last-modification': start, tasks: {} });
const vertices = (sink: string) => [
  { id: 'v1', name: 'Source: upbit_ticker[1] -> Calc[2]', parallelism: 1, status: 'RUNNING', 'start-time': 1, metrics: {} },
  { id: 'v2', name: `WindowAggregate[4] -> Calc[5] -> ${sink}[6]: Writer`, parallelism: 1, status: 'RUNNING', 'start-time': 1, metrics: {} },
];
const checkpoints = (extra: Record<string, unknown>) => ({ counts: { restored: 0, total: 3, in_progress: 0, completed: 3, failed: 0 }, latest: { completed: null, savepoint: null, failed: null, restored: null, ...extra }, history: [] });

function stateWithSavepoint(): string {
  const dir = tempDir('flink-savepoint');
  mkdirSync(join(dir, 'flink'), { recursive: true });
  writeFileSync(join(dir, 'flink', 'savepoint-upbit-candles-1m.txt'), `${SAVEPOINT}\n`);
  return dir;
}

test('samePath ignores how many slashes follow file:', () => {
  assert.ok(samePath('file:/flink-data/savepoints/x', 'file:///flink-data/savepoints/x/'));
  assert.ok(!samePath('file:/flink-data/savepoints/x', 'file:/flink-data/savepoints/y'));
});

test('flink-savepoint-taken: fails while the job runs or after a plain cancel, passes after stop-with-savepoint', async () => {
  const dir = stateWithSavepoint();
  routes = { '/jobs/overview': { jobs: [job('j1', 'RUNNING', 1000)] } };
  let result = await savepointTaken.verify(context(dir), { job: 'upbit-candles-1m', submittedIn: 'flink-candles' });
  assert.equal(result.ok, false);
  assert.match(result.summary, HANGUL);
  assert.match(result.summary, /flink-job\.ts savepoint/);

  routes = { '/jobs/overview': { jobs: [job('j1', 'CANCELED', 1000)] }, '/jobs/j1/checkpoints': checkpoints({}) };
  result = await savepointTaken.verify(context(dir), { job: 'upbit-candles-1m', submittedIn: 'flink-candles' });
  assert.equal(result.ok, false);
  assert.match(result.summary, /세이브포인트 없이/);

  const savepoint = { id: 7, status: 'COMPLETED', is_savepoint: true, trigger_timestamp: 1, latest_ack_timestamp: 2, end_to_end_duration: 812, state_size: 40960, external_path: SAVEPOINT };
  routes = { '/jobs/overview': { jobs: [job('j1', 'FINISHED', 1000)] }, '/jobs/j1/checkpoints': checkpoints({ savepoint }) };
  result = await savepointTaken.verify(context(dir), { job: 'upbit-candles-1m', submittedIn: 'flink-candles' });
  assert.equal(result.ok, true, result.summary);
  assert.equal(result.metrics?.['savepointKB'], 40);

  // The same finished job, but no path was recorded: the next step could not resume.
  result = await savepointTaken.verify(context(tempDir('flink-empty')), { job: 'upbit-candles-1m', submittedIn: 'flink-candles' });
  assert.equal(result.ok, false);
  assert.match(result.summary, /기록되지 않았습니다/);
});

test('flink-job-resumed: fails with no job, with a job started without the savepoint, or with the old query; passes on v2 from the savepoint', async () => {
  const dir = stateWithSavepoint();
  const params = { job: 'upbit-candles-1m', sinkTable: 'upbit_candles_1m_v2', sqlFile: '11-candles-1m-v2.sql' };
  routes = { '/jobs/overview': { jobs: [job('j1', 'FINISHED', 1000)] } };
  let result = await jobResumed.verify(context(dir), params);
  assert.equal(result.ok, false);
  assert.match(result.summary, /execution.state-recovery.path/);

  const now = Date.now();
  const running = { jid: 'j2', name: 'upbit-candles-1m', state: 'RUNNING', 'start-time': now, now, timestamps: { RUNNING: now } };
  routes = {
    '/jobs/overview': { jobs: [job('j1', 'FINISHED', 1000), job('j2', 'RUNNING', now)] },
    '/jobs/j2': { ...running, vertices: vertices('upbit_candles_1m_v2') },
    '/jobs/j2/checkpoints': checkpoints({}),
  };
  result = await jobResumed.verify(context(dir), params);
  assert.equal(result.ok, false);
  assert.match(result.summary, /세이브포인트.*에서 시작하지 않았습니다/);

  const restored = { id: 7, restore_timestamp: now, is_savepoint: true, external_path: SAVEPOINT.replace('file:/', 'file:///') };
  const history = [{ id: 8, status: 'COMPLETED', is_savepoint: false, trigger_timestamp: now + 10_000, latest_ack_timestamp: now + 10_500, end_to_end_duration: 500, state_size: 1 }];
  routes['/jobs/j2'] = { ...running, vertices: vertices('upbit_candles_1m') };
  routes['/jobs/j2/checkpoints'] = { ...checkpoints({ restored }), history };
  result = await jobResumed.verify(context(dir), params);
  assert.equal(result.ok, false);
  assert.match(result.summary, /upbit_candles_1m_v2/);

  routes['/jobs/j2'] = { ...running, vertices: vertices('upbit_candles_1m_v2') };
  result = await jobResumed.verify(context(dir), params);
  assert.equal(result.ok, true, result.summary);
  assert.equal(result.metrics?.['checkpointsAfterRestore'], 1);
});

test('flink-job-gone: fails while the query job holds a slot, passes once it is cancelled', async () => {
  const late = (state: string) => ({ ...job('q1', state, 1), name: 'upbit-late-ticks' });
  routes = { '/jobs/overview': { jobs: [late('RUNNING')] } };
  let result = await jobGone.verify(context(tempDir('flink-gone')), { job: 'upbit-late-ticks' });
  assert.equal(result.ok, false);
  assert.match(result.summary, /cancel upbit-late-ticks/);
  routes = { '/jobs/overview': { jobs: [late('CANCELED')] } };
  result = await jobGone.verify(context(tempDir('flink-gone')), { job: 'upbit-late-ticks' });
  assert.equal(result.ok, true);
});

test('findLateTicks finds ticks whose minute closed before they arrived, not ticks a few seconds out of order', () => {
  const base = Date.parse('2026-11-30T10:05:30Z');
  const tick = (partition: number, offset: number, code: string, ts: number): TopicRecord => ({ partition, offset, key: code, timestamp: ts, value: JSON.stringify({ type: 'ticker', code, trade_timestamp: ts }) });
  const records: TopicRecord[] = [
    tick(0, 0, 'KRW-BTC', base),
    tick(0, 1, 'KRW-BTC', base + 1000),
    tick(0, 2, 'KRW-BTC', base - 3000),          // 3 s late: its minute (10:05) is still open
    tick(0, 3, 'KRW-BTC', base + 1000 - 90_000), // 90 s late: 10:04 closed long ago
    { partition: 0, offset: 4, key: '', timestamp: 0, value: 'hello kafka' },
    { partition: 0, offset: 5, key: '', timestamp: 0, value: '{"symbol":"KRW-BTC","price":1}' },
    tick(1, 0, 'KRW-ETH', base - 90_000),        // first in its partition: nothing to be late against
    tick(1, 1, 'KRW-ETH', base),
  ];
  const late = findLateTicks(records);
  assert.deepEqual(late.map((t) => `${t.partition}:${t.offset}`), ['0:3']);
  assert.equal(late[0]!.market, 'KRW-BTC');
  assert.equal(Math.round(late[0]!.aheadMs / 1000), 90);
});

test('closedLateRows counts tableau rows where late and candle_closed are both TRUE', () => {
  const printed = [
    '+----+---------+-------------------------+-------------------------+-------+---------------+-------------------------+',
    '| op |    code |              event_time |               watermark |  late | candle_closed |              kafka_time |',
    '| +I | KRW-BTC | 2026-11-30 19:04:01.000 | 2026-11-30 19:05:26.000 |  TRUE |          TRUE | 2026-11-30 19:05:31.000 |',
    '| +I | KRW-BTC | 2026-11-30 19:05:27.000 | 2026-11-30 19:05:26.000 | FALSE |         FALSE | 2026-11-30 19:05:32.000 |',
    '| +I | KRW-BTC | 2026-11-30 19:05:25.000 | 2026-11-30 19:05:26.000 |  TRUE |         FALSE | 2026-11-30 19:05:32.000 |',
  ].join('\n');
  assert.equal(closedLateRows(printed), 1);
  assert.equal(closedLateRows(''), 0);
});

test('flink-collector-running with judgedMinute waits until the collector is past its first, partial minute', async () => {
  const dir = tempDir('flink-collector');
  mkdirSync(join(dir, 'collector'), { recursive: true });
  const write = (startedAt: number) => writeFileSync(join(dir, 'collector', 'report.json'), JSON.stringify({
    version: 1, source: 'ws://localhost:8765/websocket/v1', startedAt: new Date(startedAt).toISOString(), updatedAt: new Date().toISOString(),
    acked: 120, pending: 0, reconnects: 0, markets: { 'KRW-BTC': { acked: 120, minutes: {} } },
  }));
  const ctx = { ...context(dir), since: Date.now() - 1000 } as CheckContext<FlinkEndpoints>;
  // Started just now: the next minute has not begun (unless this test runs in the last 0.5 s of a minute).
  const start = Date.now() % 60_000 > 59_000 ? Date.now() + 1500 : Date.now();
  write(start);
  let result = await collectorRunning.verify(ctx, { minAcked: 50, judgedMinute: true });
  assert.equal(result.ok, false);
  assert.match(result.summary, /첫 분/);
  assert.equal((await collectorRunning.verify(ctx, { minAcked: 50, judgedMinute: false })).ok, true);
  write(Date.now() - 61_000);
  result = await collectorRunning.verify(ctx, { minAcked: 50, judgedMinute: true });
  assert.equal(result.ok, true, result.summary);
});
