// Enough CPU and memory for the course? The need is the sum of the containers' memory limits
// the manifests declare (every core service plus the largest tool); what counts is the
// Docker engine's own view (`docker info`), because on macOS/Windows the containers live in
// Docker Desktop's VM, which can be far smaller than the laptop.
import { availableParallelism, totalmem } from 'node:os';
import { DockerSession } from './docker-session.ts';
import type { ProbeResult, ProbeStatus } from './types.ts';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
export const CPU_WARN = 2;

/**
 * Below `fail` the containers cannot all fit (their limits plus a little for the engine);
 * below `warn` they fit but leave the learner's clients and the JVMs' off-heap no room. For
 * chapter 2 alone (3 × 512 MiB + a 256 MiB tool) these are the 2 and 4 GiB it always used.
 */
export function memoryThresholds(needMiB: number): { failBytes: number; warnBytes: number } {
  return { failBytes: (needMiB + 256) * MIB, warnBytes: (2 * needMiB + 512) * MIB };
}

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
export function assessResources(facts: ResourceFacts, needMiB: number, platform: NodeJS.Platform = process.platform): ProbeResult {
  const { failBytes, warnBytes } = memoryThresholds(needMiB);
  const need = formatGiB(needMiB * MIB);
  const memory = facts.engineMemBytes ?? facts.hostMemBytes;
  const cpus = facts.engineCpus ?? facts.hostCpus;
  const engineKnown = facts.engineMemBytes !== null || facts.engineCpus !== null;
  const host = `호스트 CPU ${facts.hostCpus}개, 메모리 ${formatGiB(facts.hostMemBytes)}`;
  const engine = engineKnown
    ? `Docker 엔진 CPU ${facts.engineCpus ?? '?'}개, 메모리 ${facts.engineMemBytes === null ? '?' : formatGiB(facts.engineMemBytes)}`
    : 'Docker 엔진 정보 없음(호스트 기준으로 판단)';
  const problems: string[] = [];
  let status: ProbeStatus = 'pass';
  if (memory < failBytes) {
    status = 'fail';
    problems.push(`코스의 컨테이너 메모리 한도 합계 ${need}에 메모리가 모자랍니다: 최소 ${formatGiB(failBytes)}, 권장 ${formatGiB(warnBytes)} 이상`);
  } else if (memory < warnBytes) {
    status = 'warn';
    problems.push(`메모리가 ${formatGiB(warnBytes)} 미만이라 코스의 컨테이너(한도 합계 ${need})와 클라이언트를 함께 돌리면 느려지거나 컨테이너가 종료될 수 있습니다`);
  }
  if (cpus < CPU_WARN) {
    if (status === 'pass') status = 'warn';
    problems.push('CPU가 1개뿐이라 클러스터 시작과 리더 선출이 느립니다');
  }
  const detail = [`${host}; ${engine}; 코스 전체 필요 ${need}`, ...problems].join('. ');
  if (status === 'pass') return { id: 'resources', title: 'CPU와 메모리', status, detail };
  const fix = platform === 'linux'
    ? `다른 프로그램과 컨테이너를 닫아 메모리를 확보하세요 (VM이라면 메모리 ${formatGiB(warnBytes)}, CPU 2개 이상으로 늘리세요)`
    : `Docker Desktop → Settings → Resources에서 메모리를 ${formatGiB(warnBytes)} 이상, CPU를 2개 이상으로 늘리고 Apply & restart를 누르세요`;
  return { id: 'resources', title: 'CPU와 메모리', status, detail, fix };
}

export async function probeResources(needMiB: number, session: Pick<DockerSession, 'engine'> = new DockerSession()): Promise<ProbeResult> {
  const engine = await session.engine();
  return assessResources({
    hostCpus: availableParallelism(),
    hostMemBytes: totalmem(),
    engineCpus: engine.reachable ? engine.cpus : null,
    engineMemBytes: engine.reachable ? engine.memTotalBytes : null,
  }, needMiB);
}
