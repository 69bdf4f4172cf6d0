// Asks the JobManager whether a job of this name is alive, for idempotent lab solutions:
// `node flink-job.ts running upbit-candles-1m || <submit it>` submits only when none runs, so
// catching up twice never starts a second job writing the same topic.
// Exit 0: a live job (not FAILED/CANCELED/FINISHED) has that name; 1: none; 2: REST unreachable.
import { parseArgs } from 'node:util';
import { FlinkRest } from '../flink-rest.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { rest: { type: 'string', default: process.env['FLINK_REST'] ?? 'http://127.0.0.1:8081' } } });
const [command, name] = positionals;
if (command !== 'running' || !name) {
  console.error('사용법: node flink-job.ts running <잡 이름> [--rest http://127.0.0.1:8081]');
  process.exit(2);
}
try {
  const job = await new FlinkRest({ base: values.rest, timeoutMs: 10_000 }).findJob(name);
  const alive = job !== undefined && !['FAILED', 'CANCELED', 'FINISHED'].includes(job.state);
  console.log(alive ? `'${name}' 잡이 이미 있습니다 (${job.state}, ${job.jid}).` : `'${name}' 잡이 돌고 있지 않습니다.`);
  process.exitCode = alive ? 0 : 1;
} catch (error) {
  console.error(`Flink REST(${values.rest})에 접속할 수 없습니다: ${(error as Error).message}`);
  process.exitCode = 2;
}
