// Chapter 4 from its own page in a real browser, on the real services: a wrong state shown as
// 실패 with a Korean reason, the object store's lab run by its Run buttons, the tables' lab
// caught up with 여기까지 따라잡기 (which brings Kafka and Flink up through chapters 2 and 3's
// own solutions) and then run, and the live panel showing the tables Paimon created. The
// longer chapter 4 labs (streaming, query, time travel, outage) are walked headless in
// tests/integration/labs.test.ts. Starts from nothing and leaves nothing running.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { teardownCluster } from '../helpers/cluster.ts';
import { screenshotPath, type BrowserSession, type LabServer } from '../../tools/harness.ts';
import { card, catchUpStep, checkStep, hasHangul, openChapterFromNothing, openDock, runStep, selectTab, waitForText } from './page-driver.ts';

const CHAPTER = '/04-lakehouse/';
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
  await teardownCluster();
});

test('before the store exists, checking it fails with a Korean reason', { timeout: 120_000 }, async () => {
  const wrong = await checkStep(page(), 'lakehouse-store', 'store-up', 60_000);
  assert.equal(wrong.status, 'failed');
  assert.ok(hasHangul(wrong.summary), `reason: ${JSON.stringify(wrong.summary)}`);
});

test('lab lakehouse-store: every step passes from the page, with the tools\' output on screen', { timeout: 5 * 60_000 }, async () => {
  await openDock(page(), 'lakehouse-store');
  for (const step of ['store-up', 'bucket']) {
    const outcome = await runStep(page(), 'lakehouse-store', step);
    assert.equal(outcome.status, 'passed', `lakehouse-store/${step}: ${outcome.summary} (seen ${outcome.seen.join(' → ')})`);
  }
  await selectTab(page(), 'lakehouse-store', 'main');
  assert.ok(await waitForText(page(), 'lakehouse-store', 'upbit-lake') > 0, 'the bucket name is on screen');
});

test('lab lakehouse-tables: caught up from the page, then created, and the live panel shows the tables', { timeout: 12 * 60_000 }, async () => {
  await openDock(page(), 'lakehouse-tables');
  const caught = await catchUpStep(page(), 'lakehouse-tables', 'create', 'gateway');
  assert.equal(caught.status, 'passed', `catch-up to lakehouse-tables/create: ${caught.summary} (seen ${caught.seen.join(' → ')})`);
  const created = await runStep(page(), 'lakehouse-tables', 'create', 5 * 60_000);
  assert.equal(created.status, 'passed', `lakehouse-tables/create: ${created.summary}`);
  await assert.doesNotReject(card(page(), 'lakehouse-tables', 'create').locator('[data-step-status-label]', { hasText: '통과' }).waitFor({ timeout: 5_000 }));
  const body = page().locator('#panel-lakehouse-tables [data-lake-body]');
  await page().waitForFunction(() => {
    const text = document.querySelector('#panel-lakehouse-tables [data-lake-body]')?.textContent ?? '';
    return text.includes('candles_1m') && text.includes('ticks');
  }, undefined, { timeout: 60_000, polling: 500 });
  assert.match((await body.textContent()) ?? '', /candles_1m/);
  await page().screenshot({ path: screenshotPath('lakehouse-tables-passed') });
});
