// The gate's pieces without spawning anything: the range arithmetic (a small subset of npm
// semver, checked against cases npm itself decides) and the refusal's wording. Spawning
// real old Nodes through npm is tests/integration/node-gate.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkNode, minimumVersion, refusalLines, requiredRange, satisfies } from '../../../scripts/node-gate.cjs';

test('requiredRange is package.json engines.node, the only place the number is written', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  assert.equal(requiredRange(), manifest.engines.node);
});

test('satisfies: the comparators an engines field uses', () => {
  const cases: Array<[string, string, boolean]> = [
    ['22.19.0', '^22.19.0 || >=23.6.0', true],
    ['22.18.9', '^22.19.0 || >=23.6.0', false],
    ['23.0.0', '^22.19.0 || >=23.6.0', false],
    ['23.5.9', '^22.19.0 || >=23.6.0', false],
    ['23.6.0', '^22.19.0 || >=23.6.0', true],
    ['v24.22.3', '^22.19.0 || >=23.6.0', true],
    ['20.20.2', '^22.19.0 || >=23.6.0', false],
    ['22.18.0', '>=22.18', true],
    ['22.17.9', '>=22.18', false],
    ['22.5.0', '>= 22 < 23', true],
    ['23.0.0', '>=22 <23', false],
    ['18.20.0', '~18.19', false],
    ['18.19.4', '~18.19', true],
    ['22.0.0', '22', true],
    ['22.0.0', '>21', true],
    ['21.9.0', '>21', false],
    ['0.10.0', '^0.10.0', true],
    ['0.11.0', '^0.10.0', false],
    ['24.0.0-nightly2026', '>=24', true],
    ['not a version', '>=1', false],
  ];
  for (const [version, range, expected] of cases) assert.equal(satisfies(version, range), expected, `${version} in ${range}`);
  assert.throws(() => satisfies('22.0.0', '>=22 || '), /empty alternative/);
  assert.throws(() => satisfies('22.0.0', 'node22'), /unsupported comparator/);
});

test('minimumVersion is the lowest release a range lets in', () => {
  assert.equal(minimumVersion('^22.19.0 || >=23.6.0'), '22.19.0');
  assert.equal(minimumVersion('>=23.6.0 || ^22.19.0'), '22.19.0');
  assert.equal(minimumVersion('>=22.18'), '22.18.0');
  assert.equal(minimumVersion('>21'), '22.0.0');
});

test('the refusal says what is installed, what is needed, how to get it per platform, in Korean and English', () => {
  const text = refusalLines('20.20.2', '^22.19.0 || >=23.6.0').join('\n');
  for (const expected of ['Node.js 버전이 낮아', '설치된 버전: v20.20.2', '필요한 버전: 22.19.0 이상', 'macOS: Homebrew', 'brew install node@24',
    'fnm install 24', 'nvm install 24', 'volta install node@24', 'Linux:', 'Windows: WSL', 'winget install', '새 터미널',
    'Node.js v20.20.2 is too old for this course: it needs 22.19.0 or newer']) {
    assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
  }
  assert.ok(!text.includes('node_modules'), 'no stale-tree hint unless asked');
  assert.match(refusalLines('20.20.2', '>=22', { staleNodeModules: true }).join('\n'), /node_modules 폴더를 지우고 npm install/);
});

test('checkNode judges this process and a given version against the real range', () => {
  assert.equal(checkNode().ok, true, 'the Node running the tests passes its own gate');
  assert.deepEqual(checkNode('20.20.2'), { ok: false, installed: 'v20.20.2', range: requiredRange() });
});
