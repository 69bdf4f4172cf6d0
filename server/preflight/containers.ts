// Are the course's container names free? compose uses fixed container_name values, so a
// leftover `kafka-1` (or `jobmanager`) from another tutorial makes `docker compose up` fail
// with a name conflict. Containers from our own compose project are fine (already ours).
import { DockerSession } from './docker-session.ts';
import { withDeadline } from './exec.ts';
import type { ProbeResult } from './types.ts';

/** `kafka-1~3` for a numbered run, the names themselves otherwise. */
export function containersTitle(names: readonly string[]): string {
  const numbered = /^(.*?)(\d+)$/;
  const groups: string[] = [];
  for (const name of names) {
    const match = numbered.exec(name);
    const last = groups.at(-1);
    const lastMatch = last === undefined ? null : /^(.*?)(\d+)(?:~(\d+))?$/.exec(last);
    if (match && lastMatch && lastMatch[1] === match[1] && Number(lastMatch[3] ?? lastMatch[2]) + 1 === Number(match[2])) {
      groups[groups.length - 1] = `${lastMatch[1]}${lastMatch[2]}~${match[2]}`;
    } else groups.push(name);
  }
  return `컨테이너 이름 ${groups.join(', ')}`;
}

export async function probeContainers(
  wanted: readonly string[],
  project: string,
  session: Pick<DockerSession, 'containers' | 'timeoutMs'> = new DockerSession(),
): Promise<ProbeResult> {
  const title = containersTitle(wanted);
  const containers = await withDeadline(session.containers(), session.timeoutMs + 500, () => null);
  if (containers === null) {
    return {
      id: 'containers', title, status: 'warn',
      detail: 'Docker 엔진에 물어보지 못해 확인하지 못했습니다',
      fix: 'Docker 엔진 문제를 먼저 해결한 뒤 npm run doctor를 다시 실행하세요',
    };
  }
  const present = containers.filter((container) => wanted.includes(container.name)).sort((a, b) => a.name.localeCompare(b.name));
  const strangers = present.filter((container) => container.project !== project);
  if (strangers.length > 0) {
    const described = strangers.map((container) => `${container.name}(${container.project ? `compose 프로젝트 ${container.project}` : 'compose 밖에서 만든 컨테이너'}, ${container.state})`);
    const names = strangers.map((container) => container.name);
    return {
      id: 'containers', title, status: 'fail',
      detail: `다른 컨테이너가 이름을 쓰고 있습니다: ${described.join(', ')}`,
      fix: `필요 없으면 docker rm -f ${names.join(' ')}, 남겨야 하면 docker rename ${names[0]} ${names[0]}-old 처럼 이름을 바꾸세요`,
    };
  }
  if (present.length === 0) return { id: 'containers', title, status: 'pass', detail: '비어 있습니다' };
  const states = present.map((container) => `${container.name} ${container.state}`).join(', ');
  return { id: 'containers', title, status: 'pass', detail: `실습 클러스터(${project})의 컨테이너입니다: ${states}` };
}
