// Lab client: reads upbit-ticker as a member of a consumer group and prints each record with
// its partition and offset. Offsets are committed as batches finish, so
// kafka-consumer-groups --describe shows the lag shrink to 0. Ctrl-C leaves the group cleanly,
// which is what lets the remaining members rebalance at once.
import { parseArgs } from 'node:util';
import { DEFAULT_BROKERS, describeKafkaError, kafkaClient, won } from './common.ts';

const { values } = parseArgs({
  options: {
    group: { type: 'string', default: 'ticker-readers' },
    topic: { type: 'string', default: 'upbit-ticker' },
    bootstrap: { type: 'string', default: DEFAULT_BROKERS.join(',') },
    quiet: { type: 'boolean', default: false },
  },
});

const consumer = kafkaClient(`ticker-consumer-${process.pid}`, values.bootstrap.split(',')).consumer({ groupId: values.group });
let received = 0;
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await consumer.disconnect().catch(() => undefined);
  console.log(`\n종료: ${received}건을 읽었고 그룹 ${values.group}에서 나왔습니다.`);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  const mine = payload.memberAssignment[values.topic] ?? [];
  console.log(`그룹 ${values.group}에 합류: 이 컨슈머가 맡은 파티션 [${mine.join(', ')}]`);
});

try {
  await consumer.connect();
  await consumer.subscribe({ topic: values.topic, fromBeginning: true });
  console.log(`읽기 시작: 토픽 ${values.topic}, 그룹 ${values.group}. 끝내려면 Ctrl-C.`);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received++;
      if (values.quiet) return;
      let text = message.value?.toString() ?? '';
      try {
        const ticker = JSON.parse(text) as { symbol?: string; price?: number };
        if (ticker.symbol && typeof ticker.price === 'number') text = `${ticker.symbol} ${won(ticker.price)}`;
      } catch {
        // Not JSON (e.g. a line typed into the console producer): print it as it is.
      }
      console.log(`p${partition} @${message.offset}  ${text}`);
    },
  });
} catch (error) {
  console.error(`컨슈머 오류: ${describeKafkaError(error)}`);
  await stop(1);
}
