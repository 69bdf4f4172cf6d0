// Failover lab client: sends numbered records to the `ledger` topic with acks=all, one small
// batch at a time, and appends a record's number to the ledger only after the cluster
// acknowledged it. A failed batch is retried with the same numbers from the same idempotent
// producer, so the broker recognises a retry of a batch it already stored (same producer id,
// same sequence) and keeps one copy. The verify step then counts exactly: acknowledged but
// missing = lost, seen twice = duplicated; both must be 0.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DEFAULT_BROKERS, STATE_DIR, ProducerFatalError, STEADY_REQUEST_TIMEOUT_MS, describeKafkaError, ensureTopic, kafkaClient, sendSteadily, steadyProducer, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    topic: { type: 'string', default: 'ledger' },
    bootstrap: { type: 'string', default: DEFAULT_BROKERS.join(',') },
    'batch-size': { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '100' },
  },
});
const batchSize = Math.max(1, Math.min(100, Number(values['batch-size']) || 5));
const intervalMs = Math.max(10, Number(values['interval-ms']) || 100);
const dir = join(STATE_DIR, 'ledger');
const ackedPath = join(dir, 'acked.log');
const statusPath = join(dir, 'status.json');
const runId = randomUUID();

mkdirSync(dir, { recursive: true });
writeFileSync(ackedPath, `# run ${runId}\n`);

const kafka = kafkaClient('ledger-producer', values.bootstrap.split(',').map((b) => b.trim()).filter(Boolean), STEADY_REQUEST_TIMEOUT_MS);
const admin = kafka.admin();
// One producer for the whole run. It used to be replaced after five failures in a row; the new
// producer id made the broker accept a re-sent batch it had already stored (5 duplicates in a
// headless run). Now only an error that ends this producer id (ProducerFatalError) replaces
// it, and then only after reading back which of the pending numbers the topic already holds.
let producer = steadyProducer(kafka);

const status = {
  runId, topic: values.topic, acked: 0, failedAttempts: 0,
  lastError: null as string | null, lastErrorAt: null as number | null, lastAckAt: null as number | null,
  producerIds: 1, startedAt: Date.now(), final: false,
};
let nextSeq = 1;
let running = true;
let partitionCount = 3;
let batchIndex = 0;

function saveStatus() {
  writeJson(statusPath, status);
}

async function prepareTopic() {
  await admin.connect();
  try {
    partitionCount = await ensureTopic(admin, values.topic);
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The broker no longer accepts this producer id (fenced, or it lost the id's sequence). A new
 * producer id would make the broker accept again a batch it already holds, so first wait for
 * the partition to be writable, read back which of the batch's numbers the topic already
 * holds, and send only the missing ones from a new producer. Returns the numbers now stored.
 */
async function recover(error: ProducerFatalError, partition: number, seqs: number[], messages: Array<{ partition: number; key: string; value: string }>): Promise<number[] | null> {
  console.log(`  이 프로듀서 id로는 더 보낼 수 없습니다 (${error.type}). 토픽에 이미 들어간 번호를 읽어 확인한 뒤 빠진 것만 새 프로듀서로 보냅니다.`);
  await producer.disconnect().catch(() => undefined);
  // Anything the old producer had in flight is appended or rejected by the time the partition
  // has its in-sync replicas again; a few more seconds let a pending append settle.
  if (!(await waitWritable(partition))) return null;
  await sleep(5000);
  const present = await storedNumbers(partition, new Set(seqs));
  producer = steadyProducer(kafka);
  status.producerIds++;
  await producer.connect();
  const missing = messages.filter((_, i) => !present.has(seqs[i]!));
  if (missing.length > 0) await sendSteadily(producer, { topic: values.topic, messages: missing }, { onRetry: (e) => { status.lastError = e; } });
  return seqs;
}

/** Waits until the partition has a leader and min.insync.replicas (2) in sync; false when stopping. */
async function waitWritable(partition: number): Promise<boolean> {
  while (running) {
    try {
      await admin.connect();
      const meta = await admin.fetchTopicMetadata({ topics: [values.topic] });
      const p = meta.topics[0]?.partitions.find((x) => x.partitionId === partition);
      if (p && p.leader >= 0 && p.isr.length >= 2) return true;
    } catch {
      // Cluster still unreachable: keep waiting.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(1000);
  }
  return false;
}

/** Which of `wanted` this run has already stored in the partition (read_committed, up to its end). */
async function storedNumbers(partition: number, wanted: Set<number>): Promise<Set<number>> {
  await admin.connect();
  const end = Number((await admin.fetchTopicOffsets(values.topic)).find((o) => o.partition === partition)?.high ?? 0);
  const groupId = `ledger-recover-${runId}`;
  const found = new Set<number>();
  if (end > 0) {
    const consumer = kafka.consumer({ groupId });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: values.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        setTimeout(() => reject(new Error('reading back the ledger took over 60 s')), 60_000).unref();
        consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition: from, message }) => {
            if (from !== partition) return;
            const record = JSON.parse(message.value?.toString() ?? '{}') as { runId?: string; seq?: number };
            if (record.runId === runId && typeof record.seq === 'number' && wanted.has(record.seq)) found.add(record.seq);
            if (Number(message.offset) + 1 >= end) resolve();
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }
  await admin.disconnect().catch(() => undefined);
  return found;
}

async function loop() {
  let lastPrint = 0;
  let lastRetryPrint = 0;
  while (running) {
    const seqs = Array.from({ length: batchSize }, (_, i) => nextSeq + i);
    // One partition per send(), taking turns. kafkajs 2.2.4 loses records when one send()
    // spans partitions on several brokers and a leader moves mid-send: its retry skips any
    // broker that already answered, even if the moved partition now lives there. This very
    // lab caught it (acked records missing, no offset gap); with one partition per request
    // the retry always goes to the new leader.
    const partition = batchIndex % partitionCount;
    const messages = seqs.map((seq) => ({ partition, key: String(seq), value: JSON.stringify({ runId, seq, at: Date.now() }) }));
    let stored = seqs;
    try {
      await sendSteadily(producer, { topic: values.topic, messages }, {
        shouldStop: () => !running,
        onRetry: (error) => {
          status.failedAttempts++;
          status.lastError = error;
          status.lastErrorAt = Date.now();
          saveStatus();
          if (Date.now() - lastRetryPrint >= 1000) {
            lastRetryPrint = Date.now();
            console.log(`  쓰기 실패 (${error}): 같은 프로듀서로 같은 번호(${seqs[0]}~${seqs.at(-1)})를 다시 보냅니다`);
          }
        },
      });
    } catch (error) {
      if (!(error instanceof ProducerFatalError)) break; // stopping: the batch was never acknowledged
      const recovered = await recover(error, partition, seqs, messages);
      if (!recovered) break;
      stored = recovered;
    }
    batchIndex++;
    appendFileSync(ackedPath, `${stored.join('\n')}\n`);
    nextSeq += batchSize;
    status.acked += stored.length;
    status.lastAckAt = Date.now();
    saveStatus();
    if (Date.now() - lastPrint >= 1000) {
      lastPrint = Date.now();
      const since = status.lastAckAt ? `${((Date.now() - status.lastAckAt) / 1000).toFixed(1)}초 전` : '없음';
      console.log(`acked=${status.acked}  실패한 시도=${status.failedAttempts}  마지막 ack=${since}${status.lastError ? `  마지막 오류=${status.lastError}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

async function shutdown() {
  if (!running) return;
  running = false;
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

try {
  await prepareTopic();
  await producer.connect();
  console.log(`장부 프로듀서 시작 (run ${runId.slice(0, 8)}): ${values.topic}에 ${intervalMs}ms마다 ${batchSize}건씩, acks=all. 끝내려면 Ctrl-C.`);
  await loop();
} catch (error) {
  status.lastError = describeKafkaError(error);
  console.error(`장부 프로듀서 오류: ${status.lastError}`);
} finally {
  await producer.disconnect().catch(() => undefined);
  status.final = true;
  saveStatus();
  console.log(`\n종료: acked=${status.acked}, 실패한 시도=${status.failedAttempts}, producer id ${status.producerIds}개. 확인된 번호는 ${ackedPath}에 있습니다.`);
}
