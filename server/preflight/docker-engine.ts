// Is the Docker engine reachable? Everything else in the course (compose, the
// containers, every lab check) needs it, so the fix must say how to start it on each OS.
import { DockerSession, type EngineFacts } from './docker-session.ts';

/** What this probe needs from a session; tests pass a fake. */
export type EngineSource = Pick<DockerSession, 'engine' | 'timeoutMs'>;
import type { ProbeResult } from './types.ts';

export const START_DOCKER_FIX = 'Docker Desktop을 실행하세요 (Linux: sudo systemctl start docker 또는 sudo dockerd &)';

const TITLE = 'Docker 엔진';

function unreachableDetail(facts: Extract<EngineFacts, { reachable: false }>, timeoutMs: number): string {
  switch (facts.errorCode) {
    case 'ENOENT':
      return `Docker 소켓이 없습니다 (${facts.endpoint}): 엔진이 실행 중이 아닙니다`;
    case 'ECONNREFUSED':
      return `Docker 엔진이 연결을 거부했습니다 (${facts.endpoint}): 엔진이 실행 중이 아닙니다`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return `Docker 엔진이 ${(timeoutMs / 1000).toFixed(1)}초 안에 응답하지 않았습니다 (${facts.endpoint})`;
    case 'EACCES':
      return `Docker 소켓에 접근할 권한이 없습니다 (${facts.endpoint})`;
    case 'EINVAL':
      return `DOCKER_HOST 값이 올바르지 않습니다: ${facts.message}`;
    default:
      return `Docker 엔진에 연결하지 못했습니다 (${facts.endpoint}): ${facts.message}`;
  }
}

function unreachableFix(facts: Extract<EngineFacts, { reachable: false }>): string {
  if (facts.errorCode === 'EACCES') {
    return 'sudo usermod -aG docker $USER 를 실행한 뒤 로그아웃했다가 다시 로그인하세요';
  }
  if (facts.errorCode === 'EINVAL') return 'DOCKER_HOST를 지우거나 unix:///var/run/docker.sock 형태로 고치세요';
  if (process.env['DOCKER_HOST']) return `${START_DOCKER_FIX}. DOCKER_HOST=${process.env['DOCKER_HOST']} 가 맞는 주소인지도 확인하세요`;
  return START_DOCKER_FIX;
}

export async function probeDockerEngine(session: EngineSource = new DockerSession()): Promise<ProbeResult> {
  const facts = await session.engine();
  if (!facts.reachable) {
    return { id: 'docker-engine', title: TITLE, status: 'fail', detail: unreachableDetail(facts, session.timeoutMs), fix: unreachableFix(facts) };
  }
  const flavour = facts.operatingSystem ? `, ${facts.operatingSystem}` : '';
  return {
    id: 'docker-engine',
    title: TITLE,
    status: 'pass',
    detail: `Docker ${facts.version} (API ${facts.apiVersion}, ${facts.platform}${flavour})`,
  };
}
