// `--arch` for npm run images and workshop:bundle: taken out of the arguments, checked, and a
// bad or missing value refused with a Korean message before anything is built.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { takeArchFlag } from '../../../server/cli/arch-flag.ts';

test('--arch arm64 is taken out; the other arguments stay in order', () => {
  assert.deepEqual(takeArchFlag(['kafka', '--arch', 'arm64', 'flink']), { arch: 'arm64', rest: ['kafka', 'flink'] });
  assert.deepEqual(takeArchFlag(['--out', 'x']), { arch: undefined, rest: ['--out', 'x'] });
});

test('an unknown or missing architecture is refused in Korean', () => {
  assert.throws(() => takeArchFlag(['--arch', 'x86']), /amd64 또는 arm64.*x86/);
  assert.throws(() => takeArchFlag(['--arch']), /받은 값: 없음/);
});
