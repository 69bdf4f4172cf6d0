// The real lab server (`npm start -- --class ...`) as an attendee of a class server on
// loopback. No container is started, stopped or changed: the doctor and one step check only
// read Docker's state, so this needs no Docker lock. It checks the wiring in server/main.ts:
// the chosen name and the doctor's verdicts arrive, a step check's state changes arrive with
// a reason free of paths and tokens, and stopping the lab server leaves the class.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { loadCourse } from '../../chapters/plugins.ts';
import { startClassHost, type ClassHost } from '../../server/class/host.ts';
import { SUBPROTOCOL } from '../../server/wire.ts';
import { startLabServer, type LabServer } from '../../tools/harness.ts';

const CODE = 'ROOM-TEST-0000-0001';
let host: ClassHost;
let lab: LabServer;

before(async () => {
  const { labs } = await loadCourse();
  const steps = labs.flatMap((l) => l.steps.map((s) => ({ lab: l.id, step: s.id, labTitle: l.title, title: s.title })));
  host = await startClassHost({ bind: '127.0.0.1', port: 0, steps, code: CODE, pushDelayMs: 10 });
  lab = await startLabServer({ skipBuild: true, args: ['--class', host.address, CODE, '--name', '통합 테스트'] });
});
after(async () => {
  await lab?.dispose();
  await host?.close();
});

async function until<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${lab.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the lab server joins with its name and doctor verdicts, reports a step check, and leaves when stopped', async () => {
  const row = () => host.snapshot().attendees.find((a) => a.name === '통합 테스트');
  await until('the join', row, 20_000);
  const doctor = await until('the doctor verdicts', () => row()?.doctor ?? undefined, 60_000);
  assert.equal(typeof doctor.ok, 'boolean');
  assert.match(lab.output(), /수업에 참가했습니다/);

  const port = new URL(lab.baseUrl).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${lab.token}`, SUBPROTOCOL, { headers: { Origin: `http://127.0.0.1:${port}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(JSON.stringify({ type: 'step.check', lab: 'cluster-up', step: 'compose-up' }));
  // Passed or failed depends on whether the course's cluster is up now; either must arrive.
  const cell = await until('the checked step', () => {
    const found = row()?.cells['cluster-up/compose-up'];
    return found && (found.status === 'passed' || found.status === 'failed') ? found : undefined;
  }, 60_000);
  ws.close();
  if (cell.status === 'failed') {
    assert.ok(cell.summary, 'a failure carries its Korean reason');
    assert.ok(!cell.summary.includes(lab.token) && !/\/(home|tmp|work)\//.test(cell.summary), cell.summary);
  }
  const text = JSON.stringify(host.snapshot());
  assert.ok(!text.includes(lab.token), 'the lab server token never reaches the class server');
  assert.ok(!text.includes(lab.stateDir), 'no path from the laptop reaches the class server');

  await lab.dispose();
  await until('the leave', () => (row() === undefined ? true : undefined), 10_000);
});
