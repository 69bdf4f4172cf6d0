// `npm start`'s Node flags are read from package.json by the test and bench harness, so both
// run the lab server as a learner's machine does; the flags must be ones Node accepts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { serverNodeFlags } from '../../../tools/harness.ts';

test('the start script\'s Node flags are found and accepted by this Node', () => {
  const flags = serverNodeFlags();
  assert.deepEqual(flags, ['--max-semi-space-size=2']);
  const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});
