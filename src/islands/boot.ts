// The only lab JavaScript a chapter page runs up front (about 2 KB gzip with Vite's preload
// helper): it asks
// whether the lab server is behind this page, reveals the lab buttons if so, and loads the
// terminal island (xterm and friends) with import() on the learner's first use of a lab.
// Without a lab server nothing changes: the page stays a static page with copyable commands.
import { fetchLabStatus, detectLabServer, type LabProgress, type LabServerMode } from './server-mode.ts';
import { STATUS_LABEL } from './step-view.ts';
import type { LabClient } from './lab-client.ts';

const NOTICE: Partial<Record<LabServerMode, string>> = {
  'no-token': '랩 서버는 켜져 있지만 이 주소에는 접속 토큰이 없습니다. npm start가 출력한 주소(토큰 포함)로 다시 여세요.',
  'version-mismatch': '랩 서버와 이 페이지의 버전이 다릅니다. 페이지를 새로 고치거나 npm start를 다시 실행하세요.',
};

let client: Promise<LabClient> | undefined;

function loadClient(): Promise<LabClient> {
  client ??= import('./lab-client.ts').then((module) => module.startLabClient(document));
  // A failed chunk load must not stick: the next click tries again.
  client.catch(() => {
    client = undefined;
  });
  return client;
}

function showNotice(text: string): void {
  for (const notice of document.querySelectorAll<HTMLElement>('[data-lab-notice]')) {
    notice.textContent = text;
    notice.hidden = false;
  }
}

async function onAction(button: HTMLButtonElement): Promise<void> {
  const labId = button.closest<HTMLElement>('[data-lab]')?.dataset.lab;
  if (!labId) return;
  const stepId = button.closest<HTMLElement>('[data-step]')?.dataset.step;
  button.setAttribute('aria-busy', 'true');
  try {
    const labClient = await loadClient();
    await labClient.perform(button.dataset.labAction ?? '', labId, stepId, button);
  } catch {
    showNotice('실습 화면을 불러오지 못했습니다. 페이지를 새로 고쳐 보세요.');
  } finally {
    button.removeAttribute('aria-busy');
  }
}

function goLive(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-lab-live]')) element.hidden = false;
  for (const element of document.querySelectorAll<HTMLElement>('[data-lab-static]')) element.hidden = true;
  // These listeners live as long as the page: boot.ts is the page's lab entry point.
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-lab-action]') : null;
    if (button && !button.disabled) void onAction(button);
  });
  // Fetch the island as soon as the learner shows intent, so the first click feels instant.
  const prefetch = (event: Event): void => {
    if (event.target instanceof Element && event.target.closest('[data-lab-live]')) {
      document.removeEventListener('pointerover', prefetch);
      document.removeEventListener('focusin', prefetch);
      void import('./lab-client.ts').catch(() => undefined);
    }
  };
  document.addEventListener('pointerover', prefetch);
  document.addEventListener('focusin', prefetch);
}

/**
 * Shows finished steps as 통과/실패 right away, from /api/status, so a reload does not reset
 * the badges to 대기 until the island loads (the island then fills in results and evidence).
 */
function showProgress(progress: LabProgress): void {
  for (const card of document.querySelectorAll<HTMLElement>('[data-lab][data-step]')) {
    const status = progress[`${card.dataset.lab}/${card.dataset.step}`];
    if (!status || (card.dataset.status && card.dataset.status !== 'idle')) continue;
    card.dataset.status = status;
    const badge = card.querySelector<HTMLElement>('[data-step-badge]');
    if (badge) badge.dataset.status = status;
    const label = card.querySelector<HTMLElement>('[data-step-status-label]');
    if (label) label.textContent = STATUS_LABEL[status];
  }
}

async function boot(): Promise<void> {
  if (!document.querySelector('[data-lab]')) return;
  let progress: LabProgress = {};
  const mode = await detectLabServer(fetchLabStatus, (reported) => {
    progress = reported;
  });
  document.documentElement.dataset.labServer = mode;
  if (mode === 'live') {
    goLive();
    showProgress(progress);
  }
  else {
    const notice = NOTICE[mode];
    if (notice) showNotice(notice);
  }
}

void boot();
