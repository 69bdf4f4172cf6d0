// What a learner does on a chapter page, as functions over a Playwright Page: open a lab's
// terminal dock, pick a tab, press Run or Check and wait for the badge, read what a terminal
// shows and search its scrollback. Selectors are the data-* attributes the components render
// (src/components/*.astro), never styling classes, so layout changes do not break the tests.
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, sleep, startLabServer, type BrowserSession, type LabServer } from '../../tools/harness.ts';
import { requireDocker, teardownCluster } from '../helpers/cluster.ts';

export type FinalStatus = 'passed' | 'failed';

export interface StepOutcome {
  status: FinalStatus;
  /** The Korean one-sentence summary under the card. */
  summary: string;
  /** Status values seen on the card since the click, in order. */
  seen: string[];
}

const STATUS_TIMEOUT_MS = 180_000;

export function card(page: Page, lab: string, step: string): Locator {
  return page.locator(`[data-step-card][data-lab="${lab}"][data-step="${step}"]`);
}

export function dock(page: Page, lab: string): Locator {
  return page.locator(`[data-lab-dock][data-lab="${lab}"]`);
}

export function panel(page: Page, lab: string, terminal: string): Locator {
  return dock(page, lab).locator(`[data-terminal-panel="${terminal}"]`);
}

/** Waits until boot.ts has probed the server and revealed the lab buttons. */
export async function waitForLive(page: Page): Promise<void> {
  await page.waitForSelector('html[data-lab-server="live"]', { timeout: 30_000 });
}

/**
 * A click like the learner's; if the fixed terminal dock overlaps the target (it covers the
 * bottom of the viewport), fall back to a DOM click so the test exercises the page, not layout.
 */
export async function press(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  try {
    await target.click({ timeout: 5_000 });
  } catch {
    await target.dispatchEvent('click');
  }
}

export async function openDock(page: Page, lab: string): Promise<void> {
  if (await dock(page, lab).isVisible()) return;
  await press(page.locator(`[data-lab-root][data-lab="${lab}"] [data-lab-action="open"]`));
  await dock(page, lab).waitFor({ state: 'visible', timeout: 30_000 });
  await dock(page, lab).locator('.xterm').first().waitFor({ state: 'attached', timeout: 30_000 });
}

export async function selectTab(page: Page, lab: string, terminal: string): Promise<void> {
  await press(dock(page, lab).locator(`[data-terminal-tab="${terminal}"]`));
  await panel(page, lab, terminal).waitFor({ state: 'visible', timeout: 10_000 });
}

/** Records every data-status the card takes from now on, so a fast step cannot be missed. */
async function recordStatuses(page: Page, lab: string, step: string): Promise<void> {
  await page.evaluate(({ lab, step }) => {
    const key = `${lab}/${step}`;
    const store = ((window as unknown as { __e2eStatus?: Record<string, { seen: string[]; observer: MutationObserver }> }).__e2eStatus ??= {});
    store[key]?.observer.disconnect();
    const element = document.querySelector<HTMLElement>(`[data-step-card][data-lab="${lab}"][data-step="${step}"]`);
    if (!element) throw new Error(`no card ${key}`);
    const seen: string[] = [];
    const observer = new MutationObserver(() => {
      const status = element.dataset.status ?? '';
      if (seen.at(-1) !== status) seen.push(status);
    });
    observer.observe(element, { attributes: true, attributeFilter: ['data-status'] });
    store[key] = { seen, observer };
  }, { lab, step });
}

async function waitForOutcome(page: Page, lab: string, step: string, timeoutMs: number): Promise<StepOutcome> {
  const key = `${lab}/${step}`;
  const handle = await page.waitForFunction((key) => {
    const entry = (window as unknown as { __e2eStatus?: Record<string, { seen: string[]; observer: MutationObserver }> }).__e2eStatus?.[key];
    if (!entry) return false;
    // Finished means: it went busy after our click and then settled.
    const busyAt = entry.seen.findIndex((s) => s === 'running' || s === 'checking');
    const last = entry.seen.at(-1);
    if (busyAt < 0 || (last !== 'passed' && last !== 'failed')) return false;
    entry.observer.disconnect();
    return { status: last, seen: entry.seen };
  }, key, { timeout: timeoutMs, polling: 250 });
  const value = (await handle.jsonValue()) as { status: FinalStatus; seen: string[] };
  await handle.dispose();
  const summary = (await card(page, lab, step).locator('[data-step-result] .lab-step-summary').textContent({ timeout: 5_000 }).catch(() => '')) ?? '';
  return { status: value.status, seen: value.seen, summary: summary.trim() };
}

export async function runStep(page: Page, lab: string, step: string, timeoutMs = STATUS_TIMEOUT_MS): Promise<StepOutcome> {
  await recordStatuses(page, lab, step);
  await press(card(page, lab, step).locator('[data-lab-action="run"]'));
  return waitForOutcome(page, lab, step, timeoutMs);
}

export async function checkStep(page: Page, lab: string, step: string, timeoutMs = STATUS_TIMEOUT_MS): Promise<StepOutcome> {
  await recordStatuses(page, lab, step);
  await press(card(page, lab, step).locator('[data-lab-action="check"]'));
  return waitForOutcome(page, lab, step, timeoutMs);
}

/** The visible rows of a terminal (xterm's DOM renderer), one string per row. */
export async function screenLines(page: Page, lab: string, terminal: string): Promise<string[]> {
  return panel(page, lab, terminal).evaluate((element) =>
    [...element.querySelectorAll('.xterm-rows > div')].map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ')),
  );
}

/**
 * Searches the active terminal's whole buffer (scrollback included, wrapped lines joined) with
 * the dock's own search box; returns the match count it reports.
 */
export async function searchCount(page: Page, lab: string, text: string): Promise<number> {
  const box = dock(page, lab).locator('[data-terminal-search-input]');
  const status = dock(page, lab).locator('[data-terminal-search-status]');
  await status.evaluate((element) => (element.textContent = ''));
  await box.fill(text);
  await box.press('Enter');
  let reported = '';
  for (let waited = 0; waited < 3_000 && reported === ''; waited += 100) {
    await sleep(100);
    reported = ((await status.textContent()) ?? '').trim();
  }
  // Not Escape: from the dock's bar Escape also closes the dock (lab-client.ts).
  await box.fill('');
  const count = /^(\d+)건/.exec(reported);
  return count ? Number(count[1]) : 0;
}

/** Polls searchCount until the text shows up (output may still be arriving). */
export async function waitForText(page: Page, lab: string, text: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await searchCount(page, lab, text);
    if (count > 0 || Date.now() > deadline) return count;
    await sleep(500);
  }
}

/** True when the string has Hangul in it: the learner-facing reasons are Korean. */
export function hasHangul(text: string): boolean {
  return /[\uac00-\ud7a3]/.test(text);
}

/**
 * Presses 여기까지 따라잡기 on a step and waits until `lastBefore` (the step right before it in
 * the same lab) reports its final state: catch-up runs the labs this one builds on first.
 */
export async function catchUpStep(page: Page, lab: string, step: string, lastBefore: string, timeoutMs = 10 * 60_000): Promise<StepOutcome> {
  await recordStatuses(page, lab, lastBefore);
  await press(card(page, lab, step).locator('[data-lab-action="catchup"]'));
  return waitForOutcome(page, lab, lastBefore, timeoutMs);
}

/**
 * A chapter page as a learner first sees it, from nothing: whatever an earlier suite left
 * running is torn down (it would make the first "must fail" check pass), then a lab server and
 * a browser start, the tokened URL sets the cookie, and the page reports the server live.
 */
export async function openChapterFromNothing(chapterPath: string): Promise<{ server: LabServer; session: BrowserSession }> {
  await requireDocker();
  await teardownCluster();
  const server = await startLabServer();
  const session = await launchBrowser();
  await session.page.goto(server.openUrl);
  await session.page.goto(new URL(chapterPath, server.baseUrl).href);
  await waitForLive(session.page);
  return { server, session };
}
