// The upbit-source lab file is valid lab data and names only checks this chapter defines,
// with parameters those checks accept (the registry wiring comes with the chapter layout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabFile } from '../../../labs/schema.ts';
import { UPBIT_CHECKS } from '../../../chapters/03-flink/checks/upbit.ts';

test('upbit-source lab parses and its checks exist with valid parameters', () => {
  const file = join(import.meta.dirname, '..', '..', '..', 'chapters', '03-flink', 'labs', 'upbit-source.yaml');
  const lab = parseLabFile('upbit-source.yaml', readFileSync(file, 'utf8'));
  assert.equal(lab.id, 'upbit-source');
  for (const step of lab.steps) {
    const check = UPBIT_CHECKS.find((c) => c.name === step.check.use);
    assert.ok(check, `${step.id}: no check named ${step.check.use}`);
    assert.ok(check.params.safeParse(step.check.with).success, `${step.id}: parameters rejected`);
  }
});
