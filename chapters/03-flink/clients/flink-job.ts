// Small command-line tool over the Flink REST API for chapter 3's labs and tests:
//   node chapters/03-flink/clients/flink-job.ts status [NAME]        jobs, states, last checkpoint
//   node chapters/03-flink/clients/flink-job.ts savepoint NAME       stop NAME with a savepoint (no drain)
//   node chapters/03-flink/clients/flink-job.ts cancel NAME          cancel NAME (no savepoint)
//   node chapters/03-flink/clients/flink-job.ts running NAME         exit 0 if a live job has NAME, 1 if none
//   node chapters/03-flink/clients/flink-job.ts savepoint-path NAME  print the path `savepoint NAME` kept
// `running` keeps lab solutions idempotent: `flink-job.ts running X || <submit X>` never starts a
// second job writing the same topic when catch-up runs twice.
// `savepoint` prints the path and keeps it in .lab-state/flink/savepoint-NAME.txt, so the next
// command can resume from it without copying the path by hand:
//   FLINK_PROPERTIES="execution.state-recovery.path: $(cat .lab-state/flink/savepoint-upbit-candles-1m.txt)"
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { STATE_DIR } from '../../02-kafka/clients/common.ts';
import { FlinkRest } from '../flink-rest.ts';

const [command = 'status', name] = process.argv.slice(2);
const rest = new FlinkRest({ timeoutMs: 10_000 });
/** Where `savepoint NAME` keeps the path (checks/savepoint.ts reads the same place under its stateDir). */
const savepointFile = (jobName: string, stateDir = STATE_DIR) => join(stateDir, 'flink', `savepoint-${jobName}.txt`);
const ago = (ms: number) => `${Math.round((Date.now() - ms) / 1000)}초 전`;

async function requireJob(jobName: string | undefined) {
  if (!jobName) throw new Error('잡 이름을 주세요 (예: upbit-candles-1m)');
  const job = await rest.findJob(jobName);
  if (!job || job.state !== 'RUNNING') throw new Error(`실행 중인 '${jobName}' 잡이 없습니다 (${job ? job.state : '없음'}). status로 목록을 보세요.`);
  return job;
}

try {
  if (command === 'status') {
    const jobs = (await rest.jobs()).filter((j) => !name || j.name === name);
    if (jobs.length === 0) console.log(name ? `'${name}' 잡이 없습니다.` : '잡이 없습니다.');
    for (const job of jobs.sort((a, b) => b['start-time'] - a['start-time'])) {
      let checkpoint = '';
      if (job.state === 'RUNNING') {
        const cps = await rest.checkpoints(job.jid);
        const last = cps.latest.completed;
        checkpoint = last ? `  체크포인트 #${last.id} ${ago(last.latest_ack_timestamp)}, ${last.end_to_end_duration} ms, ${(last.state_size / 1024).toFixed(1)} KB (완료 ${cps.counts.completed}, 실패 ${cps.counts.failed}, 복구 ${cps.counts.restored})` : '  체크포인트 아직 없음';
      }
      console.log(`${job.jid}  ${job.state.padEnd(10)} ${job.name}${checkpoint}`);
    }
  } else if (command === 'savepoint') {
    const job = await requireJob(name);
    console.log(`${job.name} (${job.jid})를 세이브포인트를 남기고 멈춥니다...`);
    const trigger = await rest.stopWithSavepoint(job.jid);
    const path = await rest.awaitSavepoint(job.jid, trigger, 120_000);
    mkdirSync(join(STATE_DIR, 'flink'), { recursive: true });
    writeFileSync(savepointFile(job.name), `${path}\n`);
    console.log(`세이브포인트: ${path}`);
  } else if (command === 'savepoint-path') {
    if (!name) throw new Error('잡 이름을 주세요 (예: upbit-candles-1m)');
    let path = '';
    try { path = readFileSync(savepointFile(name), 'utf8').trim(); } catch { /* reported below */ }
    // Printed on stdout for $(...); a missing path must fail loudly, never resume from nothing.
    if (!path) throw new Error(`'${name}'의 세이브포인트 기록(${savepointFile(name)})이 없습니다. 먼저 flink-job.ts savepoint ${name} 으로 멈추세요.`);
    console.log(path);
  } else if (command === 'running') {
    if (!name) throw new Error('잡 이름을 주세요 (예: upbit-candles-1m)');
    const job = await rest.findJob(name);
    const alive = job !== undefined && !['FAILED', 'CANCELED', 'FINISHED'].includes(job.state);
    console.log(alive ? `'${name}' 잡이 이미 있습니다 (${job.state}, ${job.jid}).` : `'${name}' 잡이 돌고 있지 않습니다.`);
    process.exitCode = alive ? 0 : 1;
  } else if (command === 'cancel') {
    const job = await requireJob(name);
    await rest.cancel(job.jid);
    console.log(`${job.name} (${job.jid}) 취소를 요청했습니다.`);
  } else {
    console.error('사용법: flink-job.ts status [이름] | savepoint 이름 | savepoint-path 이름 | cancel 이름 | running 이름');
    process.exitCode = 2;
  }
} catch (error) {
  const message = (error as Error).message;
  console.error(/fetch failed|ECONNREFUSED|aborted|timeout/i.test(message)
    ? `Flink JobManager(${rest.base})에 연결할 수 없습니다. compose/에서 docker compose up -d jobmanager taskmanager 로 클러스터를 올리세요.`
    : message);
  process.exitCode = 1;
}
