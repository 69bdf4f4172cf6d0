// `npm stop`: asks the running lab server (found through .lab-state/server.json) to shut down
// cleanly, the same as Ctrl-C in its terminal.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from './paths.ts';

const pidFile = join(STATE_DIR, 'server.json');
if (!existsSync(pidFile)) {
  console.log('실행 중인 실습 서버가 없습니다.');
  process.exit(0);
}
const { pid } = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number };
const alive = () => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
if (!alive()) {
  rmSync(pidFile, { force: true });
  console.log('실습 서버가 이미 꺼져 있습니다.');
  process.exit(0);
}
process.kill(pid, 'SIGTERM');
const deadline = Date.now() + 10_000;
while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
console.log(alive() ? `실습 서버(pid ${pid})가 10초 안에 끝나지 않았습니다. kill ${pid}로 직접 끄세요.` : '실습 서버를 껐습니다.');
process.exit(alive() ? 1 : 0);
