// The whole chapter 2 in a real browser against a real lab server and Docker: every lab in
// course order, step by step, through the page's own Run buttons, plus the three things only
// a browser shows (a reload reattaching a running terminal, a wrong state reported as 실패
// with a reason, and free typing into a shell). Brings the cluster up and tears it down
// through the labs themselves. Needs Docker and the Kafka image; takes about 5 minutes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { courseLabs as loadLabs } from '../../chapters/index.ts';
import { kafkaChapter } from '../../chapters/02-kafka/chapter.ts';
import type { Lab } from '../../server/labs.ts';
import { screenshotPath, sleep, type BrowserSession, type LabServer } from '../../tools/harness.ts';
import {
  card,
  openChapterFromNothing,
  checkStep,
  hasHangul,
  openDock,
  panel,
  runStep,
  screenLines,
  selectTab,
  waitForLive,
  waitForText,
} from './page-driver.ts';

const CHAPTER = '/02-kafka-kraft/';
const labs: Lab[] = loadLabs();
let server: LabServer | undefined;
let session: BrowserSession | undefined;

function page() {
  if (!session) throw new Error('browser not started');
  return session.page;
}

before(async () => {
  ({ server, session } = await openChapterFromNothing(CHAPTER));
}, { timeout: 180_000 });

after(async () => {
  await session?.dispose();
  await server?.dispose();
});

function lab(id: string): Lab {
  const found = labs.find((l) => l.id === id);
  if (!found) throw new Error(`no lab ${id}`);
  return found;
}

/**
 * Text the real tools print for a step, looked up in the xterm pane: the learner must see the
 * output, not only the typed command. Strings come from Kafka's and Compose's own output.
 */
const EXPECTED_OUTPUT: Record<string, string> = {
  'cluster-up/server-started': 'Kafka Server started',
  'cluster-up/quorum': 'LeaderId',
  'topics/create': 'Created topic upbit-ticker',
  'topics/describe': 'PartitionCount: 3',
  'clients/lag': 'CURRENT-OFFSET',
  'teardown/down': 'Removed',
};

/** Runs one step through the page and checks its command and output reached the right terminal pane. */
async function runAndVerify(labId: string, stepId: string): Promise<void> {
  const step = lab(labId).steps.find((s) => s.id === stepId);
  assert.ok(step, `${labId}/${stepId} exists`);
  await openDock(page(), labId);
  if (step.action.kind === 'command') await selectTab(page(), labId, step.action.terminal);
  const outcome = await runStep(page(), labId, stepId);
  assert.equal(outcome.status, 'passed', `${labId}/${stepId}: ${outcome.summary} (seen ${outcome.seen.join(' → ')})`);
  await assert.doesNotReject(card(page(), labId, stepId).locator('[data-step-status-label]', { hasText: '통과' }).waitFor({ timeout: 5_000 }));
  if (step.action.kind === 'command') {
    await selectTab(page(), labId, step.action.terminal);
    const count = await waitForText(page(), labId, step.action.command);
    assert.ok(count > 0, `${labId}/${stepId}: command not found in terminal ${step.action.terminal}: ${step.action.command}`);
    const expected = EXPECTED_OUTPUT[`${labId}/${stepId}`];
    if (expected) {
      const seen = await waitForText(page(), labId, expected);
      assert.ok(seen > 0, `${labId}/${stepId}: output '${expected}' not shown in terminal ${step.action.terminal}`);
    }
  }
}

test('before the cluster exists, checking topics/describe fails with a Korean reason', { timeout: 120_000 }, async () => {
  const outcome = await checkStep(page(), 'topics', 'describe', 90_000);
  assert.equal(outcome.status, 'failed');
  assert.ok(outcome.summary.length > 0 && hasHangul(outcome.summary), `reason: ${JSON.stringify(outcome.summary)}`);
  await assert.doesNotReject(card(page(), 'topics', 'describe').locator('[data-step-status-label]', { hasText: '실패' }).waitFor({ timeout: 5_000 }));
  await card(page(), 'topics', 'describe').screenshot({ path: screenshotPath('check-before-run-failed') });
});

// This suite drives chapter 2's page; later chapters' labs are walked headless in
// tests/integration/labs.test.ts (their steps need minutes of Flink each).
for (const labId of kafkaChapter.labs) {
  test(`lab ${labId}: every step passes from the page`, { timeout: 20 * 60_000 }, async () => {
    if (labId === 'teardown') {
      // A wrong state first: the cluster is still up, so "nothing left" must fail, with a reason.
      const wrong = await checkStep(page(), 'teardown', 'down', 120_000);
      assert.equal(wrong.status, 'failed');
      assert.ok(hasHangul(wrong.summary), `reason: ${JSON.stringify(wrong.summary)}`);
      await card(page(), 'teardown', 'down').screenshot({ path: screenshotPath('teardown-check-while-up-failed') });
    }
    for (const step of lab(labId).steps) {
      await runAndVerify(labId, step.id);
      if (labId === 'failover' && step.id === 'start-ledger') await reloadWhileLedgerRuns();
    }
    await page().screenshot({ path: screenshotPath(`lab-${labId}-passed`), fullPage: false });
  });

  if (labId === 'cluster-up') {
    test('free typing: a line typed into the terminal runs in its shell', { timeout: 60_000 }, async () => {
      await openDock(page(), 'cluster-up');
      await selectTab(page(), 'cluster-up', 'main');
      const token = `e2e-${Math.floor(Math.random() * 1e9)}`;
      await panel(page(), 'cluster-up', 'main').locator('.xterm').click();
      await page().keyboard.type(`echo ${token}`);
      await page().keyboard.press('Enter');
      const deadline = Date.now() + 15_000;
      let lines: string[] = [];
      while (Date.now() < deadline) {
        lines = await screenLines(page(), 'cluster-up', 'main');
        if (lines.some((line) => line.trim() === token)) break;
        await sleep(200);
      }
      assert.ok(lines.some((line) => line.trim() === token), `echo output missing; screen:\n${lines.join('\n')}`);
      await page().screenshot({ path: screenshotPath('free-typing') });
    });
  }
}

/** Reload mid-stream: the ledger terminal must come back with its past output and keep going. */
async function reloadWhileLedgerRuns(): Promise<void> {
  const ackedNow = async (): Promise<number> => {
    const numbers = (await screenLines(page(), 'failover', 'ledger')).flatMap((line) => [...line.matchAll(/acked=(\d+)/g)].map((m) => Number(m[1])));
    return numbers.length ? Math.max(...numbers) : -1;
  };
  await selectTab(page(), 'failover', 'ledger');
  let before = -1;
  for (let tries = 0; tries < 40 && before < 0; tries++) {
    await sleep(250);
    before = await ackedNow();
  }
  assert.ok(before >= 0, 'ledger shows an acked= line before the reload');

  await page().reload();
  await waitForLive(page());
  // Finished steps come back from /api/status before any terminal code loads.
  await assert.doesNotReject(card(page(), 'topics', 'create').locator('[data-step-status-label]', { hasText: '통과' }).waitFor({ timeout: 10_000 }), 'badges restored at load');
  await openDock(page(), 'failover');
  await assert.doesNotReject(card(page(), 'failover', 'start-ledger').locator('[data-step-status-label]', { hasText: '통과' }).waitFor({ timeout: 15_000 }), 'step state survives the reload');
  await selectTab(page(), 'failover', 'ledger');
  // The banner was printed once, before the reload: seeing it again means the screen was replayed.
  const replayed = await waitForText(page(), 'failover', '장부 프로듀서 시작', 20_000);
  assert.ok(replayed > 0, 'earlier ledger output is replayed after the reload');
  let later = -1;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && later <= before) {
    await sleep(500);
    later = await ackedNow();
  }
  assert.ok(later > before, `ledger keeps updating after the reload (acked ${before} → ${later})`);
  await page().screenshot({ path: screenshotPath('failover-after-reload') });
}
