// Type stripping arrived unflagged in 22.18 and 23.6; 23.0 to 23.5 satisfy `>=22.18` but
// cannot run the course's .ts files, which is exactly what this probe must catch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probeNodeVersion, supportsTypeStripping } from '../../../server/preflight/node-version.ts';

test('supportsTypeStripping by version', () => {
  for (const version of ['22.18.0', 'v22.20.1', '23.6.0', '24.0.0', '26.1.0']) assert.equal(supportsTypeStripping(version), true, version);
  for (const version of ['20.19.0', '22.17.1', '23.5.0', 'v18.0.0', '']) assert.equal(supportsTypeStripping(version), false, version);
});

test('probeNodeVersion fails old versions with the install fix', () => {
  const result = probeNodeVersion('22.11.0');
  assert.equal(result.status, 'fail');
  assert.match(result.fix ?? '', /Node\.js 24/);
  assert.equal(probeNodeVersion('24.1.0').status, 'pass');
  assert.equal(probeNodeVersion().status, 'pass', 'the Node running these tests is new enough');
});
