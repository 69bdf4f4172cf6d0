// Build-time lookups behind <Lab> and <LabStep>: the real labs resolve, wrong references fail
// with a message that names the MDX reference and the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { courseLabs as loadLabs } from '../../../chapters/index.ts';
import { actionView, LabReferenceError, panelToggleLabel, PANEL_TOGGLE_LABELS, pageReference, requireLab, requireStep, siteLabs, solutionView } from '../../../src/components/lab-data.ts';

const labs = loadLabs();

test('siteLabs reads every lab under plain node and caches it', () => {
  assert.deepEqual(siteLabs().map((l) => l.id), labs.map((l) => l.id));
  assert.equal(siteLabs(), siteLabs());
});

test('every lab and step of the course resolves', () => {
  for (const lab of labs) {
    assert.equal(requireLab(labs, lab.id, 'x').id, lab.id);
    lab.steps.forEach((step, index) => assert.equal(requireStep(labs, lab.id, step.id, 'x').index, index));
  }
});

test('an unknown step names the reference, the page and the steps that exist', () => {
  assert.throws(() => requireStep(labs, 'cluster-up', 'nope', pageReference('/02-kafka-kraft/')), (error: unknown) => {
    assert.ok(error instanceof LabReferenceError);
    assert.match(error.message, /페이지 \/02-kafka-kraft\/: <LabStep lab="cluster-up" step="nope" \/>/);
    assert.match(error.message, /compose-up/);
    return true;
  });
});

test('an unknown lab fails for <Lab> and <LabStep>', () => {
  assert.throws(() => requireLab(labs, 'no-lab', 'p'), /<Lab id="no-lab" \/>.*no-lab\.yaml이 어느 장의 labs에도 없습니다/);
  assert.throws(() => requireStep(labs, 'no-lab', 'x', 'p'), /<LabStep lab="no-lab" step="x" \/>/);
});

test('action and solution views cover every kind', () => {
  const failover = requireLab(labs, 'failover', 'p');
  const verify = requireStep(labs, 'failover', 'verify', 'p').step;
  assert.deepEqual(actionView(verify), { kind: 'interrupt', terminals: ['ledger'] });
  const start = actionView(failover.steps[0]!);
  assert.equal(start.kind === 'command' && start.stream, true);
  assert.deepEqual(solutionView(requireStep(labs, 'cluster-up', 'compose-ps', 'p').step), { kind: 'own-action' });
  assert.deepEqual(solutionView({ ...verify, solution: [] }), { kind: 'skipped' });
  assert.deepEqual(
    solutionView({ ...verify, solution: [{ terminal: 'main', command: 'a' }, { terminal: 'main', command: 'b' }, { terminal: 'ledger', command: 'c' }] }),
    { kind: 'commands', blocks: [{ terminal: 'main', code: 'a\nb' }, { terminal: 'ledger', code: 'c' }] },
  );
});

test('every lab\'s panel is a kind the site draws; a lab without one gets no toggle; an unknown kind fails the build', () => {
  for (const lab of labs) if (lab.panel) assert.ok(PANEL_TOGGLE_LABELS[lab.panel.kind], `${lab.id}: ${lab.panel.kind}`);
  assert.equal(panelToggleLabel(requireLab(labs, 'failover', 'p')), '클러스터 그림');
  assert.equal(panelToggleLabel({ ...requireLab(labs, 'failover', 'p'), panel: null }), null);
  assert.throws(() => panelToggleLabel({ ...requireLab(labs, 'failover', 'p'), panel: { kind: 'no-such-panel', with: {} } }), LabReferenceError);
});
