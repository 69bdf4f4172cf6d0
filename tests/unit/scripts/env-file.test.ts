// compose/.env holds chapter 4's object-store keys and every chapter's image tag. Every image
// build writes its tag through platform.sh's image_env_set: the file must stay private (0600)
// and keep its other lines, and a cross build (UPBIT_IMAGE_ARCH=<the other CPU>) must leave it
// alone. (The image builds once wrote it through a temp file of their own and left it 0644.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../server/paths.ts';
import { tempDir } from '../../helpers/temp.ts';

const PLATFORM = join(REPO_ROOT, 'chapters', '02-kafka', 'image', 'platform.sh');
const OTHER_ARCH = arch() === 'arm64' ? 'amd64' : 'arm64';

function setImageLine(file: string, env: Record<string, string> = {}): void {
  const script = `set -euo pipefail; . "${PLATFORM}"; image_env_set "$1" KAFKA_IMAGE upbit-lab/kafka:new`;
  const result = spawnSync('bash', ['-c', script, 'test', file], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, result.stderr);
}

test('an image build rewrites its tag in compose/.env, keeps the keys, and keeps the file private', (t) => {
  const file = join(tempDir('env-file', t.after.bind(t)), '.env');
  writeFileSync(file, 'S3_ACCESS_KEY=abc\nS3_SECRET_KEY=def\nKAFKA_IMAGE=upbit-lab/kafka:old\n');
  chmodSync(file, 0o600);
  setImageLine(file);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'still readable by its owner only');
  assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').sort(), ['KAFKA_IMAGE=upbit-lab/kafka:new', 'S3_ACCESS_KEY=abc', 'S3_SECRET_KEY=def']);
});

test('a cross build leaves compose/.env as it was', (t) => {
  const file = join(tempDir('env-file', t.after.bind(t)), '.env');
  writeFileSync(file, 'KAFKA_IMAGE=upbit-lab/kafka:old\n');
  setImageLine(file, { UPBIT_IMAGE_ARCH: OTHER_ARCH });
  assert.equal(readFileSync(file, 'utf8'), 'KAFKA_IMAGE=upbit-lab/kafka:old\n');
});
