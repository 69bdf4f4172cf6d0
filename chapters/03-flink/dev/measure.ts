// Chapter 3 end-to-end measurement on the real cluster (run under the Docker lock):
// Flink cold start, first SQL query, candle job submit -> first committed candle, checkpoint
// duration and size, JM/TM memory, TaskManager kill -> job RUNNING again, and the exactness
// of the candles afterwards against the dev producer's report. Writes
// .lab-state/flink-measure.json and prints a summary. Leaves Kafka as it is and removes
// Flink's containers (KEEP_FLINK=1 keeps them).
//   flock /tmp/upbit-docker.lock node chapters/03-flink/dev/measure.ts
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaClient, ensureTopic, writeJson, STATE_DIR } from '../../02-kafka/clients/common.ts';
import { FlinkRest, type JobState } from '../flink-rest.ts';
import { readCommittedCandles, compareWithReport, readCollectorReport, isExact } from '../candles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const composeDir = join(root, 'compose');
const reportFile = join(STATE_DIR, 'dev-ticks', 'report.json');
const results: Record<string, unknown> = { startedAt: new Date().toISOString() };
const rest = new FlinkRest({ timeoutMs: 3000 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const t = () => performance.now() / 1000;
const resultsFile = join(STATE_DIR, 'flink-measure.json');
// Every stage is saved as soon as it is known: on a busy machine the run may be cut short.
const log = (message: string) => {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
  writeJson(resultsFile, results);
};
const sqlTimeoutMs = Number(process.env['SQL_CLIENT_TIMEOUT_MS'] ?? 420_000);

function compose(args: string[], timeoutMs = 300_000): { code: number; out: string } {
  const r = spawnSync('docker', ['compose', ...args], { cwd: composeDir, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

let runs = 0;
function sqlClient(files: string[]): { seconds: number; code: number; out: string } {
  const start = t();
  // A named run container, so a client cut off by the timeout can be removed (killing the
  // compose CLI leaves its container running).
  const name = `flink-measure-sql-${process.pid}-${++runs}`;
  const args = ['--profile', 'flink', 'run', '--rm', '-T', '--name', name, 'sql-client'];
  for (const [i, f] of files.entries()) args.push(i === files.length - 1 ? '-f' : '-i', `/sql/${f}`);
  const r = compose(args, sqlTimeoutMs);
  spawnSync('docker', ['rm', '-f', name], { encoding: 'utf8' });
  return { seconds: +(t() - start).toFixed(1), ...r };
}

function dockerStats(): Record<string, string> {
  const r = spawnSync('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}} {{.CPUPerc}}', 'jobmanager', 'taskmanager', 'sql-gateway'], { encoding: 'utf8' });
  return Object.fromEntries((r.stdout ?? '').trim().split('\n').filter(Boolean).map((l) => [l.split(' ')[0]!, l.split(' ').slice(1).join(' ')]));
}

async function until<T>(what: string, withinMs: number, probe: () => Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(everyMs);
  }
}

let producer: ChildProcess | undefined;
// `timeout` or Ctrl-C: stop the producer, keep what was measured, remove Flink's containers.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    results['error'] = `stopped by ${signal}`;
    producer?.kill('SIGTERM');
    writeJson(resultsFile, results);
    spawnSync('docker', ['compose', '--profile', 'flink', 'rm', '-sf', 'jobmanager', 'taskmanager', 'sql-gateway'], { cwd: composeDir });
    process.exit(1);
  });
}
function startProducer(seconds: number, rate: number): ChildProcess {
  const child = spawn(process.execPath, [join(root, 'chapters/03-flink/clients/dev-ticks.ts'), '--live', String(seconds), '--rate', String(rate)], { stdio: ['ignore', 'inherit', 'inherit'] });
  return child;
}

try {
  // --- Kafka up, topics fresh (this measurement owns them for the duration of its lock)
  log('kafka up');
  let r = compose(['up', '-d', '--wait', 'kafka-1', 'kafka-2', 'kafka-3']);
  if (r.code !== 0) throw new Error(`kafka up failed: ${r.out}`);
  const kafka = kafkaClient('flink-measure');
  const admin = kafka.admin();
  await admin.connect();
  const existing = await admin.listTopics();
  const ours = ['upbit-ticker', 'upbit-candles-1m', 'upbit-alerts'].filter((x) => existing.includes(x));
  if (ours.length) {
    await admin.deleteTopics({ topics: ours, timeout: 30_000 });
    await until('topics deleted', 60_000, async () => ((await admin.listTopics()).some((x) => ours.includes(x)) ? undefined : true), 1000);
  }
  await ensureTopic(admin, 'upbit-ticker');
  await ensureTopic(admin, 'upbit-candles-1m');
  await ensureTopic(admin, 'upbit-alerts');
  await admin.disconnect();

  // --- Flink cold start
  compose(['--profile', 'flink', 'rm', '-sf', 'jobmanager', 'taskmanager', 'sql-gateway']);
  spawnSync('docker', ['volume', 'rm', 'upbit-pipeline_flink_checkpoints'], { encoding: 'utf8' });
  log('flink up');
  const t0 = t();
  r = compose(['--profile', 'flink', 'up', '-d', 'jobmanager', 'taskmanager', 'sql-gateway']);
  if (r.code !== 0) throw new Error(`flink up failed: ${r.out}`);
  await until('JM REST', 180_000, async () => ((await rest.overview()) ? true : undefined));
  const restUp = t() - t0;
  const tm = await until('TM registered', 180_000, async () => ((await rest.taskManagers()).length > 0 ? (await rest.taskManagers())[0] : undefined));
  const tmRegistered = t() - t0;
  r = compose(['--profile', 'flink', 'up', '-d', '--wait', 'jobmanager', 'taskmanager', 'sql-gateway']);
  const allHealthy = t() - t0;
  results['coldStart'] = { jmRestSeconds: +restUp.toFixed(1), tmRegisteredSeconds: +tmRegistered.toFixed(1), composeWaitHealthySeconds: +allHealthy.toFixed(1), tmId: tm.id, slots: tm.slotsNumber, tmMemory: tm.memoryConfiguration };
  log(`cold start: REST ${restUp.toFixed(1)} s, TM registered ${tmRegistered.toFixed(1)} s, all healthy ${allHealthy.toFixed(1)} s`);
  results['statsIdle'] = dockerStats();

  // --- data: 3 backfilled minutes
  const bf = spawnSync(process.execPath, [join(root, 'chapters/03-flink/clients/dev-ticks.ts'), '--backfill', '3', '--per-minute', '20', '--fresh'], { encoding: 'utf8' });
  log(bf.stdout.trim() || bf.stderr.trim());

  // --- submit the candle job, then the alert job
  const submitStart = t();
  const sub = sqlClient(['00-source.sql', '10-candles-1m.sql']);
  const jobId = /Job ID: ([0-9a-f]{32})/.exec(sub.out)?.[1];
  log(`candle submit: ${sub.seconds} s, exit ${sub.code}, job ${jobId}`);
  if (!jobId) throw new Error(`no job id in:\n${sub.out.slice(-3000)}`);
  producer = startProducer(600, 8);
  const running = await until('candle job RUNNING', 120_000, async () => ((await rest.job(jobId)).state === 'RUNNING' ? true : undefined));
  void running;
  const firstCandle = await until('first candle', 180_000, async () => {
    const { candles } = await readCommittedCandles({ idleMs: 1500, timeoutMs: 20_000 });
    return candles.length > 0 ? candles.length : undefined;
  }, 2000);
  results['candleJob'] = { submitSeconds: sub.seconds, submitToFirstCandleSeconds: +(t() - submitStart).toFixed(1), firstRead: firstCandle };
  log(`first candle ${(t() - submitStart).toFixed(1)} s after submit start`);

  let alertJob: string | undefined;
  if (!process.env['SKIP_ALERTS']) {
    const alerts = sqlClient(['00-source.sql', '20-spike-alerts.sql']);
    alertJob = /Job ID: ([0-9a-f]{32})/.exec(alerts.out)?.[1];
    results['alertJob'] = { submitSeconds: alerts.seconds, jobId: alertJob, tail: alertJob ? undefined : alerts.out.slice(-2000) };
    log(`alert submit: ${alerts.seconds} s, job ${alertJob}`);
  }

  // --- checkpoints at steady state
  await until('6 checkpoints', 180_000, async () => ((await rest.checkpoints(jobId)).counts.completed >= 6 ? true : undefined), 2000);
  const cps = await rest.checkpoints(jobId);
  const done = cps.history.filter((c) => c.status === 'COMPLETED');
  results['checkpoints'] = {
    completed: cps.counts.completed,
    failed: cps.counts.failed,
    durationsMs: done.map((c) => c.end_to_end_duration),
    stateSizes: done.map((c) => c.state_size),
    checkpointedSizes: done.map((c) => c.checkpointed_size),
  };
  if (alertJob) {
    const a = await rest.checkpoints(alertJob);
    results['alertCheckpoints'] = { completed: a.counts.completed, sizes: a.history.filter((c) => c.status === 'COMPLETED').map((c) => c.state_size), durationsMs: a.history.map((c) => c.end_to_end_duration) };
  }
  results['statsRunning'] = dockerStats();
  log(`checkpoints: ${JSON.stringify(results['checkpoints'])}`);
  log(`stats: ${JSON.stringify(results['statsRunning'])}`);

  // --- TaskManager failure
  const killAt = t();
  spawnSync('docker', ['kill', 'taskmanager']);
  log('taskmanager killed');
  const states: { at: number; state: JobState }[] = [];
  let last = '';
  const watch = setInterval(() => {
    rest.job(jobId).then((j) => {
      if (j.state !== last) { last = j.state; states.push({ at: +(t() - killAt).toFixed(1), state: j.state }); log(`job ${j.state}`); }
    }, () => undefined);
  }, 300);
  await until('failure noticed', 90_000, async () => (last && last !== 'RUNNING' ? true : undefined), 300).catch(() => undefined);
  const noticed = t() - killAt;
  const upAt = t();
  r = compose(['--profile', 'flink', 'up', '-d', 'taskmanager']);
  log(`taskmanager restarted (${r.code})`);
  await until('job RUNNING with all tasks', 240_000, async () => {
    const j = await rest.job(jobId);
    return j.state === 'RUNNING' && j.vertices.every((v) => v.status === 'RUNNING') ? true : undefined;
  }, 300);
  const back = t() - killAt;
  clearInterval(watch);
  const afterKill = await rest.checkpoints(jobId);
  results['tmKill'] = {
    failureNoticedSeconds: +noticed.toFixed(1),
    tmUpCommandSeconds: +(upAt - killAt).toFixed(1),
    killToRunningSeconds: +back.toFixed(1),
    upToRunningSeconds: +(t() - upAt).toFixed(1),
    states,
    restored: afterKill.latest.restored,
  };
  log(`TM kill -> RUNNING: ${back.toFixed(1)} s (noticed after ${noticed.toFixed(1)} s), restored ${JSON.stringify(afterKill.latest.restored)}`);

  // --- keep producing 2 more minutes, then stop and compare
  await sleep(Number(process.env['AFTER_KILL_MS'] ?? 130_000));
  producer.kill('SIGTERM');
  await new Promise((resolve) => producer!.once('exit', resolve));
  producer = undefined;
  await sleep(25_000);
  const { candles, unreadable } = await readCommittedCandles({ idleMs: 3000 });
  const exact = compareWithReport(candles, readCollectorReport(reportFile));
  results['exactness'] = { exact: isExact(exact), unreadable, compared: exact.compared, matched: exact.matched, lost: exact.lost, duplicated: exact.duplicated, mismatched: exact.mismatched, extra: exact.extra.length, candles: exact.candles, since: exact.since, newest: exact.newestMinute };
  log(`exactness: compared ${exact.compared}, matched ${exact.matched}, lost ${exact.lost.length}, dup ${exact.duplicated.length}, mismatched ${exact.mismatched.length}, extra ${exact.extra.length}`);
  results['statsAfter'] = dockerStats();

  // --- first query in the SQL client
  if (!process.env['SKIP_FIRST_QUERY']) {
  const first = sqlClient(['00-source.sql', '01-first-query.sql']);
  results['firstQuery'] = { seconds: first.seconds, code: first.code, tail: first.out.slice(-3000) };
  log(`first query: ${first.seconds} s, exit ${first.code}`);
  }

  const jobNow = await rest.job(jobId);
  results['vertices'] = jobNow.vertices.map((v) => ({ name: v.name.slice(0, 80), in: v.metrics['read-records'], out: v.metrics['write-records'] }));
} catch (error) {
  results['error'] = String((error as Error).stack ?? error);
  console.error(error);
  process.exitCode = 1;
} finally {
  producer?.kill('SIGTERM');
  const logs = spawnSync('docker', ['logs', '--tail', '60', 'jobmanager'], { encoding: 'utf8' });
  results['jmLogTail'] = `${logs.stdout}${logs.stderr}`.slice(-4000);
  writeJson(resultsFile, results);
  // Only Flink's containers: `down` would also remove the brokers, which other labs expect.
  if (!process.env['KEEP_FLINK']) compose(['--profile', 'flink', 'rm', '-sf', 'jobmanager', 'taskmanager', 'sql-gateway']);
  log(`results in ${resultsFile}`);
}
