// The doctor's Node probe reads package.json engines.node through the gate module, so its
// verdict and words are the ones an old Node is refused with. 23.0 to 23.5 lie above the
// minimum but cannot strip types, so the range has to exclude them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADLINE, englishLine, installSteps, neededText, refusalLines, requiredRange } from '../../../scripts/node-gate.cjs';
import { NODE_FIX, probeNodeVersion, supportsTypeStripping } from '../../../server/preflight/node-version.ts';
import { displayWidth, formatReport } from '../../../server/preflight/format.ts';

test('supportsTypeStripping follows package.json engines.node', () => {
  for (const version of ['22.19.0', 'v22.20.1', '23.6.0', '24.0.0', '26.1.0']) assert.equal(supportsTypeStripping(version), true, version);
  for (const version of ['20.19.0', '22.17.1', '22.18.0', '23.5.0', 'v18.0.0', '']) assert.equal(supportsTypeStripping(version), false, version);
});

test('probeNodeVersion fails an old Node with the gate\'s own words', () => {
  const result = probeNodeVersion('20.20.2');
  assert.equal(result.status, 'fail');
  assert.ok(result.detail.startsWith(HEADLINE), result.detail);
  assert.ok(result.detail.includes('설치된 버전: v20.20.2'), result.detail);
  assert.ok(result.detail.includes(neededText(requiredRange())), result.detail);
  assert.equal(result.fix, NODE_FIX);
  // Every line of the doctor's fix is a line of the refusal the gate prints.
  const refusal = refusalLines('20.20.2', requiredRange()).map((line) => line.replace(/^\s*(- )?/, ''));
  for (const line of NODE_FIX.split('\n')) assert.ok(refusal.includes(line), line);
  assert.equal(probeNodeVersion('24.1.0').status, 'pass');
  assert.equal(probeNodeVersion().status, 'pass', 'the Node running these tests is new enough');
});

test('the doctor table keeps a multi-line fix under its label', () => {
  const table = formatReport({ ok: false, durationMs: 5, results: [probeNodeVersion('18.19.0')] }, { color: false });
  const lines = table.split('\n');
  const first = lines.findIndex((line) => line.includes('→ 해결: macOS:'));
  assert.ok(first > 0, table);
  // Columns on screen, not string offsets: the label's Hangul is two columns wide.
  const columnOf = (line: string, text: string) => displayWidth(line.slice(0, line.indexOf(text)));
  const column = columnOf(lines[first] ?? '', 'macOS:');
  for (const step of installSteps().slice(1)) {
    const line = lines.find((candidate) => candidate.includes(step)) ?? '';
    assert.equal(columnOf(line, step), column, `aligned: ${step}`);
  }
  assert.ok(!table.includes(englishLine('18.19.0', requiredRange())), 'the English line is for the gate, not the doctor table');
});
