// Probe 7: are the container names kafka-1..3 free? compose uses fixed container_name
// values, so a leftover `kafka-1` from another tutorial makes `docker compose up` fail with
// a name conflict. Containers from our own compose project are fine (the cluster exists).
import { DockerSession } from './docker-session.ts';
import { withDeadline } from './exec.ts';
import { COMPOSE_PROJECT, KAFKA_CONTAINERS, type ProbeResult } from './types.ts';

const TITLE = '컨테이너 이름 kafka-1~3';

export async function probeContainers(session: Pick<DockerSession, 'containers' | 'timeoutMs'> = new DockerSession()): Promise<ProbeResult> {
  const containers = await withDeadline(session.containers(), session.timeoutMs + 500, () => null);
  if (containers === null) {
    return {
      id: 'containers', title: TITLE, status: 'warn',
      detail: 'Docker 엔진에 물어보지 못해 확인하지 못했습니다',
      fix: 'Docker 엔진 문제를 먼저 해결한 뒤 npm run doctor를 다시 실행하세요',
    };
  }
  const wanted: readonly string[] = KAFKA_CONTAINERS;
  const present = containers.filter((container) => wanted.includes(container.name)).sort((a, b) => a.name.localeCompare(b.name));
  const strangers = present.filter((container) => container.project !== COMPOSE_PROJECT);
  if (strangers.length > 0) {
    const described = strangers.map((container) => `${container.name}(${container.project ? `compose 프로젝트 ${container.project}` : 'compose 밖에서 만든 컨테이너'}, ${container.state})`);
    const names = strangers.map((container) => container.name);
    return {
      id: 'containers', title: TITLE, status: 'fail',
      detail: `다른 컨테이너가 이름을 쓰고 있습니다: ${described.join(', ')}`,
      fix: `필요 없으면 docker rm -f ${names.join(' ')}, 남겨야 하면 docker rename ${names[0]} ${names[0]}-old 처럼 이름을 바꾸세요`,
    };
  }
  if (present.length === 0) return { id: 'containers', title: TITLE, status: 'pass', detail: '비어 있습니다' };
  const states = present.map((container) => `${container.name} ${container.state}`).join(', ');
  return { id: 'containers', title: TITLE, status: 'pass', detail: `실습 클러스터(${COMPOSE_PROJECT})의 컨테이너입니다: ${states}` };
}
