// Checks of the cluster itself: containers, start-up logs, brokers and the controller quorum.
import { z } from 'zod';
import { containerLogs, containerState } from '../../../server/docker.ts';
import { describeQuorum, parseQuorumStatus, registeredBrokers, withAdmin } from '../kafka-access.ts';
import { fail, pass, terminalParam } from '../../../server/checks.ts';
import { defineCheck, type KafkaCheckContext } from './define.ts';
import { withJosa } from '../../../server/korean.ts';
import { describeOutOfMemory, findOutOfMemory, type OutOfMemoryFinding } from './start-faults.ts';

const noParams = z.object({}).strict();

async function containersSummary(context: KafkaCheckContext) {
  return Promise.all(context.endpoints.brokers.map((broker) => containerState(context.docker, broker.container)));
}

/**
 * Names the usual reasons `docker compose up` leaves brokers down, from what the learner's
 * terminal printed and what the stopped brokers logged.
 */
async function diagnoseStart(context: KafkaCheckContext, stopped: string[]): Promise<string | null> {
  const printed = context.output('main');
  const port = /(?:0\.0\.0\.0|127\.0\.0\.1):(\d+).*(?:address already in use|port is already allocated)|Bind for [\d.]+:(\d+) failed: port is already allocated/i.exec(printed);
  if (port) {
    const number = port[1] ?? port[2] ?? '';
    return `호스트 포트 ${withJosa(number, '을/를')} 다른 프로그램이 이미 쓰고 있어 브로커가 시작되지 못했습니다. npm run doctor로 그 프로그램을 확인해 끄고 docker compose up -d를 다시 실행하세요.`;
  }
  if (/Cannot connect to the Docker daemon|docker daemon running|error during connect/i.test(printed)) {
    return 'Docker 엔진이 꺼져 있습니다. Docker Desktop(또는 dockerd)을 켠 뒤 다시 실행하세요.';
  }
  if (/pull access denied|manifest unknown|failed to resolve reference|no such image|not found/i.test(printed) && /image/i.test(printed)) {
    return 'Kafka 이미지를 받을 수 없습니다. 인터넷이 없다면 npm run cluster:image로 오프라인 이미지를 만든 뒤 다시 실행하세요.';
  }
  return diagnoseStoppedBrokers(context, stopped);
}

/** Why stopped brokers stopped, read from the end of their logs; null when nothing is known. */
async function diagnoseStoppedBrokers(context: KafkaCheckContext, stopped: string[]): Promise<string | null> {
  const outOfMemory: Array<{ name: string; finding: OutOfMemoryFinding }> = [];
  for (const name of stopped) {
    const logs = await containerLogs(context.docker, name).catch(() => '');
    if (/Invalid cluster\.id/i.test(logs)) {
      return `${name}의 데이터 볼륨이 다른 CLUSTER_ID로 포맷되어 있어 브로커가 시작을 거부했습니다. 데이터를 지워도 된다면 docker compose down -v 후 docker compose up -d로 새로 시작하세요.`;
    }
    // Only the tail counts: an error from an earlier run of the container is not why it stopped now.
    const finding = findOutOfMemory(logs.split('\n').slice(-200).join('\n'));
    if (finding) outOfMemory.push({ name, finding });
  }
  return outOfMemory.length > 0 ? describeOutOfMemory(outOfMemory) : null;
}

export const containersRunning = defineCheck({
  name: 'containers-running',
  params: noParams,
  async verify(context) {
    const states = await containersSummary(context);
    const evidence = states.map((s) => `${s.name}: ${s.exists ? s.status : '없음'}${s.exitCode ? ` (exit ${s.exitCode})` : ''}`);
    const down = states.filter((s) => !s.running);
    if (down.length === 0) {
      // Running is not enough: a broker with a bad volume runs for a few seconds, then exits.
      const registered = await registeredBrokers(context.endpoints);
      if (registered === context.endpoints.brokers.length) return pass('kafka-1, kafka-2, kafka-3 컨테이너가 실행 중이고 세 브로커 모두 클러스터에 등록되었습니다.', evidence);
      return fail(`컨테이너는 실행 중이지만 브로커가 ${registered}대만 등록되었습니다. 기동에 20~30초 걸리니 조금 기다리세요.`, evidence);
    }
    const diagnosis = await diagnoseStart(context, down.filter((s) => s.exists).map((s) => s.name));
    if (diagnosis) return { ...fail(diagnosis, evidence), settled: true };
    const missing = down.filter((s) => !s.exists);
    if (missing.length === down.length) {
      return fail(`${down.map((s) => s.name).join(', ')} 컨테이너가 없습니다. compose 폴더에서 docker compose up -d를 실행하세요.`, evidence);
    }
    return fail(`${down.map((s) => s.name).join(', ')} 컨테이너가 실행 중이 아닙니다. docker compose logs ${down[0]!.name} | tail -50 으로 멈춘 이유를 보세요.`, evidence);
  },
});

export const composePsOutput = defineCheck({
  name: 'compose-ps-output',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const text = context.output(params.terminal);
    const rows = context.endpoints.brokers.map(({ container: name }) => ({ name, line: text.split('\n').find((l) => l.trim().startsWith(name)) }));
    const evidence = rows.map((r) => r.line?.trim().replace(/\s+/g, ' ') ?? `${r.name}: 출력에 없음`);
    const notUp = rows.filter((r) => !r.line || !/\bUp\b|running/i.test(r.line));
    if (notUp.length === 0) return pass('docker compose ps에 세 서비스가 모두 Up으로 보입니다.', evidence);
    if (rows.every((r) => !r.line)) return fail('터미널에 docker compose ps 출력이 보이지 않습니다. 실행 버튼을 누르거나 직접 입력하세요.', evidence);
    return fail(`${withJosa(notUp.map((r) => r.name).join(', '), '이/가')} Up 상태로 보이지 않습니다. 이전 단계(docker compose up -d)를 확인하세요.`, evidence);
  },
});

export const serverStartedLogs = defineCheck({
  name: 'server-started-logs',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const evidence: string[] = [];
    const missing: string[] = [];
    const stopped: string[] = [];
    for (const { container: name } of context.endpoints.brokers) {
      const state = await containerState(context.docker, name);
      if (!state.running) {
        missing.push(name);
        if (state.exists) stopped.push(name);
        evidence.push(`${name}: 실행 중 아님 (${state.status})`);
        continue;
      }
      const since = state.startedAt ? Math.floor(state.startedAt / 1000) - 1 : undefined;
      // The whole first 10 minutes after the start: the log's last 2,000 lines no longer reach
      // back to the start line on a broker that has run for ~40 min of labs (4,427 lines seen),
      // which failed a later chapter's catch-up on a healthy cluster.
      const until = since === undefined ? undefined : since + 600;
      const line = (await containerLogs(context.docker, name, since, until)).split('\n').find((l) => l.includes('Kafka Server started'));
      if (line) evidence.push(`${name}: ${line.replace(/^.*?\] /, '').trim()}`);
      else {
        missing.push(name);
        evidence.push(`${name}: 아직 "Kafka Server started" 없음`);
      }
    }
    const diagnosis = stopped.length > 0 ? await diagnoseStoppedBrokers(context, stopped) : null;
    if (diagnosis) return fail(diagnosis, evidence);
    if (missing.length > 0) {
      return fail(`${missing.join(', ')}의 로그에 아직 "Kafka Server started"가 없습니다. 기동에 20~30초 걸리니 잠시 뒤 다시 확인하고, 계속 없으면 docker compose logs ${missing[0]}의 마지막 오류를 보세요.`, evidence);
    }
    const seen = context.output(params.terminal).split('\n').filter((l) => l.includes('Kafka Server started')).length;
    if (seen === 0) {
      return fail('세 브로커 모두 기동했지만 터미널에서 로그를 확인하지 않았습니다. 로그 명령을 실행해 "Kafka Server started" 줄을 직접 보세요.', evidence);
    }
    if (seen < 3) {
      // The learner's command ran while some nodes were still starting; the logs now agree.
      return pass(`명령을 실행한 순간에는 ${seen}대만 기동을 마친 상태였지만, 지금은 세 브로커 모두 로그에 "Kafka Server started"를 남겼습니다. 다시 실행하면 세 줄이 모두 보입니다.`, evidence);
    }
    return pass('세 브로커 모두 로그에 "Kafka Server started"를 남겼습니다.', evidence);
  },
});

async function clusterHealth(context: KafkaCheckContext) {
  const brokers = await withAdmin(context.endpoints, (admin) => admin.describeCluster()).catch((error: Error) => error);
  const quorum = await describeQuorum(context.docker, context.endpoints, 15);
  return { brokers, quorum };
}

export const quorumHealthy = defineCheck({
  name: 'quorum-healthy',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    const { brokers, quorum } = await clusterHealth(context);
    const evidence: string[] = [];
    if (brokers instanceof Error) return fail(`호스트에서 브로커에 접속하지 못했습니다 (${brokers.message}). 클러스터가 떠 있는지 docker compose ps로 확인하세요.`);
    evidence.push(`등록된 브로커: ${brokers.brokers.map((b) => b.nodeId).sort().join(', ')} (컨트롤러 ${brokers.controller})`);
    if (!quorum) return fail('컨트롤러 쿼럼 상태를 읽지 못했습니다. 살아 있는 노드가 과반(2대)인지 확인하세요.', evidence);
    evidence.push(`쿼럼 리더 ${quorum.leaderId ?? '없음'}, 투표자 ${quorum.voters.join(', ')}`);
    if (brokers.brokers.length < 3) return fail(`브로커가 ${brokers.brokers.length}대만 등록되었습니다. 나머지 노드의 로그를 확인하세요.`, evidence);
    if (quorum.leaderId === null || quorum.voters.length < 3) return fail('쿼럼에 리더가 없거나 투표자가 3명이 아닙니다. 몇 초 뒤 다시 확인하세요.', evidence);
    const shown = parseQuorumStatus(context.output(params.terminal));
    if (!shown) return fail('클러스터는 정상이지만 터미널에 describe --status 출력이 보이지 않습니다. 명령을 실행해 LeaderId와 CurrentVoters를 직접 읽어 보세요.', evidence);
    return pass(`브로커 3대가 등록됐고, 투표자 3명 중 노드 ${withJosa(quorum.leaderId, '이/가')} 쿼럼 리더입니다.`, evidence);
  },
});

export const clusterReady = defineCheck({
  name: 'cluster-ready',
  params: noParams,
  async verify(context) {
    const states = await containersSummary(context);
    const down = states.filter((s) => !s.running);
    const evidence = states.map((s) => `${s.name}: ${s.status}`);
    if (down.length > 0) {
      const diagnosis = await diagnoseStoppedBrokers(context, down.filter((s) => s.exists).map((s) => s.name));
      return fail(diagnosis ?? `${withJosa(down.map((s) => s.name).join(', '), '이/가')} 실행 중이 아닙니다. docker compose logs로 이유를 확인하세요.`, evidence);
    }
    const { brokers, quorum } = await clusterHealth(context);
    if (brokers instanceof Error) return fail(`브로커에 아직 접속되지 않습니다 (${brokers.message}). 기동 중일 수 있으니 잠시 기다리세요.`, evidence);
    evidence.push(`등록된 브로커: ${brokers.brokers.map((b) => b.nodeId).sort().join(', ')}`);
    if (brokers.brokers.length < 3 || !quorum?.leaderId) return fail('브로커 3대와 쿼럼 리더가 모두 준비되지 않았습니다.', evidence);
    evidence.push(`쿼럼 리더 ${quorum.leaderId}`);
    return pass('클러스터가 다시 정상입니다: 브로커 3대, 쿼럼 리더 있음.', evidence);
  },
});

export const nothingLeft = defineCheck({
  name: 'nothing-left',
  params: noParams,
  async verify(context) {
    const { project, network, containers: courseContainers } = context.course;
    const label = `com.docker.compose.project=${project}`;
    const containers = await context.docker.listContainers({ all: true, filters: { label: [label] } });
    // Containers of every chapter, also ones a learner made outside compose with our names.
    const named = courseContainers.length === 0 ? [] : await context.docker.listContainers({ all: true, filters: { name: courseContainers.map((name) => `^/${name}$`) } });
    const networks = await context.docker.listNetworks({ filters: { name: [network] } });
    const volumes = (await context.docker.listVolumes({ filters: { label: [label] } })).Volumes ?? [];
    const left = [
      ...new Set([...containers, ...named].map((c) => `컨테이너 ${c.Names[0]?.replace(/^\//, '')}`)),
      ...networks.filter((n) => n.Name === network).map((n) => `네트워크 ${n.Name}`),
      ...volumes.map((v) => `볼륨 ${v.Name}`),
    ];
    if (left.length === 0) return pass('프로젝트의 컨테이너, 네트워크, 볼륨이 하나도 남지 않았습니다.');
    const oneOff = [...containers, ...named].filter((c) => c.Labels['com.docker.compose.oneoff'] === 'True').map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id);
    if (oneOff.length > 0) {
      // `docker compose run` containers whose client was killed keep running and hold the network.
      return fail(`docker compose run으로 띄운 도구 컨테이너가 아직 돌고 있습니다: ${oneOff.join(', ')}. docker rm -f ${oneOff.join(' ')} 후 docker compose --profile '*' down -v를 다시 실행하세요.`, left);
    }
    return fail(`아직 남아 있습니다: ${left.join(', ')}. compose 폴더에서 docker compose --profile '*' down -v를 실행하세요.`, left);
  },
});
