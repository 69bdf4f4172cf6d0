// `npm stop`: asks the running lab server (found through .lab-state/server.json) to shut down
// cleanly, the same as Ctrl-C in its terminal. It signals only a process whose start time and
// command line match the record (server-record.ts): a stale file whose pid now belongs to
// another program is removed, and that program is left alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './paths.ts';
import { readServerRecord, recordState, removeServerRecord } from './server-record.ts';

/** How long a clean shutdown (terminals, their programs) may take before we give up waiting. */
const STOP_WAIT_MS = 10_000;
const POLL_MS = 100;

const pidFile = join(STATE_DIR, 'server.json');
if (!existsSync(pidFile)) {
  console.log('실행 중인 실습 서버가 없습니다.');
  process.exit(0);
}
const record = readServerRecord(pidFile);
if (record === null) {
  removeServerRecord(pidFile);
  console.log(`${pidFile}은 알아볼 수 없는(또는 예전 형식의) 기록이라 지웠습니다. 아무 프로세스에도 신호를 보내지 않았습니다. 서버가 아직 떠 있다면 그 터미널에서 Ctrl-C로 끄세요.`);
  process.exit(0);
}
const state = recordState(record);
if (state !== 'running') {
  removeServerRecord(pidFile);
  console.log(
    state === 'gone'
      ? '실습 서버가 이미 꺼져 있습니다. 남은 기록 파일을 지웠습니다.'
      : `기록된 pid ${record.pid}는 이제 다른 프로그램의 것이라(시작 시각이나 명령이 다릅니다) 신호를 보내지 않고 오래된 기록 파일만 지웠습니다.`,
  );
  process.exit(0);
}
process.kill(record.pid, 'SIGTERM');
const deadline = Date.now() + STOP_WAIT_MS;
const stillRunning = () => recordState(record) === 'running';
while (stillRunning() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
if (stillRunning()) {
  console.log(`실습 서버(pid ${record.pid})가 ${STOP_WAIT_MS / 1000}초 안에 끝나지 않았습니다. kill ${record.pid}로 직접 끄세요.`);
  process.exit(1);
}
removeServerRecord(pidFile);
console.log('실습 서버를 껐습니다.');
