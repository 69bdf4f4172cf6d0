// Test files that need no Docker leave nothing in the temp folder: each runs as a child with
// TMPDIR pointed at a fresh folder of ours, which must be empty when it ends (passed or not).
// The Docker-backed files use the same helper (tests/helpers/temp.ts) but need the lock to run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../server/paths.ts';
import { tempDir } from '../helpers/temp.ts';

const DOCKER_FREE = ['session.test.ts', 'terminals.test.ts', 'session-flow.test.ts', 'stop.test.ts', 'door.test.ts', 'crash-reap.test.ts'];

for (const file of DOCKER_FREE) {
  test(`${file} leaves no temp folder behind`, (t) => {
    const tmp = tempDir('tmpdir', t.after.bind(t));
    // Without NODE_TEST_CONTEXT the child is a test run of its own, not a silent subprocess of ours.
    const { NODE_TEST_CONTEXT: _ours, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--test', join(REPO_ROOT, 'tests', 'integration', file)], {
      env: { ...env, TMPDIR: tmp },
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.match(run.stdout, /ℹ pass [1-9]/, `${file} ran no test:\n${run.stdout.slice(-2000)}`);
    assert.equal(run.status, 0, `${file} failed:\n${run.stdout.slice(-2000)}`);
    assert.deepEqual(readdirSync(tmp), [], `${file} left these in TMPDIR`);
  });
}
