// A <LabStep> card on the page: its badge, elapsed time and result box, and the board of all
// cards that applies step states from the server, announces changes politely and ticks the
// elapsed time of running steps once a second (only while any runs).
import type { StepState } from '../../server/wire.ts';
import { announcement, elapsedText, isBusy, STATUS_LABEL } from './step-view.ts';

export class StepCard {
  readonly element: HTMLElement;
  readonly lab: string;
  readonly step: string;
  readonly title: string;
  state: StepState | undefined;
  readonly #badge: HTMLElement | null;
  readonly #label: HTMLElement | null;
  readonly #elapsed: HTMLElement | null;
  readonly #result: HTMLElement | null;

  constructor(element: HTMLElement, lab: string, step: string) {
    this.element = element;
    this.lab = lab;
    this.step = step;
    this.title = element.dataset.stepTitle ?? step;
    this.#badge = element.querySelector('[data-step-badge]');
    this.#label = element.querySelector('[data-step-status-label]');
    this.#elapsed = element.querySelector('[data-step-elapsed]');
    this.#result = element.querySelector('[data-step-result]');
  }

  apply(state: StepState, now: number): void {
    this.state = state;
    this.element.dataset.status = state.status;
    if (this.#badge) this.#badge.dataset.status = state.status;
    if (this.#label) this.#label.textContent = STATUS_LABEL[state.status];
    this.tick(now);
    const busy = isBusy(state.status);
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('[data-lab-action]')) button.disabled = busy;
    this.element.setAttribute('aria-busy', String(busy));
    this.#renderResult(state);
  }

  tick(now: number): void {
    if (this.state && this.#elapsed) this.#elapsed.textContent = elapsedText(this.state, now);
  }

  showMessage(text: string): void {
    if (!this.#result) return;
    const line = document.createElement('p');
    line.className = 'lab-step-error';
    line.textContent = text;
    this.#result.replaceChildren(line);
    this.#result.hidden = false;
  }

  #renderResult(state: StepState): void {
    const box = this.#result;
    if (!box) return;
    const result = state.result;
    if (!result || (state.status !== 'passed' && state.status !== 'failed')) {
      if (isBusy(state.status) && !box.hidden) {
        // Run again: the last result stays, dimmed, until the new one replaces it. The card
        // keeps its height, so the chapter below does not reflow and jump in the very frame
        // the terminal's first output is due.
        box.dataset.stale = 'true';
        return;
      }
      box.replaceChildren();
      box.hidden = true;
      delete box.dataset.stale;
      return;
    }
    const summary = document.createElement('p');
    summary.className = 'lab-step-summary';
    summary.textContent = result.summary;
    const parts: HTMLElement[] = [summary];
    if (result.evidence.length > 0) {
      const heading = document.createElement('p');
      heading.className = 'lab-step-evidence-heading';
      heading.textContent = result.ok ? '확인한 근거' : '확인한 내용';
      const list = document.createElement('ul');
      list.className = 'lab-step-evidence';
      for (const line of result.evidence) {
        const item = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = line;
        item.append(code);
        list.append(item);
      }
      parts.push(heading, list);
    }
    box.replaceChildren(...parts);
    box.hidden = false;
    delete box.dataset.stale;
  }
}

export class StepBoard {
  readonly #cards = new Map<string, StepCard>();
  readonly #announce: (text: string) => void;
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(root: Document, announce: (text: string) => void) {
    this.#announce = announce;
    for (const element of root.querySelectorAll<HTMLElement>('[data-step-card]')) {
      const lab = element.dataset.lab;
      const step = element.dataset.step;
      if (lab && step) this.#cards.set(`${lab}/${step}`, new StepCard(element, lab, step));
    }
  }

  get(lab: string, step: string): StepCard | undefined {
    return this.#cards.get(`${lab}/${step}`);
  }

  apply(state: StepState, announce: boolean): void {
    const card = this.#cards.get(`${state.lab}/${state.step}`);
    if (!card) return;
    const previous = card.state?.status;
    card.apply(state, Date.now());
    if (announce && previous !== state.status) this.#announce(announcement(card.title, state));
    if (isBusy(state.status)) this.#startTicker();
  }

  dispose(): void {
    this.#stopTicker();
  }

  #startTicker(): void {
    if (this.#ticker !== undefined) return;
    this.#ticker = setInterval(() => {
      const now = Date.now();
      let busy = false;
      for (const card of this.#cards.values()) {
        if (!card.state || !isBusy(card.state.status)) continue;
        busy = true;
        card.tick(now);
      }
      if (!busy) this.#stopTicker();
    }, 1000);
  }

  #stopTicker(): void {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }
}
