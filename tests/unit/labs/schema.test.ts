// Lab files are data: the shipped ones load in course order, and a broken one is refused
// with the file and field named, in Korean.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAB_ORDER, LABS_DIR, LabFileError, loadLabs, parseLabFile } from '../../../labs/schema.ts';
import { CHECKS } from '../../../server/checks/index.ts';

test('the shipped labs load in course order and name only registered checks', () => {
  const labs = loadLabs();
  assert.deepEqual(labs.map((lab) => lab.id), [...LAB_ORDER]);
  for (const lab of labs) for (const step of lab.steps) assert.ok(CHECKS.has(step.check.use), `${lab.id}/${step.id}: ${step.check.use}`);
});

test('a broken lab file is refused naming the file and the field', () => {
  const base = readFileSync(join(LABS_DIR, 'topics.yaml'), 'utf8');
  assert.throws(() => parseLabFile('topics.yaml', base.replace('id: create', 'id: Create!')), (error: Error) =>
    error instanceof LabFileError && /topics\.yaml/.test(error.message) && /steps\.0\.id/.test(error.message));
  assert.throws(() => parseLabFile('topics.yaml', base.replace('terminal: main,', 'terminal: other,')), /터미널 'other'/);
  assert.throws(() => parseLabFile('x.yaml', 'id: [unclosed'), /YAML을 읽을 수 없습니다/);
});

test('requires must name labs that exist, and the file name must match the id', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labs-'));
  const base = readFileSync(join(LABS_DIR, 'teardown.yaml'), 'utf8');
  writeFileSync(join(dir, 'teardown.yaml'), base.replace('\nterminals:', '\nrequires: [nowhere]\nterminals:'));
  assert.throws(() => loadLabs(dir), /requires에 없는 lab 'nowhere'/);
  writeFileSync(join(dir, 'teardown.yaml'), base);
  writeFileSync(join(dir, 'renamed.yaml'), base);
  assert.throws(() => loadLabs(dir), /파일 이름이 같아야/);
});

test('the compose file pins the same Kafka version the offline image builds', () => {
  const compose = readFileSync(join(LABS_DIR, '..', 'compose', 'docker-compose.yml'), 'utf8');
  const pom = readFileSync(join(LABS_DIR, '..', 'compose', 'kafka-image', 'pom.xml'), 'utf8');
  const pinned = /apache\/kafka:(\d+\.\d+\.\d+)/.exec(compose)?.[1];
  const built = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  assert.ok(pinned && built);
  assert.equal(pinned, built);
  assert.doesNotMatch(compose, /:latest\b/);
});
