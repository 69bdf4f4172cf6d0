// `npm start`: builds the site when it is missing or stale, opens the lab server on loopback
// and prints the one address (with its token) to open. Ctrl-C or `npm stop` shuts it down:
// every lab shell and whatever it started is killed; the containers stay up, as the chapters
// expect, until the learner runs `docker compose down`. A server that was killed outright
// (kill -9, a crash) could not do that, so every start first ends what the last one left
// (terminals/reap.ts). The wiring point: it loads the chapters and hands them to the
// course-agnostic core. With `--class <host:port> <code>` it also reports step states and
// doctor verdicts to the instructor's class server (outbound only).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDoor, type Door } from './door.ts';
import { SCRIPT_HASHES_FILE } from './door/csp.ts';
import { isLabError, LabError } from './errors.ts';
import { REPO_ROOT, SITE_DIR, STATE_DIR } from './paths.ts';
import { loadCourse, type LoadedCourse } from '../chapters/plugins.ts';
import { createLabRuntime, type LabRuntime } from './runtime.ts';
import { writeServerRecord } from './server-record.ts';
import { startSession } from './session.ts';
import { reapLeftoverShells } from './terminals/reap.ts';
import { ShellLedger } from './terminals/shell-ledger.ts';
import { withJosa } from './korean.ts';
import { parseClassArgs, type ClassArgs } from './class/args.ts';
import { ClassReporter } from './class/reporter.ts';
import { preflightCourse } from '../chapters/index.ts';
import { runPreflight } from './preflight/run.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** How long shells survive with no page attached (a reload reattaches well within this). */
const GRACE_MS = Number(process.env['LAB_GRACE_SEC'] ?? 300) * 1000;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Rebuilds dist/ when any input of the site is newer than the last build. */
export function ensureSiteBuilt(log: (line: string) => void = console.log): void {
  const stamp = join(SITE_DIR, 'index.html');
  // csp.ts writes the inline-script hashes at build time; a dist/ without them would run no inline script.
  const inputs = ['src', 'chapters', 'public', 'astro.config.mjs', 'server/door/csp.ts'].map((p) => newestMtime(join(REPO_ROOT, p)));
  const hashed = existsSync(join(SITE_DIR, SCRIPT_HASHES_FILE));
  if (hashed && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...inputs)) return;
  log('사이트를 빌드합니다 (처음 한 번, 또는 내용이 바뀌었을 때)...');
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new LabError('site-build-failed', '사이트 빌드가 실패했습니다. 위의 오류를 확인하세요.', { hint: 'npm run build로 따로 실행해 볼 수 있습니다.' });
}

function readPort(): number {
  const raw = process.env['LAB_PORT'] ?? '4800';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LabError('bad-port', `${withJosa(`LAB_PORT=${raw}`, '은/는')} 포트 번호가 아닙니다.`, { hint: 'LAB_PORT=4801 npm start처럼 1~65535 사이 숫자를 주세요.' });
  }
  return port;
}

function readHost(): string {
  const host = process.env['LAB_HOST'] ?? '127.0.0.1';
  if (!LOOPBACK.has(host) && process.env['LAB_ALLOW_REMOTE'] !== '1') {
    throw new LabError('remote-refused', `실습 서버는 명령을 실행하므로 이 컴퓨터(127.0.0.1)에서만 엽니다. ${withJosa(`LAB_HOST=${host}`, '은/는')} 거부했습니다.`, {
      hint: '정말 다른 기기에서 접속해야 한다면 그 위험을 이해한 뒤 LAB_ALLOW_REMOTE=1을 함께 주세요.',
    });
  }
  return host;
}

/**
 * Joins the instructor's class when asked: reports step changes and one doctor run, outbound
 * only. Returns what must be undone at shutdown (leaving the class), or null.
 */
function joinClass(args: ClassArgs, runtime: LabRuntime, course: LoadedCourse): () => Promise<void> {
  const reporter = new ClassReporter({ ...args, log: (line) => console.log(`[수업] ${line}`) });
  const stopStates = runtime.engine.onState((state) => reporter.step(state));
  reporter.start();
  // The doctor's verdicts (ids, titles, pass/warn/fail; not its details) tell the instructor who cannot start at all.
  void runPreflight({ course: preflightCourse(course.chapters, course.preflight), labPort: readPort() })
    .then((report) => reporter.doctor(report))
    .catch((error: unknown) => console.log(`[수업] 점검(doctor)을 보고하지 못했습니다: ${(error as Error).message}`));
  console.log(`[수업] ${args.server} 수업에 '${args.name}' 이름으로 참가합니다. 강사에게는 단계 상태, 실패 이유 한 줄, 점검 결과만 갑니다.`);
  return async () => {
    stopStates();
    await reporter.leave();
  };
}

async function main(): Promise<void> {
  const port = readPort();
  const host = readHost();
  // Bad class options are refused before anything is built or bound.
  const classArgs = parseClassArgs(process.argv.slice(2));
  if (typeof classArgs === 'string') throw new LabError('bad-class-args', classArgs);
  if (process.env['LAB_SKIP_BUILD'] !== '1') ensureSiteBuilt();
  // Before any shell of ours exists, so only the previous server's can be found. A cleanup that
  // fails is reported, not fatal: the learner still gets a working server.
  await reapLeftoverShells(STATE_DIR).catch((error: unknown) => console.warn(`지난번 실습 서버가 남긴 셸을 정리하지 못했습니다 (${String(error)}). 그때 실습 터미널에서 돌던 프로그램이 남아 있을 수 있으니 ps -ef로 찾아 끄세요.`));
  // Owned here: main removes it after every terminal is disposed on a clean shutdown.
  const ledger = new ShellLedger(STATE_DIR);
  const course = await loadCourse();
  const runtime = createLabRuntime(course, { persistProgress: true, shellRecorder: ledger });
  let connected = 0;
  let graceTimer: NodeJS.Timeout | null = null;

  const door: Door = await startDoor({
    host,
    port,
    token: randomBytes(32).toString('base64url'),
    siteDir: SITE_DIR,
    ...(host === '127.0.0.1' || host === '::1' || host === 'localhost' ? {} : { extraHostNames: [host] }),
    status: () => ({
      labs: runtime.labs.map((lab) => lab.id),
      // Finished steps only: enough for the page's badges before its terminal code loads.
      progress: Object.fromEntries(runtime.engine.states()
        .filter((state) => state.status === 'passed' || state.status === 'failed')
        .map((state) => [`${state.lab}/${state.step}`, state.status])),
    }),
    log: (line) => console.log(line),
    onSocket(socket) {
      connected++;
      if (graceTimer) clearTimeout(graceTimer);
      graceTimer = null;
      startSession(socket, { engine: runtime.engine, pool: runtime.pool, panels: runtime.panels });
      socket.onClose(() => {
        connected--;
        if (connected > 0) return;
        graceTimer = setTimeout(() => {
          console.log(`${GRACE_MS / 1000}초 동안 열린 페이지가 없어 실습 터미널을 정리합니다.`);
          for (const lab of runtime.labs) void runtime.pool.disposeLab(lab.id);
        }, GRACE_MS);
        graceTimer.unref();
      });
    },
  }).catch(async (error: unknown) => {
    await runtime.dispose();
    ledger.close();
    throw error;
  });

  const leaveClass = classArgs === null ? null : joinClass(classArgs, runtime, course);

  const pidFile = join(STATE_DIR, 'server.json');
  // With its start time and command line, so `npm stop` never signals a process that merely reuses the pid.
  writeServerRecord(pidFile, { port: door.port, url: door.url });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      console.log('강제 종료합니다.');
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${signal}: 실습 서버를 끕니다 (터미널과 그 안의 프로그램을 정리합니다. 컨테이너는 그대로 둡니다)...`);
    if (graceTimer) clearTimeout(graceTimer);
    await leaveClass?.();
    await door.close();
    await runtime.dispose();
    ledger.close();
    rmSync(pidFile, { force: true });
    console.log('끝났습니다.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  console.log('');
  console.log('실습 서버가 준비되었습니다. 브라우저에서 이 주소를 여세요 (토큰이 들어 있으니 공유하지 마세요):');
  console.log('');
  console.log(`  ${door.openUrl}`);
  console.log('');
  console.log('끄려면 Ctrl-C 또는 다른 터미널에서 npm stop.');
}

main().catch((error: unknown) => {
  if (isLabError(error)) {
    console.error(`\n${error.message}`);
    if (error.hint) console.error(error.hint);
  } else {
    console.error(error);
  }
  process.exit(1);
});
