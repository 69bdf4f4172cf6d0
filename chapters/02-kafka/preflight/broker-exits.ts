// Chapter 2's doctor line '멈춘 브로커': when the course's cluster exists, did a broker stop
// because it ran out of memory? A broker that dies at start with java.lang.OutOfMemoryError
// shows only as "Exited (1)" in `docker compose ps`; its log tail says why (issue 20). Other
// stopped brokers are a warning (the failover lab stops one on purpose), never a failure.
// Kafka-specific, so it reaches doctor through the plug-in's `preflight`, not the core's list.
import type { ChapterPreflight } from '../../../server/course.ts';
import { DockerSession } from '../../../server/preflight/docker-session.ts';
import { withDeadline } from '../../../server/preflight/exec.ts';
import type { ProbeResult } from '../../../server/preflight/types.ts';
import { findOutOfMemory, outOfMemoryFix, summarizeOutOfMemory, type OutOfMemoryFinding } from '../checks/start-faults.ts';

const ID = 'brokers';
const TITLE = '멈춘 브로커';
const TAIL_LINES = 200;

export type BrokerExitsSession = Pick<DockerSession, 'containers' | 'logTail' | 'timeoutMs'>;

export async function probeBrokerExits(
  brokers: readonly string[],
  project: string,
  session: BrokerExitsSession = new DockerSession(),
): Promise<ProbeResult> {
  const containers = await withDeadline(session.containers(), session.timeoutMs + 500, () => null);
  if (containers === null) {
    return {
      id: ID, title: TITLE, status: 'warn',
      detail: 'Docker 엔진에 물어보지 못해 확인하지 못했습니다',
      fix: 'Docker 엔진 문제를 먼저 해결한 뒤 npm run doctor를 다시 실행하세요',
    };
  }
  const ours = containers.filter((c) => brokers.includes(c.name) && c.project === project).sort((a, b) => a.name.localeCompare(b.name));
  if (ours.length === 0) return { id: ID, title: TITLE, status: 'pass', detail: '실습 클러스터가 아직 없습니다' };
  const stopped = ours.filter((c) => c.state === 'exited' || c.state === 'dead');
  if (stopped.length === 0) return { id: ID, title: TITLE, status: 'pass', detail: `멈춘 브로커가 없습니다 (${ours.map((c) => `${c.name} ${c.state}`).join(', ')})` };
  const outOfMemory: Array<{ name: string; finding: OutOfMemoryFinding }> = [];
  for (const container of stopped) {
    const tail = await withDeadline(session.logTail(container.name, TAIL_LINES), session.timeoutMs + 500, () => null);
    const finding = tail === null ? null : findOutOfMemory(tail);
    if (finding) outOfMemory.push({ name: container.name, finding });
  }
  if (outOfMemory.length > 0) {
    return { id: ID, title: TITLE, status: 'fail', detail: summarizeOutOfMemory(outOfMemory), fix: outOfMemoryFix(outOfMemory) };
  }
  const names = stopped.map((c) => c.name);
  return {
    id: ID, title: TITLE, status: 'warn',
    detail: `${names.join(', ')} 컨테이너가 멈춰 있습니다 (로그 끝에 메모리 오류는 없습니다)`,
    fix: `일부러 멈춘 것이 아니라면 docker compose logs ${names[0]} | tail -50 으로 이유를 보고, compose 폴더에서 docker compose up -d로 다시 띄우세요`,
  };
}

/** The doctor line for these brokers of this compose project. */
export function brokerExitsPreflight(brokers: readonly string[], project: string): ChapterPreflight {
  return { id: ID, title: TITLE, run: () => probeBrokerExits(brokers, project) };
}
