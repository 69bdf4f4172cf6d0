// Failover lab client: sends numbered records to the `ledger` topic with acks=all, one small
// batch at a time, and appends a record's number to the ledger only after the cluster
// acknowledged it. A failed batch is retried with the same numbers, so the verify step can
// count exactly: acknowledged but missing = lost, seen twice = duplicated.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { DEFAULT_BROKERS, STATE_DIR, describeKafkaError, ensureTopic, kafkaClient, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    topic: { type: 'string', default: 'ledger' },
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

const kafka = kafkaClient('ledger-producer', DEFAULT_BROKERS, 5000);
const admin = kafka.admin();
// Short retries so an outage shows up as errors within seconds instead of one long stall.
const newProducer = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1000 } });
let producer = newProducer();
/**
 * After several failures in a row the idempotent producer's sequence numbers may no longer
 * match the broker's (seen here: writes never resumed after both brokers came back), so we
 * start a fresh producer, which gets a new producer id. A batch that was in fact stored and
 * is sent again then shows up as "duplicated" in the verify step, never as lost.
 */
const RECREATE_AFTER_FAILURES = 5;
let failuresInARow = 0;

const status = {
  runId, topic: values.topic, acked: 0, failedAttempts: 0,
  lastError: null as string | null, lastErrorAt: null as number | null, lastAckAt: null as number | null,
  startedAt: Date.now(), final: false,
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

async function loop() {
  let lastPrint = 0;
  while (running) {
    const seqs = Array.from({ length: batchSize }, (_, i) => nextSeq + i);
    // One partition per send(), taking turns. kafkajs 2.2.4 loses records when one send()
    // spans partitions on several brokers and a leader moves mid-send: its retry skips any
    // broker that already answered, even if the moved partition now lives there. This very
    // lab caught it (acked records missing, no offset gap); with one partition per request
    // the retry always goes to the new leader.
    const partition = batchIndex % partitionCount;
    try {
      await producer.send({
        topic: values.topic,
        acks: -1,
        messages: seqs.map((seq) => ({ partition, key: String(seq), value: JSON.stringify({ runId, seq, at: Date.now() }) })),
      });
      batchIndex++;
      appendFileSync(ackedPath, `${seqs.join('\n')}\n`);
      failuresInARow = 0;
      nextSeq += batchSize;
      status.acked += batchSize;
      status.lastAckAt = Date.now();
    } catch (error) {
      status.failedAttempts++;
      status.lastError = describeKafkaError(error);
      status.lastErrorAt = Date.now();
      console.log(`  쓰기 실패 (${status.lastError}): 같은 번호(${seqs[0]}~${seqs.at(-1)})를 다시 보냅니다`);
      if (++failuresInARow >= RECREATE_AFTER_FAILURES) {
        failuresInARow = 0;
        console.log('  실패가 이어져 프로듀서를 새로 만듭니다 (새 producer id)');
        await producer.disconnect().catch(() => undefined);
        producer = newProducer();
        await producer.connect().catch(() => undefined);
      }
    }
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
  console.log(`\n종료: acked=${status.acked}, 실패한 시도=${status.failedAttempts}. 확인된 번호는 ${ackedPath}에 있습니다.`);
}
