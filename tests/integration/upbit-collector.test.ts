// The collector end to end into the real 3-node cluster, then under failure: malformed
// frames, the source dropping, a 10x burst, and two brokers stopped for 30 s (no quorum, no
// ISR). Every claim is checked against an independent read of the topic. Also shows the
// lab's checks failing in the wrong state and passing in the right one.
// Run under the Docker lock: flock /tmp/upbit-docker.lock node --test tests/integration/upbit-collector.test.ts
// (about 4 min on 2 cores). Or, while the shared cluster is busy, on a private copy of the
// course's cluster (project upbit-src-test, ports 39092-39094, removed afterwards):
//   UPBIT_TEST_CLUSTER=private node --test tests/integration/upbit-collector.test.ts  (the checks get the private bootstrap through their endpoints)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReplay, type Replay } from '../../chapters/03-flink/upbit-replay/replay.ts';
import { readReport } from '../../chapters/03-flink/upbit/report.ts';
import { auditRecords, collectorRunning, readTopicRecords, upbitReplayUp, upbitTopicExact } from '../../chapters/03-flink/checks/source.ts';
import { flinkChapter } from '../../chapters/03-flink/chapter.ts';
import { flinkEndpoints, type FlinkEndpoints } from '../../chapters/03-flink/flink-access.ts';
import { withAdmin as adminOf } from '../../chapters/02-kafka/kafka-access.ts';
import { requireDocker, waitForBrokers } from '../helpers/cluster.ts';
import type { CheckContext } from '../../server/checks.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const TOPIC = 'upbit-ticker';
const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE', 'KRW-ADA', 'KRW-TRX', 'KRW-LINK', 'KRW-AVAX', 'KRW-DOT', 'KRW-USDT', 'KRW-SUI'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const figures: Record<string, unknown> = {};
const PRIVATE = process.env['UPBIT_TEST_CLUSTER'] === 'private';
const BROKERS = PRIVATE ? ['localhost:39092', 'localhost:39093', 'localhost:39094'] : ['localhost:29092', 'localhost:29093', 'localhost:29094'];
const CONTAINERS = PRIVATE ? ['upbit-src-kafka-1', 'upbit-src-kafka-2', 'upbit-src-kafka-3'] : ['kafka-1', 'kafka-2', 'kafka-3'];
const COMPOSE = PRIVATE ? ['compose', '-p', 'upbit-src-test', '-f', 'compose/docker-compose.yml', '-f', 'tests/integration/upbit-private-cluster.yml'] : ['compose', '-f', 'compose/docker-compose.yml'];
const ENDPOINTS: FlinkEndpoints = (() => {
  const endpoints = flinkEndpoints(flinkChapter);
  return { ...endpoints, kafka: { ...endpoints.kafka, bootstrap: BROKERS } };
})();
const withAdmin = <T>(use: Parameters<typeof adminOf<T>>[1]) => adminOf(ENDPOINTS.kafka, use);

let replay: Replay;
let stateDir: string;

before(async () => {
  await requireDocker();
  await run('docker', [...COMPOSE, 'up', '-d', '--wait'], { cwd: ROOT, timeout: 480_000 });
  await waitForBrokers(3);
  // A fresh topic, so "acked == records" is about this test alone.
  await withAdmin(async (admin) => {
    if ((await admin.listTopics()).includes(TOPIC)) await admin.deleteTopics({ topics: [TOPIC], timeout: 30_000 });
  });
  for (let i = 0; i < 60 && (await withAdmin((admin) => admin.listTopics())).includes(TOPIC); i++) await sleep(500);
  replay = await startReplay({ port: 0, speed: 1, log: () => undefined });
  stateDir = mkdtempSync(join(tmpdir(), 'upbit-collector-'));
});

after(async () => {
  // A failed test must not leave its collector reconnecting forever.
  for (const child of children) child.kill('SIGKILL');
  await replay?.close();
  // Leave the cluster whole for the next lock holder.
  await run('docker', ['start', ...CONTAINERS]).catch(() => undefined);
  if (PRIVATE) await run('docker', [...COMPOSE, 'down', '-v'], { cwd: ROOT, timeout: 180_000 }).catch(() => undefined);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  console.log(`UPBIT_FIGURES ${JSON.stringify(figures)}`);
  writeFileSync(join(tmpdir(), 'upbit-collector-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
});

const children = new Set<ChildProcess>();

function startCollector(extra: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // A fresh report per run: a report left by the previous run would satisfy the waits below.
  rmSync(join(stateDir, 'collector'), { recursive: true, force: true });
  const child = spawn(process.execPath, [join(ROOT, 'chapters/03-flink/clients/collector.ts'), '--source', replay.wsUrl, '--markets', MARKETS.join(','), '--brokers', BROKERS.join(','), '--acked-log', '--quiet', ...extra], {
    env: { ...process.env, UPBIT_LAB_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { children.delete(child); resolve(code); }));
  return { child, output: () => text, exited };
}

const reportFile = () => join(stateDir, 'collector', 'report.json');
type FullReport = ReturnType<typeof readReport> & { latencyMs: { p50: number; p99: number; samples: number }; rejected: number; lastReconnectMs: number | null; maxPending: number; pauses: number; final: boolean; startOffsets: Record<string, number>; sendFailures: number };
const report = () => readReport(reportFile()) as FullReport;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? 'VmRSS: 0 kB';
  return Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024;
}

function context(since: number, endpoints: FlinkEndpoints = ENDPOINTS): CheckContext<FlinkEndpoints> {
  const course = { project: 'upbit-pipeline', network: 'pipeline-network', containers: [] };
  return { docker: undefined as never, lab: undefined as never, step: undefined as never, since, output: () => '', stateDir, signal: AbortSignal.timeout(60_000), memo: new Map(), course, endpoints };
}

/** Exactness against the topic: acked identities all there once, nothing else. */
async function verifyTopic(startOffsets: Record<string, number>) {
  // On a machine this busy a consumer can stall right after brokers restart (its group
  // coordinator moves); a fresh reader, with a fresh group, is tried again.
  let records: Awaited<ReturnType<typeof readTopicRecords>> | undefined;
  for (let attempt = 1; !records; attempt++) {
    try {
      records = await readTopicRecords(ENDPOINTS.kafka, TOPIC, AbortSignal.timeout(150_000), startOffsets);
    } catch (error) {
      if (attempt >= 3) throw error;
      console.log(`topic read attempt ${attempt} failed: ${(error as Error).message}; retrying`);
    }
  }
  const audit = auditRecords(records);
  const acked = readFileSync(join(stateDir, 'collector', 'acked.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
  const lost = acked.filter((id) => !audit.identities.has(id)).length;
  const ackedSet = new Set(acked);
  const unexpected = [...audit.identities.keys()].filter((id) => !ackedSet.has(id)).length;
  return { audit, acked: acked.length, lost, unexpected };
}

test('collector end to end: sustained throughput and source-to-ack latency into the 3-node cluster', async () => {
  replay.setSpeed(40); // about 550 tickers/s over the 12 markets
  const collector = startCollector();
  const startedAt = Date.now();
  const since = Date.now();
  // The lab's checks in the wrong state first: the collector has not reported yet.
  assert.equal((await collectorRunning.verify(context(since), { minAcked: 50, judgedMinute: false })).ok, false);
  await until('collector acks', () => { try { return report().acked > 200; } catch { return false; } }, 60_000);
  assert.equal((await collectorRunning.verify(context(since), { minAcked: 50, judgedMinute: false })).ok, true);
  const running = await upbitTopicExact.verify(context(since), { topic: TOPIC, requireStopped: true });
  assert.equal(running.ok, false, 'exactness cannot pass while the collector still runs');
  const served = () => Object.values((replay.state() as { served: Record<string, number> }).served).reduce((x, y) => x + y, 0);
  const a = report().acked;
  const s0 = served();
  const t0 = Date.now();
  await sleep(30_000);
  const rate = ((report().acked - a) * 1000) / (Date.now() - t0);
  const sourceRate = ((served() - s0) * 1000) / (Date.now() - t0);
  collector.child.kill('SIGINT');
  assert.equal(await collector.exited, 0, collector.output());
  replay.setSpeed(1);
  const final = report();
  assert.equal(final.final, true);
  assert.equal(final.pending, 0);
  figures['throughputMsgPerSec'] = Math.round(rate);
  figures['latencyP50Ms'] = final.latencyMs.p50;
  figures['latencyP99Ms'] = final.latencyMs.p99;
  figures['run1Acked'] = final.acked;
  figures['rssAtThroughputMb'] = (final as unknown as { rssMb: number }).rssMb;
  figures['run1Seconds'] = Math.round((Date.now() - startedAt) / 1000);
  figures['sourceMsgPerSec'] = Math.round(sourceRate);
  // Keeps up with the source (the source's own pace depends on how busy the machine is).
  assert.ok(rate > 0.85 * sourceRate && rate > 100, `acked ${rate.toFixed(0)} msg/s while the source served ${sourceRate.toFixed(0)} msg/s`);
  const { audit, acked, lost, unexpected } = await verifyTopic(final.startOffsets);
  assert.deepEqual({ lost, unexpected, duplicates: audit.duplicates, invalid: audit.invalid.length, wrongKey: audit.wrongKey, outOfOrder: audit.outOfOrder.length, split: audit.splitMarkets.length, wrongTs: audit.wrongTimestamp }, { lost: 0, unexpected: 0, duplicates: 0, invalid: 0, wrongKey: 0, outOfOrder: 0, split: 0, wrongTs: 0 });
  assert.equal(audit.records, acked);
  assert.equal(audit.records, final.acked);
  // Per market and per minute, the report matches the topic.
  for (const market of MARKETS) assert.equal(audit.perMarket[market] ?? 0, final.markets[market]?.acked ?? 0, market);
  const passed = await upbitTopicExact.verify(context(since), { topic: TOPIC, requireStopped: true });
  assert.equal(passed.ok, true, passed.summary);

  // Wrong state for the exactness check: a record the collector never acked lands in the topic.
  const { Kafka } = await import('kafkajs');
  const stray = new Kafka({ brokers: BROKERS, logLevel: 0 }).producer();
  await stray.connect();
  await stray.send({ topic: TOPIC, messages: [{ key: 'KRW-BTC', value: '{"type":"ticker","code":"KRW-BTC"}' }] });
  await stray.disconnect();
  const broken = await upbitTopicExact.verify(context(since), { topic: TOPIC, requireStopped: true });
  assert.equal(broken.ok, false);
  assert.match(broken.summary, /스키마/);
});

test('replay health check fails when nothing listens or the brokers are missing, and passes against the stand-in and three brokers', async () => {
  assert.equal((await upbitReplayUp.verify(context(Date.now(), { ...ENDPOINTS, replay: 'http://127.0.0.1:9' }), { minMarkets: 10, allBrokers: true })).ok, false);
  const noBrokers = await upbitReplayUp.verify(context(Date.now(), { ...ENDPOINTS, replay: replay.url, kafka: { ...ENDPOINTS.kafka, bootstrap: ['127.0.0.1:9'] } }), { minMarkets: 10, allBrokers: true });
  assert.equal(noBrokers.ok, false);
  assert.match(noBrokers.summary, /브로커가 0개/);
  assert.equal((await upbitReplayUp.verify(context(Date.now(), { ...ENDPOINTS, replay: replay.url }), { minMarkets: 10, allBrokers: true })).ok, true);
});

test('failure injection: bad frames, source drop, 10x burst and 30 s without quorum lose and duplicate nothing', { timeout: 600_000 }, async () => {
  replay.setSpeed(3); // about 40 tickers/s; the burst makes it about 400/s
  const collector = startCollector(['--max-pending', '3000']);
  const pid = collector.child.pid!;
  await until('first acks', () => { try { return report().acked > 50; } catch { return false; } }, 60_000);

  // Malformed frames and a foreign format from the source: counted and set aside, not produced.
  for (const kind of ['garbage', 'not-json', 'simple']) await fetch(`${replay.url}/_replay/fault?kind=${kind}`, { method: 'POST' });
  await until('rejections', () => report().rejected >= 3, 10_000);

  // The source closes mid-stream (TCP drop, no close frame).
  const reconnectsBefore = report().reconnects;
  await fetch(`${replay.url}/_replay/fault?kind=drop`, { method: 'POST' });
  await until('reconnect', () => report().reconnects > reconnectsBefore && report().lastReconnectMs !== null, 30_000);
  figures['reconnectMs'] = report().lastReconnectMs;

  // 10x for a minute, and 30 s into it two brokers go away for 30 s.
  let maxRss = rssMb(pid);
  const sampler = setInterval(() => { try { maxRss = Math.max(maxRss, rssMb(pid)); } catch { /* exited */ } }, 500);
  const baseRss = maxRss;
  await fetch(`${replay.url}/_replay/burst?factor=10&seconds=60`, { method: 'POST' });
  await sleep(15_000);
  const down = Date.now();
  await run('docker', ['stop', CONTAINERS[1]!, CONTAINERS[2]!], { timeout: 60_000 });
  await sleep(Math.max(0, 30_000 - (Date.now() - down)));
  const duringOutage = report();
  await run('docker', ['start', CONTAINERS[1]!, CONTAINERS[2]!], { timeout: 60_000 });
  figures['outageSeconds'] = Math.round((Date.now() - down) / 1000);
  await until('burst over', () => !(replay.state() as { burst: unknown }).burst, 90_000);
  replay.setSpeed(1);
  await until('backlog drained', () => report().pending < 100, 180_000);
  clearInterval(sampler);
  collector.child.kill('SIGINT');
  assert.equal(await collector.exited, 0, collector.output().slice(-3000));
  const final = report();
  figures['rssBaselineMb'] = Math.round(baseRss);
  figures['rssMaxBurstMb'] = Math.round(maxRss);
  figures['maxPending'] = final.maxPending;
  figures['pauses'] = final.pauses;
  figures['sendFailures'] = final.sendFailures;
  figures['pendingDuringOutage'] = duringOutage.pending;
  figures['run2Acked'] = final.acked;
  assert.ok(final.sendFailures > 0, 'the outage was felt');
  assert.ok(final.maxPending <= 3000 + 1000, `buffer bounded (max ${final.maxPending})`);
  assert.ok(final.pauses > 0, 'back-pressure engaged');
  assert.equal(final.rejected, 3);

  const { audit, acked, lost, unexpected } = await verifyTopic(final.startOffsets);
  figures['lost'] = lost;
  figures['duplicates'] = audit.duplicates;
  figures['unexpected'] = unexpected;
  assert.equal(lost, 0, 'nothing acked is lost');
  assert.equal(audit.duplicates, 0, 'nothing duplicated');
  assert.equal(unexpected, 0);
  assert.equal(audit.records, acked);
  assert.equal(audit.records, final.acked);
  assert.equal(audit.outOfOrder.length, 0);
});

test('an Upbit error object stops the collector with a clear message', async () => {
  // A stand-in that rejects every request as Upbit does for a malformed one.
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws) => ws.on('message', () => ws.send(Buffer.from('{"error":{"name":"INVALID_PARAM","message":"bad"}}'))));
  await new Promise((resolve) => wss.once('listening', resolve));
  const port = (wss.address() as { port: number }).port;
  const child = spawn(process.execPath, [join(ROOT, 'chapters/03-flink/clients/collector.ts'), '--source', `ws://127.0.0.1:${port}/websocket/v1`, '--markets', 'KRW-BTC', '--brokers', BROKERS.join(','), '--quiet'], { env: { ...process.env, UPBIT_LAB_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  wss.close();
  assert.equal(code, 2);
  assert.match(text, /업비트 오류 INVALID_PARAM/);
});

test('unknown market codes are reported and left out; none at all is an error', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'chapters/03-flink/clients/collector.ts'), '--source', replay.wsUrl, '--markets', 'KRW-NOPE', '--quiet'], { env: { ...process.env, UPBIT_LAB_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => { text += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 1);
  assert.match(text, /없는 마켓 코드.*KRW-NOPE/);
  assert.match(text, /구독할 마켓이 하나도 없습니다/);
});
