// Runs every preflight probe concurrently, each under its own deadline, and collects one
// report. Shared by `npm run doctor`, the lab server's start-up and the test runner, which
// can ask for a subset (`only`) instead of the whole list.
import { probeBrokerExits } from './broker-exits.ts';
import { probeComposeV2 } from './compose.ts';
import { probeContainers } from './containers.ts';
import { probeDockerEngine } from './docker-engine.ts';
import { DEFAULT_DOCKER_TIMEOUT_MS, DockerSession } from './docker-session.ts';
import { withDeadline } from './exec.ts';
import { probeKafkaImage } from './kafka-image.ts';
import { probeNodeVersion } from './node-version.ts';
import { probePort } from './ports.ts';
import { probeResources } from './resources.ts';
import {
  DEFAULT_LAB_PORT, KAFKA_CONTAINERS, KAFKA_EXTERNAL_PORTS, KAFKA_UI_PORT,
  type PreflightReport, type ProbeId, type ProbeResult,
} from './types.ts';

export const ALL_PROBES: readonly ProbeId[] = ['docker-engine', 'compose-v2', 'kafka-image', 'ports', 'resources', 'node', 'containers', 'brokers'];

export type PreflightOptions = {
  /** Probes to run, in report order; default all. */
  only?: readonly ProbeId[];
  /** The lab server's port; default LAB_PORT or 4800. */
  labPort?: number;
  /** Per Docker API call. */
  dockerTimeoutMs?: number;
  /** Per probe, a backstop above the probes' own timeouts. */
  probeTimeoutMs?: number;
  /** Folder with docker-compose.yml and .env; default the repository's compose/. */
  composeDir?: string;
};

/** LAB_PORT from the environment, falling back to the default on anything not a TCP port. */
export function labPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const parsed = Number.parseInt(env['LAB_PORT'] ?? '', 10);
  return Number.isInteger(parsed) && parsed > 0 && parsed < 65536 ? parsed : DEFAULT_LAB_PORT;
}

type PlannedProbe = { id: string; title: string; run: () => Promise<ProbeResult> };

function planProbes(options: PreflightOptions, session: DockerSession): PlannedProbe[] {
  const wanted = new Set(options.only ?? ALL_PROBES);
  const labPort = options.labPort ?? labPortFromEnv();
  const imageOptions = options.composeDir === undefined ? {} : { composeDir: options.composeDir };
  const plan: PlannedProbe[] = [];
  for (const id of ALL_PROBES) {
    if (!wanted.has(id)) continue;
    switch (id) {
      case 'docker-engine':
        plan.push({ id, title: 'Docker 엔진', run: () => probeDockerEngine(session) });
        break;
      case 'compose-v2':
        plan.push({ id, title: 'Docker Compose v2', run: () => probeComposeV2() });
        break;
      case 'kafka-image':
        plan.push({ id, title: 'Kafka 이미지', run: () => probeKafkaImage(session, imageOptions) });
        break;
      case 'ports':
        KAFKA_EXTERNAL_PORTS.forEach((port, index) => {
          const purpose = `Kafka EXTERNAL, ${KAFKA_CONTAINERS[index] ?? 'kafka'}`;
          plan.push({ id: `ports:${port}`, title: `포트 ${port}`, run: () => probePort(port, { allowOwnCluster: true, purpose, session }) });
        });
        plan.push({
          id: `ports:${KAFKA_UI_PORT}`, title: `포트 ${KAFKA_UI_PORT}`,
          run: () => probePort(KAFKA_UI_PORT, { allowOwnCluster: true, whenTaken: 'warn', purpose: 'Kafka UI, 선택', session }),
        });
        plan.push({
          id: `ports:${labPort}`, title: `포트 ${labPort}`,
          run: () => probePort(labPort, { purpose: '실습 서버 LAB_PORT', isLabServerPort: true, session }),
        });
        break;
      case 'resources':
        plan.push({ id, title: 'CPU와 메모리', run: () => probeResources(session) });
        break;
      case 'node':
        plan.push({ id, title: 'Node.js', run: () => Promise.resolve(probeNodeVersion()) });
        break;
      case 'containers':
        plan.push({ id, title: '컨테이너 이름 kafka-1~3', run: () => probeContainers(session) });
        break;
      case 'brokers':
        plan.push({ id, title: '멈춘 브로커', run: () => probeBrokerExits(session) });
        break;
    }
  }
  return plan;
}

async function runGuarded(probe: PlannedProbe, timeoutMs: number): Promise<ProbeResult> {
  const timedOut = (): ProbeResult => ({
    id: probe.id, title: probe.title, status: 'fail',
    detail: `${(timeoutMs / 1000).toFixed(0)}초 안에 점검이 끝나지 않았습니다`,
    fix: 'Docker Desktop이 완전히 시작됐는지 확인한 뒤 npm run doctor를 다시 실행하세요',
  });
  try {
    return await withDeadline(probe.run(), timeoutMs, timedOut);
  } catch (error) {
    // A probe bug must not hide the other findings; report it as this probe's failure.
    return {
      id: probe.id, title: probe.title, status: 'fail',
      detail: `점검 중 예기치 않은 오류: ${error instanceof Error ? error.message : String(error)}`,
      fix: '이 출력 전체를 강사에게 보여 주세요',
    };
  }
}

export async function runPreflight(options: PreflightOptions = {}): Promise<PreflightReport> {
  const started = performance.now();
  const dockerTimeoutMs = options.dockerTimeoutMs ?? DEFAULT_DOCKER_TIMEOUT_MS;
  const probeTimeoutMs = options.probeTimeoutMs ?? dockerTimeoutMs * 2 + 3000;
  const session = new DockerSession(dockerTimeoutMs);
  const results = await Promise.all(planProbes(options, session).map((probe) => runGuarded(probe, probeTimeoutMs)));
  return {
    ok: results.every((result) => result.status !== 'fail'),
    results,
    durationMs: Math.round(performance.now() - started),
  };
}
