// Image resolution must match what `docker compose` will actually use, or doctor would bless
// a laptop that then pulls (or fails to pull) a different image on workshop Wi-Fi. The
// fallback comes from the manifest; tests/unit/chapters.test.ts keeps it equal to compose's.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { imageTitle, parseDotEnvValue, probeImage, resolveImage } from '../../../server/preflight/images.ts';

const KAFKA = { variable: 'KAFKA_IMAGE', fallback: 'apache/kafka:9.9.9' };

test('parseDotEnvValue follows compose .env rules', () => {
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=upbit-lab/kafka:4.4.0\n', 'KAFKA_IMAGE'), 'upbit-lab/kafka:4.4.0');
  assert.equal(parseDotEnvValue('# comment\nexport KAFKA_IMAGE="a/b:1"\r\n', 'KAFKA_IMAGE'), 'a/b:1');
  assert.equal(parseDotEnvValue("KAFKA_IMAGE='a/b:2'", 'KAFKA_IMAGE'), 'a/b:2');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=a/b:3 # built offline', 'KAFKA_IMAGE'), 'a/b:3');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=first\nKAFKA_IMAGE=second', 'KAFKA_IMAGE'), 'second');
  assert.equal(parseDotEnvValue('KAFKA_IMAGE=', 'KAFKA_IMAGE'), null);
  assert.equal(parseDotEnvValue('OTHER_KAFKA_IMAGE=x\nCLUSTER_ID=y', 'KAFKA_IMAGE'), null);
});

test('resolveImage: shell env, then compose/.env, then the manifest fallback', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'preflight-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.deepEqual(await resolveImage(KAFKA, { composeDir: dir, env: {} }), { image: 'apache/kafka:9.9.9', source: 'compose-default' });
  await writeFile(join(dir, '.env'), 'FLINK_IMAGE=upbit-lab/flink:2.0.0\nKAFKA_IMAGE=upbit-lab/kafka:9.9.9\n');
  assert.deepEqual(await resolveImage(KAFKA, { composeDir: dir, env: {} }), { image: 'upbit-lab/kafka:9.9.9', source: 'dotenv' });
  assert.deepEqual(await resolveImage({ variable: 'FLINK_IMAGE', fallback: 'x' }, { composeDir: dir, env: {} }), { image: 'upbit-lab/flink:2.0.0', source: 'dotenv' });
  assert.deepEqual(await resolveImage(KAFKA, { composeDir: dir, env: { KAFKA_IMAGE: 'mine:1' } }), { image: 'mine:1', source: 'env' });
  // An empty shell variable counts as unset for `${KAFKA_IMAGE:-...}`.
  assert.deepEqual(await resolveImage(KAFKA, { composeDir: dir, env: { KAFKA_IMAGE: '' } }), { image: 'upbit-lab/kafka:9.9.9', source: 'dotenv' });
});

test('probeImage: absent fallback image warns with the offline fix; absent .env image fails', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'preflight-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const absent = { timeoutMs: 100, imageExists: () => Promise.resolve(false) };
  const warned = await probeImage(KAFKA, absent, { composeDir: dir, env: {} });
  assert.equal(warned.status, 'warn');
  assert.equal(warned.id, 'image:KAFKA_IMAGE');
  assert.equal(warned.title, 'Kafka 이미지');
  assert.equal(warned.fix, '인터넷이 없다면 npm run images로 오프라인 이미지를 만드세요');

  await writeFile(join(dir, '.env'), 'KAFKA_IMAGE=upbit-lab/kafka:9.9.9\n');
  const failed = await probeImage(KAFKA, absent, { composeDir: dir, env: {} });
  assert.equal(failed.status, 'fail');
  assert.match(failed.fix ?? '', /npm run images/);

  const present = await probeImage(KAFKA, { timeoutMs: 100, imageExists: () => Promise.resolve(true) }, { composeDir: dir, env: {} });
  assert.equal(present.status, 'pass');
  const unknown = await probeImage(KAFKA, { timeoutMs: 100, imageExists: () => Promise.resolve(null) }, { composeDir: dir, env: {} });
  assert.equal(unknown.status, 'warn');
});

test('image titles come from the variable', () => {
  assert.equal(imageTitle('KAFKA_IMAGE'), 'Kafka 이미지');
  assert.equal(imageTitle('S3PROXY_IMAGE'), 'S3proxy 이미지');
  assert.equal(imageTitle('KAFKA_UI_IMAGE'), 'Kafka Ui 이미지');
});
