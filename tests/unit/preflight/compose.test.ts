// The Compose probe's verdicts for each shape of machine, with the commands faked so every
// branch (plugin, legacy v1 only, no docker at all, hang) runs on any laptop.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseComposeVersion, probeComposeV2, type ComposeRunner } from '../../../server/preflight/compose.ts';
import type { CommandOutcome } from '../../../server/preflight/exec.ts';

test('parseComposeVersion reads plugin, distro and v1 formats', () => {
  assert.equal(parseComposeVersion('Docker Compose version v2.29.7\n'), '2.29.7');
  assert.equal(parseComposeVersion('Docker Compose version 2.26.1-4\n'), '2.26.1-4');
  assert.equal(parseComposeVersion('docker-compose version 1.29.2, build unknown\n'), '1.29.2');
  assert.equal(parseComposeVersion('docker: \'compose\' is not a docker command.'), null);
});

function fakeRunner(answers: Record<string, CommandOutcome>): ComposeRunner {
  return (file, args) => Promise.resolve(answers[[file, ...args].join(' ')] ?? { kind: 'missing' });
}

test('Compose v2 plugin passes', async () => {
  const result = await probeComposeV2(fakeRunner({ 'docker compose version': { kind: 'ok', stdout: 'Docker Compose version v2.29.7\n', stderr: '' } }));
  assert.equal(result.status, 'pass');
  assert.match(result.detail, /2\.29\.7/);
});

test('only legacy docker-compose v1 fails with the install fix', async () => {
  const result = await probeComposeV2(fakeRunner({
    'docker compose version': { kind: 'exit', code: 1, stdout: '', stderr: "docker: 'compose' is not a docker command." },
    'docker-compose version': { kind: 'ok', stdout: 'docker-compose version 1.29.2, build unknown\n', stderr: '' },
  }));
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /1\.29\.2\(v1\)/);
  assert.match(result.fix ?? '', /docker-compose-plugin/);
});

test('no docker CLI at all fails with an install fix', async () => {
  const result = await probeComposeV2(fakeRunner({}));
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /docker 명령을 찾을 수 없습니다/);
});

test('a hung docker compose is reported, not waited on', async () => {
  const result = await probeComposeV2(fakeRunner({ 'docker compose version': { kind: 'timeout' } }));
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /초 안에 끝나지 않았습니다/);
});
