// Troubleshooting checks: they pass when the learner has reproduced the failure and the
// check has seen its real symptom (a broker refusing a foreign CLUSTER_ID, a client unable
// to resolve an advertised address).
import { z } from 'zod';
import { containerLogs, containerState } from '../../../server/docker.ts';
import { fail, pass, terminalParam } from '../../../server/checks.ts';
import { defineCheck } from './define.ts';

export const clusterIdMismatch = defineCheck({
  name: 'cluster-id-mismatch',
  params: z.object({}).strict(),
  async verify(context) {
    const evidence: string[] = [];
    let seen = 0;
    for (const { container: name } of context.endpoints.brokers) {
      const state = await containerState(context.docker, name);
      if (!state.exists) {
        evidence.push(`${name}: 없음`);
        continue;
      }
      const since = state.startedAt ? Math.floor(state.startedAt / 1000) - 1 : undefined;
      const line = (await containerLogs(context.docker, name, since)).split('\n').find((l) => /cluster\s*id|cluster\.id/i.test(l) && /invalid|mismatch|doesn't match|does not match|expected/i.test(l));
      evidence.push(`${name}: ${state.status}${line ? ` · ${line.trim().slice(0, 220)}` : ''}`);
      if (line && !state.running) seen++;
    }
    if (seen === 0) return fail('아직 CLUSTER_ID 불일치로 멈춘 브로커가 없습니다. 볼륨을 남긴 채(down, -v 없이) 다른 CLUSTER_ID로 올렸는지 확인하세요.', evidence);
    // Every broker's volume carries the old ID, so the ones still starting will stop the same way.
    const rest = seen < context.endpoints.brokers.length ? ' 나머지 브로커의 볼륨도 같은 처지라 곧 같은 이유로 멈춥니다.' : '';
    return pass(`브로커 ${seen}대가 볼륨에 적힌 클러스터 ID와 설정의 CLUSTER_ID가 달라 기동을 거부했습니다. 데이터 볼륨은 처음 포맷한 클러스터에 묶여 있기 때문입니다.${rest}`, evidence);
  },
});

export const advertisedListenerError = defineCheck({
  name: 'advertised-listener-error',
  params: z.object({ terminal: terminalParam }).strict(),
  async verify(context, params) {
    // The override file (compose/troubleshoot/wrong-listener.yml) changes the first broker.
    const state = await containerState(context.docker, context.endpoints.brokers[0]!.container);
    const advertised = state.env.find((e) => e.startsWith('KAFKA_ADVERTISED_LISTENERS='))?.split('=')[1] ?? '(알 수 없음)';
    const evidence = [`kafka-1의 KAFKA_ADVERTISED_LISTENERS=${advertised}`];
    const output = context.output(params.terminal);
    const errorLine = output.split('\n').find((l) => /ENOTFOUND|getaddrinfo|전송 실패/.test(l));
    if (errorLine) evidence.push(`클라이언트 출력: ${errorLine.trim()}`);
    if (!advertised.includes('EXTERNAL://kafka-1:')) return fail('kafka-1이 아직 올바른 주소(localhost:29092)를 알려 주고 있습니다. troubleshoot/wrong-listener.yml을 겹쳐서 kafka-1을 다시 만드세요.', evidence);
    if (!errorLine) return fail('잘못된 주소로 바뀌었습니다. 이제 프로듀서를 실행해 어떤 오류가 나는지 보세요.', evidence);
    return pass('재현 성공: 부트스트랩 접속은 됐지만, kafka-1이 알려 준 kafka-1:29092는 호스트에서 이름을 찾을 수 없어 클라이언트가 실패했습니다. 외부용 리스너는 클라이언트가 실제로 닿을 수 있는 주소를 광고해야 합니다.', evidence);
  },
});
