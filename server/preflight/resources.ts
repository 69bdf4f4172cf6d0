// Probe 5: enough CPU and memory for three brokers? Each broker container is capped at
// 512 MB (compose deploy.resources.limits); what counts is the Docker engine's own view
// (`docker info`), because on macOS/Windows the containers live in Docker Desktop's VM,
// which can be far smaller than the laptop.
import { availableParallelism, totalmem } from 'node:os';
import { DockerSession } from './docker-session.ts';
import type { ProbeResult, ProbeStatus } from './types.ts';

const GIB = 1024 ** 3;
export const MEMORY_WARN_BYTES = 4 * GIB;
export const MEMORY_FAIL_BYTES = 2 * GIB;
export const CPU_WARN = 2;

export type ResourceFacts = {
  hostCpus: number;
  hostMemBytes: number;
  engineCpus: number | null;
  engineMemBytes: number | null;
};

export function formatGiB(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)} GiB`;
}

/** Pure verdict so thresholds can be tested without a 2 GiB machine. */
export function assessResources(facts: ResourceFacts, platform: NodeJS.Platform = process.platform): ProbeResult {
  const memory = facts.engineMemBytes ?? facts.hostMemBytes;
  const cpus = facts.engineCpus ?? facts.hostCpus;
  const engineKnown = facts.engineMemBytes !== null || facts.engineCpus !== null;
  const host = `호스트 CPU ${facts.hostCpus}개, 메모리 ${formatGiB(facts.hostMemBytes)}`;
  const engine = engineKnown
    ? `Docker 엔진 CPU ${facts.engineCpus ?? '?'}개, 메모리 ${facts.engineMemBytes === null ? '?' : formatGiB(facts.engineMemBytes)}`
    : 'Docker 엔진 정보 없음(호스트 기준으로 판단)';
  const problems: string[] = [];
  let status: ProbeStatus = 'pass';
  if (memory < MEMORY_FAIL_BYTES) {
    status = 'fail';
    problems.push(`브로커 3개(각 512 MB 제한)에 메모리가 모자랍니다: 최소 2 GiB, 권장 4 GiB 이상`);
  } else if (memory < MEMORY_WARN_BYTES) {
    status = 'warn';
    problems.push('메모리가 4 GiB 미만이라 브로커 3개와 클라이언트를 함께 돌리면 느려지거나 컨테이너가 종료될 수 있습니다');
  }
  if (cpus < CPU_WARN) {
    if (status === 'pass') status = 'warn';
    problems.push('CPU가 1개뿐이라 클러스터 시작과 리더 선출이 느립니다');
  }
  const detail = [`${host}; ${engine}`, ...problems].join('. ');
  if (status === 'pass') return { id: 'resources', title: 'CPU와 메모리', status, detail };
  const fix = platform === 'linux'
    ? '다른 프로그램과 컨테이너를 닫아 메모리를 확보하세요 (VM이라면 메모리 4 GB, CPU 2개 이상으로 늘리세요)'
    : 'Docker Desktop → Settings → Resources에서 메모리를 4 GB 이상, CPU를 2개 이상으로 늘리고 Apply & restart를 누르세요';
  return { id: 'resources', title: 'CPU와 메모리', status, detail, fix };
}

export async function probeResources(session: Pick<DockerSession, 'engine'> = new DockerSession()): Promise<ProbeResult> {
  const engine = await session.engine();
  return assessResources({
    hostCpus: availableParallelism(),
    hostMemBytes: totalmem(),
    engineCpus: engine.reachable ? engine.cpus : null,
    engineMemBytes: engine.reachable ? engine.memTotalBytes : null,
  });
}
