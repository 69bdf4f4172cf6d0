// Lab files are data: the shipped ones load in course order, and a broken one is refused
// with the file and field named, in Korean. Across chapters: a lab missing from its chapter's
// order is an error, ids are unique course-wide, and `requires` may only look back.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHAPTERS_DIR, COURSE, LAB_ORDER, courseLabs } from '../../../chapters/index.ts';
import { loadCourse } from '../../../chapters/plugins.ts';
import { kafkaChapter } from '../../../chapters/02-kafka/chapter.ts';
import { defineChapter } from '../../../server/course.ts';
import { LabFileError, loadCourseLabs, parseLabFile } from '../../../server/labs.ts';

const KAFKA_LABS = join(CHAPTERS_DIR, kafkaChapter.folder, 'labs');

test('the shipped labs load in course order and name only registered checks', async () => {
  const labs = courseLabs();
  assert.deepEqual(labs.map((lab) => lab.id), [...LAB_ORDER]);
  assert.deepEqual([...LAB_ORDER], COURSE.flatMap((chapter) => chapter.labs));
  const { checks } = await loadCourse();
  const names = new Set(checks.map((check) => check.name));
  for (const lab of labs) for (const step of lab.steps) assert.ok(names.has(step.check.use), `${lab.id}/${step.id}: ${step.check.use}`);
});

test('labs get their chapter, folder and panel from the manifest unless they say otherwise', () => {
  const labs = courseLabs();
  const failover = labs.find((lab) => lab.id === 'failover')!;
  assert.equal(failover.chapter, 'kafka');
  assert.equal(failover.cwd, 'compose');
  assert.deepEqual(failover.panel, { kind: 'kafka-cluster', with: { topic: 'ledger' } });
  assert.deepEqual(labs.find((lab) => lab.id === 'topics')!.panel, { kind: 'kafka-cluster', with: { topic: 'upbit-ticker' } });
});

test('a broken lab file is refused naming the file and the field', () => {
  const base = readFileSync(join(KAFKA_LABS, 'topics.yaml'), 'utf8');
  assert.throws(() => parseLabFile('topics.yaml', base.replace('id: create', 'id: Create!')), (error: Error) =>
    error instanceof LabFileError && /topics\.yaml/.test(error.message) && /steps\.0\.id/.test(error.message));
  assert.throws(() => parseLabFile('topics.yaml', base.replace('terminal: main,', 'terminal: other,')), /터미널 'other'/);
  assert.throws(() => parseLabFile('x.yaml', 'id: [unclosed'), /YAML을 읽을 수 없습니다/);
  assert.throws(() => parseLabFile('x.yaml', base.replace('\nterminals:', '\ncwd: ../outside\nterminals:')), /cwd/);
});

/** A scratch course: chapter 2's real labs plus a made-up chapter 3 with one lab. */
function scratchCourse(t: { after(fn: () => void): void }, later: { id: string; yaml: string; labs?: string[] }) {
  const dir = mkdtempSync(join(tmpdir(), 'chapters-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(KAFKA_LABS, join(dir, kafkaChapter.folder, 'labs'), { recursive: true });
  mkdirSync(join(dir, '03-next', 'labs'), { recursive: true });
  writeFileSync(join(dir, '03-next', 'labs', `${later.id}.yaml`), later.yaml);
  const next = defineChapter({ id: 'next', number: 3, title: '다음 장', folder: '03-next', doc: 'next', services: [], labs: later.labs ?? [later.id] });
  return { dir, chapters: [kafkaChapter, next] };
}

const labYaml = (id: string, requires: string[]) =>
  `id: ${id}\ntitle: 다음\nsummary: 다음 장\nrequires: [${requires.join(', ')}]\nterminals: [main]\nsteps:\n  - id: one\n    title: 하나\n    action: { kind: command, terminal: main, command: 'true' }\n    check: { use: cluster-ready }\n    hint: 힌트\n`;

test('a later chapter may require an earlier chapter\'s lab, never a later one', (t) => {
  const ok = scratchCourse(t, { id: 'next-one', yaml: labYaml('next-one', ['cluster-up']) });
  const labs = loadCourseLabs(ok.dir, ok.chapters);
  assert.equal(labs.at(-1)?.id, 'next-one');
  assert.equal(labs.at(-1)?.chapter, 'next');
  const bad = scratchCourse(t, { id: 'next-one', yaml: labYaml('next-one', ['nowhere']) });
  assert.throws(() => loadCourseLabs(bad.dir, bad.chapters), /requires의 'nowhere'/);
  // Chapter 2 requiring chapter 3's lab: the order of the course forbids it.
  assert.throws(() => loadCourseLabs(ok.dir, [ok.chapters[1]!, ok.chapters[0]!]), /requires의 'cluster-up'/);
});

test('lab ids are unique across the course, and every lab file is in its chapter\'s order', (t) => {
  const clash = scratchCourse(t, { id: 'topics', yaml: labYaml('topics', []) });
  assert.throws(() => loadCourseLabs(clash.dir, clash.chapters), /'topics'가 'kafka' 장에도/);
  const unlisted = scratchCourse(t, { id: 'next-one', yaml: labYaml('next-one', []), labs: ['next-two'] });
  assert.throws(() => loadCourseLabs(unlisted.dir, unlisted.chapters), /next-one\.yaml: chapter\.ts의 labs 목록에 없습니다/);
  const renamed = scratchCourse(t, { id: 'next-one', yaml: labYaml('next-two', []) });
  assert.throws(() => loadCourseLabs(renamed.dir, renamed.chapters), /파일 이름이 같아야/);
});

test('the compose file pins the same Kafka version the offline image builds', () => {
  const compose = readFileSync(join(CHAPTERS_DIR, kafkaChapter.folder, kafkaChapter.compose), 'utf8');
  const pom = readFileSync(join(CHAPTERS_DIR, kafkaChapter.folder, 'image', 'pom.xml'), 'utf8');
  const pinned = /apache\/kafka:(\d+\.\d+\.\d+)/.exec(compose)?.[1];
  const built = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  assert.ok(pinned && built);
  assert.equal(pinned, built);
  assert.doesNotMatch(compose, /:latest\b/);
});
