// Are the host ports the course needs free? A taken 29092 makes `docker compose up` fail
// with a bind error halfway through starting the cluster, so doctor names the process (lsof,
// then ss) and says how to free the port. Which ports, and for what, the caller says (from
// the chapters' manifests); a port our own compose project publishes is not a conflict.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import { DockerSession } from './docker-session.ts';
import { runCommand, withDeadline } from './exec.ts';
import type { ProbeResult, ProbeStatus } from './types.ts';

/** The compose project whose containers may hold the course's ports (the course's own). */
export const OWN_PROJECT = 'upbit-pipeline';

const HELPER_TIMEOUT_MS = 2000;
/** Docker publishes on both; on macOS a 0.0.0.0 bind can succeed while 127.0.0.1 is taken. */
const BIND_HOSTS = ['127.0.0.1', '0.0.0.0'] as const;
/** Processes that publish container ports for Docker (Linux, Docker Desktop, rootless, lsof's 9-char cut). */
const DOCKER_PORT_PROCESS = /^(docker-proxy|docker-pr|dockerd|rootlesskit|com\.docker|com\.docke|vpnkit|Docker Desktop)/;

export type PortHolder = { command: string; pid: number; commandLine?: string };

export type PortCheck = { free: true } | { free: false; host: string; code: string };

function tryListen(host: string, port: number): Promise<{ ok: true } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const server = createServer();
    // The probe owns this server for one bind attempt; unref so it can never keep doctor alive.
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? 'UNKNOWN' }));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ ok: true })));
  });
}

/** Binds and releases the port on each address in turn; the first refusal decides. */
export async function checkPortFree(port: number): Promise<PortCheck> {
  for (const host of BIND_HOSTS) {
    const attempt = await tryListen(host, port);
    if (!attempt.ok) return { free: false, host, code: attempt.code };
  }
  return { free: true };
}

/** Parses `lsof -F pc` output: `p<pid>` starts a process, `c<command>` names it. */
export function parseLsofListeners(output: string): PortHolder[] {
  const holders: PortHolder[] = [];
  let pid: number | null = null;
  for (const line of output.split(/\r?\n/)) {
    if (line.startsWith('p')) {
      const parsed = Number.parseInt(line.slice(1), 10);
      pid = Number.isNaN(parsed) ? null : parsed;
    } else if (line.startsWith('c') && pid !== null) {
      const known = pid;
      if (!holders.some((holder) => holder.pid === known)) holders.push({ command: line.slice(1), pid: known });
    }
  }
  return holders;
}

/** Parses `ss -ltnp` output, keeping the listeners whose local port is `port`. */
export function parseSsListeners(output: string, port: number): PortHolder[] {
  const holders: PortHolder[] = [];
  for (const line of output.split(/\r?\n/)) {
    const columns = line.trim().split(/\s+/);
    if (columns[0] !== 'LISTEN') continue;
    const localPort = /:(\d+)$/.exec(columns[3] ?? '')?.[1];
    if (localPort !== String(port)) continue;
    for (const match of line.matchAll(/\("([^"]*)",pid=(\d+)/g)) {
      const holder = { command: match[1] ?? '', pid: Number.parseInt(match[2] ?? '', 10) };
      if (!holders.some((known) => known.pid === holder.pid)) holders.push(holder);
    }
  }
  return holders;
}

/** argv of a pid, or null when it has exited or is not ours to read. */
async function argvOf(pid: number): Promise<string[] | null> {
  if (process.platform === 'linux') {
    try {
      const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      const argv = raw.split('\0').filter((part) => part !== '');
      return argv.length > 0 ? argv : null;
    } catch {
      return null;
    }
  }
  // macOS has no /proc; `ps` joins argv with spaces, good enough to show and to search.
  const ps = await runCommand('ps', ['-o', 'args=', '-p', String(pid)], HELPER_TIMEOUT_MS);
  const line = ps.kind === 'ok' ? ps.stdout.trim() : '';
  return line === '' ? null : [line];
}

/**
 * Linux lsof and ss report the kernel's `comm`, which is the main thread's name: Node 24
 * renames it `MainThread`. argv[0] from /proc says `node`, which is what a person recognises.
 */
async function withCommandLine(holder: PortHolder): Promise<PortHolder> {
  const argv = await argvOf(holder.pid);
  if (argv === null) return holder;
  const commandLine = argv.join(' ');
  const command = process.platform === 'linux' && argv[0] ? basename(argv[0]) : holder.command;
  return { command, pid: holder.pid, commandLine };
}

/** Who listens on the port, from whichever of lsof / ss is installed and allowed to see it. */
export async function findPortHolders(port: number): Promise<PortHolder[]> {
  // `+c 0`: full command names (lsof cuts them to 9 characters by default: `docker-pr`).
  const lsof = await runCommand('lsof', ['+c', '0', '-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], HELPER_TIMEOUT_MS);
  let holders = lsof.kind === 'ok' ? parseLsofListeners(lsof.stdout) : [];
  if (holders.length === 0 && process.platform === 'linux') {
    const ss = await runCommand('ss', ['-ltnp'], HELPER_TIMEOUT_MS);
    holders = ss.kind === 'ok' ? parseSsListeners(ss.stdout, port) : [];
  }
  return Promise.all(holders.map(withCommandLine));
}

export function isDockerPortProcess(command: string): boolean {
  return DOCKER_PORT_PROCESS.test(command);
}

export function describeHolders(holders: readonly PortHolder[]): string {
  if (holders.length === 0) return '알 수 없는 프로세스';
  return holders.map((holder) => `${holder.command} (pid ${holder.pid})`).join(', ');
}

export type PortProbeOptions = {
  /** A port published by our compose project's containers counts as pass (cluster already up). */
  allowOwnCluster?: boolean;
  /** The course's compose project (default upbit-pipeline). */
  project?: string;
  /** Status when something else holds the port (Kafka UI's 8080 is only a warning). */
  whenTaken?: Exclude<ProbeStatus, 'pass'>;
  /** What the port is for, shown in the title (e.g. `Kafka EXTERNAL, kafka-1`). */
  purpose?: string;
  /** Set for the lab server's own port, to recognise an already running `npm start`. */
  isLabServerPort?: boolean;
  session?: Pick<DockerSession, 'containers' | 'timeoutMs'>;
};

export async function probePort(port: number, options: PortProbeOptions = {}): Promise<ProbeResult> {
  const id = `ports:${port}`;
  const title = options.purpose ? `포트 ${port} (${options.purpose})` : `포트 ${port}`;
  const whenTaken = options.whenTaken ?? 'fail';
  const check = await checkPortFree(port);
  if (check.free) return { id, title, status: 'pass', detail: '비어 있습니다' };
  const address = `${check.host}:${port}`;
  if (check.code === 'EACCES') {
    return { id, title, status: whenTaken, detail: `${address} 포트에 바인드할 권한이 없습니다`, fix: '보안 소프트웨어나 방화벽이 이 포트를 막고 있는지 확인하세요' };
  }

  const session = options.session ?? new DockerSession();
  const [holders, containers] = await Promise.all([
    findPortHolders(port),
    withDeadline(session.containers(), session.timeoutMs + 500, () => null),
  ]);
  const publishers = (containers ?? []).filter((container) => container.state === 'running' && container.publicPorts.includes(port));
  const ours = publishers.filter((container) => container.project === (options.project ?? OWN_PROJECT));
  if (ours.length > 0 && options.allowOwnCluster === true) {
    return { id, title, status: 'pass', detail: `이미 실습 클러스터가 쓰는 중 (${ours.map((container) => container.name).join(', ')})` };
  }

  const holderText = describeHolders(holders);
  if (publishers.length > 0) {
    const names = publishers.map((container) => container.name);
    const project = publishers[0]?.project;
    return {
      id, title, status: whenTaken,
      detail: `Docker 컨테이너가 이 포트를 쓰고 있습니다: ${names.join(', ')}${project ? ` (compose 프로젝트 ${project})` : ''}`,
      fix: `docker stop ${names.join(' ')} 으로 컨테이너를 멈추세요`,
    };
  }
  if (holders.length > 0 && holders.every((holder) => isDockerPortProcess(holder.command))) {
    // The container list was unavailable, but Docker itself holds the port for some container.
    return {
      id, title, status: whenTaken,
      detail: `Docker가 어떤 컨테이너를 위해 ${address} 포트를 열어 두었습니다: ${holderText}`,
      fix: `docker ps --filter publish=${port} 로 컨테이너를 찾아 docker stop <이름> 으로 멈추세요`,
    };
  }

  if (options.isLabServerPort === true) {
    for (const holder of holders) {
      if (holder.commandLine?.includes('server/main.ts') === true) {
        return {
          id, title, status: 'warn',
          detail: `실습 서버가 이미 실행 중입니다: ${holder.command} (pid ${holder.pid})`,
          fix: '그대로 브라우저에서 쓰거나, npm run stop 으로 멈춘 뒤 다시 시작하세요',
        };
      }
    }
  }

  const freeIt = holders.length > 0
    ? `다음 프로세스를 종료하세요: ${holderText} (kill ${holders.map((holder) => holder.pid).join(' ')})`
    : `sudo lsof -nP -iTCP:${port} -sTCP:LISTEN 으로 포트를 쓰는 프로세스를 찾아 종료하세요`;
  const fix = options.isLabServerPort === true ? `${freeIt}. 또는 LAB_PORT=${port + 1} npm start 처럼 다른 포트로 실습 서버를 여세요` : freeIt;
  return { id, title, status: whenTaken, detail: `${address} 포트를 이미 다른 프로세스가 쓰고 있습니다: ${holderText}`, fix };
}
