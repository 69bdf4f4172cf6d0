// Image resolution must match what `docker compose` will actually use, or doctor would bless
// a laptop that then pulls (or fails to pull) a different image on workshop Wi-Fi.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseComposeDefaultImage, parseDotEnvValue, probeKafkaImage, resolveKafkaImage } from '../../../server/preflight/kafka-image.ts';

const composeFile = new URL('../../../compose/docker-compose.yml', import.meta.url);

test('parseComposeDefaultImage reads the default of the real compose file', async () => {
  const text = await readFile(composeFile, 'utf8');
  assert.match(parseComposeDefaultImage(text) ?? '', /^apache\/kafka:\d+\.\d+\.\d+$/);
});

test('parseComposeDefaultImage handles both default forms and the absence of one', () => {
  assert.equal(parseComposeDefaultImage('image: ${KAFKA_IMAGE:-apache/kafka:4.4.0}'), 'apache/kafka:4.4.0');
  assert.equal(parseComposeDefaultImage('image: ${KAFKA_IMAGE-registry.local:5000/kafka:1}'), 'registry.local:5000/kafka:1');
  assert.equal(parseComposeDefaultImage('image: apache/kafka:4.4.0'), null);
  assert.equal(parseComposeDefaultImage('image: ${KAFKA_IMAGE}'), null);
});

test('parseDotEnvValue follows compose .env rules', () => {
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=upbit-lab/kafka:4.4.0\n', 'KAFKA_IMAGE'), 'upbit-lab/kafka:4.4.0');
  assert.equal(parseDotEnvValue('# comment\nexport KAFKA_IMAGE="a/b:1"\r\n', 'KAFKA_IMAGE'), 'a/b:1');
  assert.equal(parseDotEnvValue("KAFKA_IMAGE='a/b:2'", 'KAFKA_IMAGE'), 'a/b:2');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=a/b:3 # built offline', 'KAFKA_IMAGE'), 'a/b:3');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=first\nKAFKA_IMAGE=second', 'KAFKA_IMAGE'), 'second');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=', 'KAFKA_IMAGE'), null);
  assert.equal(parseDotEnvValue('OTHER_KAFKA_IMAGE=x\nCLUSTER_ID=y', 'KAFKA_IMAGE'), null);
});

test('resolveKafkaImage: shell env, then compose/.env, then the compose default', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'preflight-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'docker-compose.yml'), 'services:\n  k:\n    image: ${KAFKA_IMAGE:-apache/kafka:9.9.9}\n');
  assert.deepEqual(await resolveKafkaImage({ composeDir: dir, env: {} }), { image: 'apache/kafka:9.9.9', source: 'compose-default' });
  await writeFile(join(dir, '.env'), 'KAFKA_IMAGE=upbit-lab/kafka:9.9.9\n');
  assert.deepEqual(await resolveKafkaImage({ composeDir: dir, env: {} }), { image: 'upbit-lab/kafka:9.9.9', source: 'dotenv' });
  assert.deepEqual(await resolveKafkaImage({ composeDir: dir, env: { KAFKA_IMAGE: 'mine:1' } }), { image: 'mine:1', source: 'env' });
  // An empty shell variable counts as unset for `${KAFKA_IMAGE:-...}`.
  assert.deepEqual(await resolveKafkaImage({ composeDir: dir, env: { KAFKA_IMAGE: '' } }), { image: 'upbit-lab/kafka:9.9.9', source: 'dotenv' });
});

test('probeKafkaImage: absent default image warns with the offline fix; absent .env image fails', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'preflight-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'docker-compose.yml'), 'image: ${KAFKA_IMAGE:-apache/kafka:9.9.9}\n');
  const absent = { timeoutMs: 100, imageExists: () => Promise.resolve(false) };
  const warned = await probeKafkaImage(absent, { composeDir: dir, env: {} });
  assert.equal(warned.status, 'warn');
  assert.equal(warned.fix, '인터넷이 없다면 npm run cluster:image로 오프라인 이미지를 만드세요');

  await writeFile(join(dir, '.env'), 'KAFKA_IMAGE=upbit-lab/kafka:9.9.9\n');
  const failed = await probeKafkaImage(absent, { composeDir: dir, env: {} });
  assert.equal(failed.status, 'fail');
  assert.match(failed.fix ?? '', /npm run cluster:image/);

  const present = await probeKafkaImage({ timeoutMs: 100, imageExists: () => Promise.resolve(true) }, { composeDir: dir, env: {} });
  assert.equal(present.status, 'pass');
  const unknown = await probeKafkaImage({ timeoutMs: 100, imageExists: () => Promise.resolve(null) }, { composeDir: dir, env: {} });
  assert.equal(unknown.status, 'warn');
});
