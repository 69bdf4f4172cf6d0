// Chapter 3's lab files are valid lab data, in the manifest's order, prefixed with the
// chapter id, and name only checks the course registers, with parameters those checks accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flinkChapter } from '../../../chapters/03-flink/chapter.ts';
import { courseLabs } from '../../../chapters/index.ts';
import { loadCourse } from '../../../chapters/plugins.ts';

test('chapter 3 labs load in manifest order, prefixed flink-, with known checks and valid parameters', async () => {
  const course = await loadCourse();
  const labs = courseLabs().filter((lab) => flinkChapter.labs.includes(lab.id));
  assert.deepEqual(labs.map((lab) => lab.id), flinkChapter.labs);
  for (const lab of labs) {
    assert.match(lab.id, /^flink-/);
    for (const step of lab.steps) {
      const check = course.checks.find((c) => c.name === step.check.use);
      assert.ok(check, `${lab.id}/${step.id}: no check named ${step.check.use}`);
      assert.match(check.name, /^flink-/, `${lab.id}/${step.id}: chapter 3 uses its own checks`);
      const parsed = check.params.safeParse(step.check.with);
      assert.ok(parsed.success, `${lab.id}/${step.id}: parameters rejected: ${parsed.success ? '' : parsed.error.message}`);
    }
  }
});

test('chapter 3 check names are all prefixed with the chapter id', async () => {
  const { default: plugin } = await import('../../../chapters/03-flink/plugin.ts');
  for (const check of plugin.checks) assert.match(check.name, /^flink-/);
});
