// The cluster-up check and doctor name a broker's OutOfMemoryError from its log tail. The log
// text below is real: the first from issue 20 (kafka-2 on a fresh machine), the second from
// reproducing it with a smaller heap, which logs the full stack down to the cleaner's buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOutOfMemory, findOutOfMemory, outOfMemoryFix, summarizeOutOfMemory } from '../../../chapters/02-kafka/checks/start-faults.ts';

const ISSUE_TAIL = `ERROR Encountered fatal fault: Error starting LogManager (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler)
java.lang.OutOfMemoryError: Java heap space
\tat org.apache.kafka.storage.internals.log.LogCleaner.startup(LogCleaner.java:205)
\tat org.apache.kafka.storage.internals.log.LogManager.startupWithConfigOverrides(LogManager.java:837)
\tat kafka.server.metadata.BrokerMetadataPublisher.initializeManagers(BrokerMetadataPublisher.scala:316)
`;

const REPRODUCED_TAIL = `[2026-11-30 13:07:39,923] INFO Starting log flusher with a default period of 9223372036854775807 ms. (org.apache.kafka.storage.internals.log.LogManager)
[2026-11-30 13:07:40,057] INFO Starting the log cleaner (org.apache.kafka.storage.internals.log.LogCleaner)
[2026-11-30 13:07:40,405] ERROR Encountered fatal fault: Error starting LogManager (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler)
java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:64)
\tat java.base/java.nio.ByteBuffer.allocate(ByteBuffer.java:363)
\tat org.apache.kafka.storage.internals.log.SkimpyOffsetMap.<init>(SkimpyOffsetMap.java:78)
\tat org.apache.kafka.storage.internals.log.LogCleaner$CleanerThread.<init>(LogCleaner.java:472)
\tat org.apache.kafka.storage.internals.log.LogCleaner.lambda$startup$0(LogCleaner.java:207)
`;

test('the issue-20 log tail is a heap OutOfMemoryError in the log cleaner', () => {
  for (const tail of [ISSUE_TAIL, REPRODUCED_TAIL]) {
    const finding = findOutOfMemory(tail);
    assert.ok(finding);
    assert.equal(finding.kind, 'heap');
    assert.equal(finding.logCleaner, true);
    assert.equal(finding.line, 'java.lang.OutOfMemoryError: Java heap space');
  }
});

test('a healthy start and the CLUSTER_ID fault are not OutOfMemoryErrors', () => {
  assert.equal(findOutOfMemory('[2026-11-30 13:03:36,928] INFO [KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)\n'), null);
  assert.equal(findOutOfMemory('java.lang.RuntimeException: Invalid cluster.id in: /var/lib/kafka/data/meta.properties. Expected 6wAbnaVmT8-JpCzpfB7Lhw, but read MkU3OEVBNTcwNTJENDM2Qk\n'), null);
  assert.equal(findOutOfMemory(''), null);
});

test('other kinds of OutOfMemoryError are told apart', () => {
  assert.equal(findOutOfMemory('java.lang.OutOfMemoryError: Metaspace\n\tat java.base/java.lang.ClassLoader.defineClass1(Native Method)')?.kind, 'metaspace');
  assert.equal(findOutOfMemory('java.lang.OutOfMemoryError: Direct buffer memory')?.kind, 'direct');
  const elsewhere = findOutOfMemory('java.lang.OutOfMemoryError: Java heap space\n\tat org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:102)');
  assert.equal(elsewhere?.kind, 'heap');
  assert.equal(elsewhere?.logCleaner, false);
});

test('the Korean message says what happened and the fix, with the right particle', () => {
  const finding = findOutOfMemory(ISSUE_TAIL)!;
  const one = describeOutOfMemory([{ name: 'kafka-2', finding }]);
  assert.match(one, /^kafka-2가 시작하다가 힙 메모리가 모자라 종료됐습니다/);
  assert.match(one, /로그 클리너/);
  assert.match(one, /KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE: 8388608/);
  assert.match(one, /docker compose up -d/);
  const two = summarizeOutOfMemory([{ name: 'kafka-1', finding }, { name: 'kafka-3', finding }]);
  assert.match(two, /^kafka-1, kafka-3이 /);
  const metaspace = [{ name: 'kafka-1', finding: findOutOfMemory('java.lang.OutOfMemoryError: Metaspace')! }];
  assert.match(outOfMemoryFix(metaspace), /KAFKA_HEAP_OPTS와 메모리 한도\(512M\)/);
  assert.match(describeOutOfMemory(metaspace), /^kafka-1이 JVM 메모리가 모자라 종료됐습니다\(java\.lang\.OutOfMemoryError: Metaspace\)/);
});
