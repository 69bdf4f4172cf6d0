// Fixed container names collide with leftovers from other tutorials; only our own compose
// project may hold kafka-1..3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containersTitle, probeContainers as probeNames } from '../../../server/preflight/containers.ts';
import type { ContainerSummary } from '../../../server/preflight/docker-session.ts';

const probeContainers = (s: ReturnType<typeof session>) => probeNames(['kafka-1', 'kafka-2', 'kafka-3'], 'upbit-pipeline', s);
const session = (list: ContainerSummary[] | null) => ({ timeoutMs: 100, containers: () => Promise.resolve(list) });
const container = (name: string, project: string | null, state = 'running'): ContainerSummary => ({ name, project, state, publicPorts: [] });

test('free names and our own project pass', async () => {
  assert.equal((await probeContainers(session([container('postgres', null)]))).status, 'pass');
  const ours = await probeContainers(session([container('kafka-2', 'upbit-pipeline', 'exited'), container('kafka-1', 'upbit-pipeline')]));
  assert.equal(ours.status, 'pass');
  assert.match(ours.detail, /kafka-1 running, kafka-2 exited/);
});

test('a stranger holding a name fails with rm/rename fixes', async () => {
  const result = await probeContainers(session([container('kafka-1', 'other-tutorial', 'exited'), container('kafka-3', null)]));
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /kafka-1\(compose 프로젝트 other-tutorial, exited\)/);
  assert.match(result.detail, /kafka-3\(compose 밖에서 만든 컨테이너/);
  assert.match(result.fix ?? '', /docker rm -f kafka-1 kafka-3/);
  assert.match(result.fix ?? '', /docker rename kafka-1 kafka-1-old/);
});

test('an unreachable engine is a warning, not a pass', async () => {
  assert.equal((await probeContainers(session(null))).status, 'warn');
});

test('the title names the course\'s containers, numbered runs folded', () => {
  assert.equal(containersTitle(['kafka-1', 'kafka-2', 'kafka-3']), '컨테이너 이름 kafka-1~3');
  assert.equal(containersTitle(['kafka-1', 'kafka-2', 'kafka-3', 'jobmanager', 'taskmanager']), '컨테이너 이름 kafka-1~3, jobmanager, taskmanager');
});
