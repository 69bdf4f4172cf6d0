// Lab client: sends N simulated Upbit ticker records with acks=all from one idempotent producer
// (kept through errors, so a retried batch is never stored twice), keyed by market so each
// market's prices stay in order within one partition. Writes a report
// (.lab-state/producer-report.json) that the lab's check compares with the topic's offsets.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BROKERS, STATE_DIR, STEADY_REQUEST_TIMEOUT_MS, describeKafkaError, kafkaClient, sendSteadily, steadyProducer, won, writeJson } from './common.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    topic: { type: 'string', default: 'upbit-ticker' },
    bootstrap: { type: 'string', default: DEFAULT_BROKERS.join(',') },
    'timeout-ms': { type: 'string', default: '30000' },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
  console.error('--count는 1에서 1,000,000 사이의 정수여야 합니다.');
  process.exit(2);
}
const brokers = values.bootstrap.split(',').map((b) => b.trim()).filter(Boolean);
const reportPath = join(STATE_DIR, 'producer-report.json');

const markets = [
  { symbol: 'KRW-BTC', price: 143_250_000, tick: 1000 },
  { symbol: 'KRW-ETH', price: 5_120_000, tick: 1000 },
  { symbol: 'KRW-XRP', price: 3_125, tick: 1 },
  { symbol: 'KRW-SOL', price: 289_400, tick: 50 },
];

function nextTicker(i: number) {
  const market = markets[i % markets.length]!;
  market.price += Math.round((Math.random() - 0.5) * 10) * market.tick;
  return { symbol: market.symbol, price: market.price, timestamp: new Date().toISOString() };
}

const producer = steadyProducer(kafkaClient('ticker-producer', brokers, STEADY_REQUEST_TIMEOUT_MS));
const started = Date.now();
const lastOffsets: Record<string, number> = {};
let acked = 0;
let lastRetryError: string | null = null;
let lastRetryPrint = 0;
const deadline = setTimeout(() => {
  fail(new Error(`${values['timeout-ms']}ms 안에 끝나지 않았습니다${lastRetryError ? ` (마지막 오류: ${lastRetryError})` : ''}`));
}, Number(values['timeout-ms']));

function fail(error: unknown): never {
  const reason = describeKafkaError(error);
  writeJson(reportPath, { at: Date.now(), topic: values.topic, brokers, requested: count, acked, lastOffsets, error: reason });
  console.error(`\n전송 실패: ${reason}`);
  if (/ENOTFOUND|getaddrinfo/.test(reason)) {
    console.error('브로커가 알려 준 주소를 이 컴퓨터에서 찾을 수 없습니다. KAFKA_ADVERTISED_LISTENERS의 EXTERNAL 주소를 확인하세요.');
  }
  process.exit(1);
}

try {
  console.log(`${brokers.join(', ')}에 연결합니다 (acks=all, 멱등 프로듀서)`);
  await producer.connect();
  for (let sent = 0; sent < count; sent += 50) {
    const batch = Array.from({ length: Math.min(50, count - sent) }, (_, j) => nextTicker(sent + j));
    // One market per send(): a market's key maps to one partition, so each request goes to a
    // single leader. kafkajs 2.2.4 can drop records when one send() spans several brokers and a
    // leader moves mid-send (its retry skips brokers that already answered): see the failover lab.
    const results = [];
    for (const symbol of new Set(batch.map((ticker) => ticker.symbol))) {
      results.push(...await sendSteadily(producer, {
        topic: values.topic,
        messages: batch.filter((ticker) => ticker.symbol === symbol).map((ticker) => ({ key: ticker.symbol, value: JSON.stringify(ticker) })),
      }, {
        onRetry: (error) => {
          lastRetryError = error;
          if (Date.now() - lastRetryPrint < 1000) return;
          lastRetryPrint = Date.now();
          console.log(`  쓰기 실패 (${error}): 같은 프로듀서로 다시 보냅니다`);
        },
      }));
    }
    acked += batch.length;
    // The broker returns where each partition's part of the batch begins; the check later
    // confirms the topic really holds data at and beyond these offsets.
    for (const result of results) {
      const partition = String(result.partition);
      lastOffsets[partition] = Math.max(lastOffsets[partition] ?? -1, Number(result.baseOffset));
    }
    const sample = batch[batch.length - 1]!;
    console.log(`  ${String(acked).padStart(6)}건 확인됨  (마지막: ${sample.symbol} ${won(sample.price)})`);
  }
  await producer.disconnect();
  clearTimeout(deadline);
  const elapsed = Date.now() - started;
  writeJson(reportPath, { at: Date.now(), topic: values.topic, brokers, requested: count, acked, lastOffsets, elapsedMs: elapsed });
  console.log(`완료: ${acked}건을 ${(elapsed / 1000).toFixed(1)}초에 보냈습니다. 파티션별 마지막 배치의 시작 오프셋: ${JSON.stringify(lastOffsets)}`);
} catch (error) {
  await producer.disconnect().catch(() => undefined);
  fail(error);
}
