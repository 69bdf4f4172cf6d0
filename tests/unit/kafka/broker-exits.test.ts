// doctor reads a stopped broker's log tail: an OutOfMemoryError fails with the fix, another
// stop is a warning (the failover lab stops brokers on purpose), no cluster passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeBrokerExits } from '../../../chapters/02-kafka/preflight/broker-exits.ts';
import type { ContainerSummary } from '../../../server/preflight/docker-session.ts';

const BROKERS = ['kafka-1', 'kafka-2', 'kafka-3'];

const OOM_TAIL = `ERROR Encountered fatal fault: Error starting LogManager (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler)
java.lang.OutOfMemoryError: Java heap space
\tat org.apache.kafka.storage.internals.log.LogCleaner.startup(LogCleaner.java:205)
`;

const container = (name: string, state: string, project: string | null = 'upbit-pipeline'): ContainerSummary => ({ name, project, state, publicPorts: [] });

function session(list: ContainerSummary[] | null, logs: Record<string, string> = {}) {
  const asked: string[] = [];
  return {
    asked,
    timeoutMs: 100,
    containers: () => Promise.resolve(list),
    logTail: (name: string) => {
      asked.push(name);
      return Promise.resolve(logs[name] ?? null);
    },
  };
}

test('a broker stopped by OutOfMemoryError fails with the fix', async () => {
  const s = session([container('kafka-1', 'running'), container('kafka-2', 'exited'), container('kafka-3', 'running')], { 'kafka-2': OOM_TAIL });
  const result = await probeBrokerExits(BROKERS, 'upbit-pipeline', s);
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /^kafka-2가 시작하다가 힙 메모리가 모자라 종료됐습니다/);
  assert.match(result.fix ?? '', /KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE/);
  assert.deepEqual(s.asked, ['kafka-2'], 'only stopped brokers are read');
});

test('a broker stopped for another reason is a warning with where to look', async () => {
  const result = await probeBrokerExits(BROKERS, 'upbit-pipeline', session([container('kafka-1', 'running'), container('kafka-3', 'exited')], { 'kafka-3': 'INFO [BrokerServer id=3] shut down completed\n' }));
  assert.equal(result.status, 'warn');
  assert.match(result.fix ?? '', /docker compose logs kafka-3/);
});

test('no cluster, a running cluster, and strangers named kafka-N pass', async () => {
  assert.equal((await probeBrokerExits(BROKERS, 'upbit-pipeline', session([]))).status, 'pass');
  assert.equal((await probeBrokerExits(BROKERS, 'upbit-pipeline', session([container('kafka-1', 'running'), container('kafka-2', 'running'), container('kafka-3', 'running')]))).status, 'pass');
  // Another tutorial's stopped kafka-1 is the containers probe's business, not ours.
  assert.equal((await probeBrokerExits(BROKERS, 'upbit-pipeline', session([container('kafka-1', 'exited', 'other-tutorial')], { 'kafka-1': OOM_TAIL }))).status, 'pass');
});

test('an unreachable engine is a warning', async () => {
  assert.equal((await probeBrokerExits(BROKERS, 'upbit-pipeline', session(null))).status, 'warn');
});
