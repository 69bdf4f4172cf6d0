// The offline bundle's small pieces: the checksum sidecar round trip, compose/.env merging
// that keeps the learner's other lines, a manifest that names odd images or variables is
// refused, and the install path imports nothing but Node built-ins (it runs before npm install).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../server/paths.ts';
import { checksumLine, mergeEnv, parseChecksum, parseManifest, sha256File } from '../../../server/workshop/archive.ts';
import { tempDir } from '../../helpers/temp.ts';

test('the sha256 sidecar is sha256sum\'s format and a changed byte fails it', async (t) => {
  const dir = tempDir('bundle-sum', t.after.bind(t));
  const file = join(dir, 'b.tar');
  writeFileSync(file, 'bundle bytes');
  const hex = await sha256File(file);
  assert.equal(parseChecksum(checksumLine(hex, 'b.tar')), hex);
  writeFileSync(file, 'bundle bytez');
  assert.notEqual(await sha256File(file), hex);
  assert.equal(parseChecksum('not a checksum'), null);
});

test('compose/.env: the bundle\'s image variables are set, every other line is kept', () => {
  assert.equal(mergeEnv('# mine\nKAFKA_IMAGE=apache/kafka:4.4.0\nOTHER=1\n', { KAFKA_IMAGE: 'upbit-lab/kafka:4.4.0', FLINK_IMAGE: 'upbit-lab/flink:2.0.0' }),
    '# mine\nKAFKA_IMAGE=upbit-lab/kafka:4.4.0\nOTHER=1\nFLINK_IMAGE=upbit-lab/flink:2.0.0\n');
  assert.equal(mergeEnv('', { A_IMAGE: 'x:1' }), 'A_IMAGE=x:1\n', 'a missing .env becomes just the bundle\'s lines');
});

test('a manifest with an odd image name or variable is refused before anything is loaded', () => {
  const good = { format: 1, createdAt: 'now', platform: 'linux/amd64', node: 'v24', commit: 'abc', images: [{ tag: 'upbit-lab/kafka:4.4.0', variable: 'KAFKA_IMAGE' }] };
  assert.equal(parseManifest(JSON.stringify(good)).images.length, 1);
  assert.throws(() => parseManifest(JSON.stringify({ ...good, images: [{ tag: '--help' }] })), /이미지 이름/);
  assert.throws(() => parseManifest(JSON.stringify({ ...good, images: [{ tag: 'a:1', variable: 'PATH=/evil' }] })), /변수 이름/);
  assert.throws(() => parseManifest(JSON.stringify({ ...good, format: 2 })), /형식/);
  // A cross-built bundle names its images <tag>-arm64 inside images.tar; that name is checked too.
  assert.equal(parseManifest(JSON.stringify({ ...good, images: [{ tag: 'a:1', saved: 'a:1-arm64' }] })).images[0]?.saved, 'a:1-arm64');
  assert.throws(() => parseManifest(JSON.stringify({ ...good, images: [{ tag: 'a:1', saved: '--rm' }] })), /이미지 이름/);
  assert.throws(() => parseManifest(JSON.stringify({ ...good, images: [{ tag: 'a:1', saved: 7 }] })), /이미지 이름/);
});

test('the install path imports Node built-ins only', () => {
  for (const file of ['server/cli/workshop.ts', 'server/workshop/archive.ts']) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    const statics = [...text.matchAll(/^import [^;]*?from '([^']+)'/gms)].map((m) => m[1]!);
    for (const specifier of statics) assert.ok(specifier.startsWith('node:') || specifier.startsWith('../workshop/') || specifier.startsWith('./'), `${file} imports ${specifier}`);
  }
});
