// The instructor's page in a real browser (no Docker needed): a class server on loopback with
// the real course's steps, twelve simulated attendees using the lab server's own reporter,
// and Chromium showing the grid. It checks the cells, the per-step counts, the Korean failure
// reason, the most common failure, that a hostile name stays text under the strict CSP, and
// measures the time from an attendee's step change to the changed cell on screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadCourse } from '../../chapters/plugins.ts';
import { startClassHost, type ClassHost, type StepInfo } from '../../server/class/host.ts';
import { ClassReporter } from '../../server/class/reporter.ts';
import { launchBrowser, screenshotPath, type BrowserSession } from '../../tools/harness.ts';

const CODE = 'TEST-CLAS-SVEW-0001';
/** 28 characters, within the 32 a name may have: an alert() here would mean the page ran it. */
const HOSTILE = '<img src=x onerror=alert(1)>';
let host: ClassHost;
let session: BrowserSession;
let steps: StepInfo[];
const reporters: ClassReporter[] = [];
const quorumFailure = '컨트롤러 쿼럼에 2대만 있습니다. kafka-3을 다시 시작하세요.';

before(async () => {
  const { labs } = await loadCourse();
  steps = labs.flatMap((lab) => lab.steps.map((step) => ({ lab: lab.id, step: step.id, labTitle: lab.title, title: step.title })));
  host = await startClassHost({ bind: '127.0.0.1', port: 0, steps, code: CODE });
  session = await launchBrowser();
  await session.context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
});
after(async () => {
  await Promise.all(reporters.map((r) => r.leave()));
  await session?.dispose();
  await host?.close();
});

function attendee(name: string): ClassReporter {
  const reporter = new ClassReporter({ server: host.address, code: CODE, name, batchDelayMs: 10, initialBackoffMs: 50 });
  reporters.push(reporter);
  reporter.start();
  return reporter;
}

async function settle(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (host.snapshot().attendees.length < count || reporters.some((r) => r.stats().queued > 0)) {
    if (Date.now() > deadline) throw new Error('the simulated attendees did not report in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('the grid shows each attendee\'s steps, the counts and the most common failure', async () => {
  const [first, second, third] = steps as [StepInfo, StepInfo, StepInfo];
  const stuck: ClassReporter[] = [];
  for (let i = 0; i < 12; i++) {
    const reporter = attendee(i === 0 ? HOSTILE : `참가자${String(i).padStart(2, '0')}`);
    reporter.step({ lab: first.lab, step: first.step, status: 'passed' });
    if (i < 9) reporter.step({ lab: second.lab, step: second.step, status: 'passed' });
    if (i >= 9) stuck.push(reporter);
    if (i < 3) reporter.step({ lab: third.lab, step: third.step, status: 'running' });
    else if (i < 5) reporter.step({ lab: third.lab, step: third.step, status: 'failed', result: { summary: '토픽이 없습니다. 앞 단계를 먼저 하세요.' } });
  }
  for (const reporter of stuck) reporter.step({ lab: second.lab, step: second.step, status: 'failed', result: { summary: quorumFailure } });
  await settle(12);

  const page = session.page;
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(host.instructorUrl);
  assert.ok(!page.url().includes('key='), 'the key left the address bar');
  await page.waitForFunction(() => document.querySelectorAll('#grid-body tr').length === 12);

  // Each lab's header spans exactly its steps, so every number sits under its own lab.
  const spans = await page.locator('#grid-head th[data-lab]').evaluateAll((ths) => ths.map((th) => [(th as HTMLElement).dataset['lab'], (th as HTMLTableCellElement).colSpan]));
  const expected = [...steps.reduce((map, s) => map.set(s.lab, (map.get(s.lab) ?? 0) + 1), new Map<string, number>())];
  assert.deepEqual(spans, expected);

  const cell = (name: string, step: StepInfo) => page.locator('#grid-body tr', { has: page.locator('td.name', { hasText: name }) }).locator(`td[data-step="${step.lab}/${step.step}"]`);
  assert.equal(await cell('참가자01', first).getAttribute('data-status'), 'passed');
  assert.equal(await cell('참가자10', second).getAttribute('data-status'), 'failed');
  assert.equal(await cell('참가자02', third).getAttribute('data-status'), 'running');
  assert.equal(await cell('참가자11', third).getAttribute('data-status'), 'idle');
  const nowOf10 = await page.locator('#grid-body tr', { has: page.locator('td.name', { hasText: '참가자10' }) }).locator('td[data-role="now"]').textContent();
  assert.match(nowOf10 ?? '', /실패/);
  assert.ok(nowOf10?.includes(quorumFailure), nowOf10 ?? '');

  const foot = (step: StepInfo) => page.locator(`#grid-foot td[data-step="${step.lab}/${step.step}"]`);
  assert.deepEqual(await foot(first).evaluate((td: HTMLElement) => ({ ...td.dataset })), { step: `${first.lab}/${first.step}`, passed: '12', running: '0', failed: '0' });
  assert.deepEqual(await foot(second).evaluate((td: HTMLElement) => [td.dataset['passed'], td.dataset['failed']]), ['9', '3']);
  assert.deepEqual(await foot(third).evaluate((td: HTMLElement) => [td.dataset['running'], td.dataset['failed']]), ['3', '2']);
  assert.match(await page.locator('#common-text').textContent() ?? '', new RegExp(`${quorumFailure.replace(/[.]/g, '\\.')} \\(3명\\)`));

  // The hostile name is shown as its characters, and nothing it contains ran.
  assert.equal(await page.locator('#grid-body td.name', { hasText: 'onerror' }).textContent(), HOSTILE);
  assert.equal(await page.locator('#grid-body img').count(), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  await page.screenshot({ path: screenshotPath('class-view'), fullPage: true });
});

test('a step change reaches the instructor\'s screen quickly (p95 printed)', async () => {
  const page = session.page;
  const target = steps[3]!;
  const reporter = attendee('측정');
  await settle(13);
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const status = i % 2 === 0 ? 'running' : 'passed';
    const started = Date.now();
    reporter.step({ lab: target.lab, step: target.step, status });
    await page.waitForFunction(([key, want]) => {
      const row = [...document.querySelectorAll('#grid-body tr')].find((tr) => tr.querySelector('td.name')?.textContent === '측정');
      return row?.querySelector(`td[data-step="${key}"]`)?.getAttribute('data-status') === want;
    }, [`${target.lab}/${target.step}`, status] as const, { polling: 'raf', timeout: 5000 });
    latencies.push(Date.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const p95 = latencies[Math.ceil(latencies.length * 0.95) - 1]!;
  console.log(`step change → instructor grid: p50 ${latencies[Math.floor(latencies.length / 2)]} ms, p95 ${p95} ms, max ${latencies.at(-1)} ms (n=${latencies.length})`);
  assert.ok(p95 < 2000, `p95 ${p95} ms`);
});
