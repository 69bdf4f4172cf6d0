// The panel hub: one source per kind, started on first watch, and a lab step's start or end
// passed on (`nudge`) only to sources that are running.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import type { PanelKind } from '../../../server/course.ts';
import type { CourseLab } from '../../../server/labs.ts';
import { PanelHub } from '../../../server/panels/hub.ts';

test('nudge reaches the running sources only, and a source without nudge is fine', async () => {
  let created = 0;
  let nudged = 0;
  const kinds: PanelKind[] = [
    { kind: 'pacing', options: {} as PanelKind['options'], create: () => { created++; return { watch: () => () => undefined, nudge: () => { nudged++; }, dispose: async () => undefined }; } },
    { kind: 'plain', options: {} as PanelKind['options'], create: () => ({ watch: () => () => undefined, dispose: async () => undefined }) },
  ];
  const labs = [
    { id: 'a', panel: { kind: 'pacing', with: {} } },
    { id: 'b', panel: { kind: 'plain', with: {} } },
  ] as unknown as CourseLab[];
  const hub = new PanelHub({ labs, kinds, docker: {} as Docker, stateDir: '/nonexistent' });
  hub.nudge();
  assert.equal(nudged, 0, 'no source started yet');
  const stopA = hub.watch('a', () => undefined);
  const stopB = hub.watch('b', () => undefined);
  hub.nudge();
  assert.equal(created, 1);
  assert.equal(nudged, 1);
  stopA?.();
  stopB?.();
  await hub.dispose();
});
