// The lab island: loaded by boot.ts with import() the first time a learner uses a lab, so a
// chapter page ships almost no JavaScript until then. It binds the server-rendered <Lab>,
// <LabStep> and dock markup to one LabConnection: terminals (slots, acks, input), step
// badges, errors and the cluster picture. It owns every resource it creates and releases
// them in dispose().
import { MAX_INPUT_BYTES, type ServerMessage, type StepState } from '../../server/wire.ts';
import { AckMeter } from './ack-meter.ts';
import { LabConnection, labSocketUrl, type ConnectionState } from './connection.ts';
import { fetchLabStatus, detectLabServer } from './server-mode.ts';
import { announcement, elapsedText, isBusy, STATUS_LABEL } from './step-view.ts';
import { createPanelView, type PanelView } from './panels.ts';
import { LabDock, type TerminalView } from './terminal-dock.ts';

export interface LabClient {
  /** `action` comes from a button's data-lab-action; unknown actions are ignored. */
  perform(action: string, labId: string, stepId: string | undefined, trigger: HTMLElement): Promise<void>;
  dispose(): void;
}

/** How long the first click waits for the socket, and a Run for its terminals to attach. */
const CONNECT_WAIT_MS = 5000;
const TERMINAL_WAIT_MS = 10_000;

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: '랩 서버에 연결하는 중…',
  open: '',
  reconnecting: '연결이 끊겼습니다 — 다시 연결하는 중',
  'token-lost': '랩 서버가 이 페이지를 알아보지 못합니다. npm start가 출력한 주소(토큰 포함)로 다시 여세요.',
  'version-mismatch': '랩 서버가 새 버전으로 바뀌었습니다. 페이지를 새로 고치세요.',
  closed: '',
};

const NOT_CONNECTED = '랩 서버에 연결되어 있지 않습니다. 연결이 돌아오면 다시 눌러 주세요.';

function clampDimension(value: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(value)));
}

class StepCard {
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
      box.replaceChildren();
      box.hidden = true;
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
  }
}

class LabPanel {
  readonly id: string;
  readonly element: HTMLElement;
  readonly dock: LabDock | undefined;
  /** The lab's live panel (its kind and view), if it declares one. */
  readonly live: { kind: string; view: PanelView } | undefined;
  readonly #connectionLine: HTMLElement | null;
  readonly #errorLine: HTMLElement | null;

  constructor(id: string, element: HTMLElement, dock: LabDock | undefined, live: { kind: string; view: PanelView } | undefined) {
    this.id = id;
    this.element = element;
    this.dock = dock;
    this.live = live;
    this.#connectionLine = element.querySelector('[data-lab-connection]');
    this.#errorLine = element.querySelector('[data-lab-error]');
  }

  setConnection(text: string): void {
    if (this.#connectionLine) this.#connectionLine.textContent = text;
  }

  showError(text: string): void {
    if (!this.#errorLine) return;
    this.#errorLine.textContent = text;
    this.#errorLine.hidden = false;
  }

  clearError(): void {
    if (!this.#errorLine) return;
    this.#errorLine.textContent = '';
    this.#errorLine.hidden = true;
  }
}

type TerminalWaiter = { panel: LabPanel; resolve: (attached: boolean) => void; timer: ReturnType<typeof setTimeout> };

class PageLabClient implements LabClient {
  readonly #connection: LabConnection;
  readonly #panels = new Map<string, LabPanel>();
  readonly #cards = new Map<string, StepCard>();
  readonly #slots = new Map<number, TerminalView>();
  readonly #opening = new Set<TerminalView>();
  readonly #terminalWaiters = new Set<TerminalWaiter>();
  readonly #openWaiters = new Set<(open: boolean) => void>();
  readonly #listeners = new AbortController();
  readonly #announcer: HTMLElement;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #lastPanel: LabPanel | undefined;
  #wasOpen = false;
  /** Lab whose panel the server is sending us, undefined when not watching. */
  #watching: string | undefined;

  constructor(root: Document) {
    this.#announcer = root.createElement('div');
    this.#announcer.className = 'sr-only';
    this.#announcer.setAttribute('aria-live', 'polite');
    this.#announcer.setAttribute('role', 'status');
    root.body.append(this.#announcer);

    for (const element of root.querySelectorAll<HTMLElement>('[data-step-card]')) {
      const lab = element.dataset.lab;
      const step = element.dataset.step;
      if (lab && step) this.#cards.set(`${lab}/${step}`, new StepCard(element, lab, step));
    }
    for (const element of root.querySelectorAll<HTMLElement>('[data-lab-root]')) {
      const id = element.dataset.lab;
      if (!id || this.#panels.has(id)) continue;
      const dockElement = element.querySelector<HTMLElement>('[data-lab-dock]');
      const panelElement = element.querySelector<HTMLElement>('[data-lab-panel]');
      const dock = dockElement
        ? new LabDock(id, dockElement, {
          input: (view, data) => this.#sendInput(view, data),
          resize: (view, cols, rows) => this.#sendResize(view, cols, rows),
        })
        : undefined;
      const live = panelElement ? createPanelView(panelElement, `panel-${id}`) : undefined;
      this.#panels.set(id, new LabPanel(id, element, dock, live));
    }

    this.#connection = new LabConnection(labSocketUrl(location), {
      state: (state) => this.#onState(state),
      message: (message) => this.#onMessage(message),
      frame: (slot, payload) => this.#onFrame(slot, payload),
    }, () => detectLabServer(fetchLabStatus));

    const signal = this.#listeners.signal;
    // A page kept in the back/forward cache must not hold a socket (and PTY pauses) open.
    window.addEventListener('pagehide', () => this.#connection.close(), { signal });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) this.#connection.connect();
    }, { signal });
    root.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      const panel = [...this.#panels.values()].find((p) => p.dock?.visible && p.dock.element.contains(event.target as Node | null));
      // Escape closes the dock only from its bar; inside a terminal it belongs to the program.
      if (panel && !(event.target instanceof HTMLElement && event.target.closest('.xterm'))) this.#hideDock(panel, true);
    }, { signal });
    this.#connection.connect();
  }

  async perform(action: string, labId: string, stepId: string | undefined, trigger: HTMLElement): Promise<void> {
    const panel = this.#panels.get(labId);
    const card = stepId === undefined ? undefined : this.#cards.get(`${labId}/${stepId}`);
    if (panel) this.#lastPanel = panel;
    panel?.clearError();
    switch (action) {
      case 'open': {
        if (!panel?.dock) return this.#reportMissingLab(labId, card);
        this.#showDock(panel);
        panel.dock.active?.focus();
        if (await this.#requireOpen(panel, card)) await this.#openTerminals(panel);
        return;
      }
      case 'close':
        if (panel) this.#hideDock(panel, true);
        return;
      case 'toggle-panel':
        this.#togglePanel(panel, trigger);
        return;
      case 'run':
      case 'catchup': {
        if (stepId === undefined) return;
        if (!panel?.dock) return this.#reportMissingLab(labId, card);
        this.#showDock(panel);
        if (!(await this.#requireOpen(panel, card))) return;
        if (!(await this.#openTerminals(panel))) return this.#showError(panel, card, NOT_CONNECTED);
        this.#connection.send({ type: action === 'run' ? 'step.run' : 'step.catchup', lab: labId, step: stepId });
        return;
      }
      case 'check':
        if (stepId === undefined || !(await this.#requireOpen(panel, card))) return;
        this.#connection.send({ type: 'step.check', lab: labId, step: stepId });
        return;
      case 'reset':
        if (!window.confirm('이 실습의 진행 상황(단계별 통과 기록)을 지웁니다. 클러스터는 그대로 둡니다. 계속할까요?')) return;
        if (await this.#requireOpen(panel, card)) this.#connection.send({ type: 'lab.reset', lab: labId });
        return;
      case 'cancel':
        if (await this.#requireOpen(panel, card)) this.#connection.send({ type: 'lab.cancel', lab: labId });
        return;
      default:
        return;
    }
  }

  dispose(): void {
    this.#listeners.abort();
    this.#connection.close();
    this.#stopTicker();
    for (const waiter of this.#terminalWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.#terminalWaiters.clear();
    for (const resolve of this.#openWaiters) resolve(false);
    this.#openWaiters.clear();
    for (const panel of this.#panels.values()) panel.dock?.dispose();
    this.#slots.clear();
    this.#announcer.remove();
  }

  // ---- connection events -------------------------------------------------------------

  #onState(state: ConnectionState): void {
    const text = state === 'open' && this.#wasOpen ? '다시 연결되었습니다.' : CONNECTION_TEXT[state];
    for (const panel of this.#panels.values()) panel.setConnection(text);
    if (state === 'open') {
      for (const resolve of this.#openWaiters) resolve(true);
      this.#openWaiters.clear();
      this.#watching = undefined;
      // The server replays each terminal's screen on re-open, so the learner loses nothing.
      for (const panel of this.#panels.values()) {
        for (const view of panel.dock?.views.values() ?? []) if (view.wanted) this.#sendOpen(view);
      }
      this.#syncPanelWatch();
      this.#wasOpen = true;
      return;
    }
    // Any other state means the socket is gone: slots and unacked bytes died with it.
    for (const view of this.#slots.values()) view.detach();
    this.#slots.clear();
    this.#opening.clear();
    for (const waiter of this.#terminalWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.#terminalWaiters.clear();
    if (state === 'token-lost' || state === 'version-mismatch') {
      for (const resolve of this.#openWaiters) resolve(false);
      this.#openWaiters.clear();
    }
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        for (const state of message.steps) this.#applyStep(state, false);
        return;
      case 'step.state':
        this.#applyStep(message.state, true);
        return;
      case 'terminal.opened':
        this.#onTerminalOpened(message.lab, message.terminal, message.slot);
        return;
      case 'terminal.exited': {
        const view = this.#slots.get(message.slot);
        if (!view) return;
        this.#slots.delete(message.slot);
        view.detach();
        view.wanted = false;
        view.note(`[프로세스가 끝났습니다 (종료 코드 ${message.exitCode}). 터미널 열기나 실행을 누르면 새 셸이 열립니다.]`);
        return;
      }
      case 'panel.snapshot': {
        const panel = this.#panels.get(message.lab);
        if (panel?.dock?.visible && panel.live?.kind === message.snapshot.kind) panel.live.view.render(message.snapshot);
        return;
      }
      case 'error': {
        const panel = this.#lastPanel ?? this.#panels.values().next().value;
        const text = `${message.message} (${message.code})`;
        if (panel) panel.showError(text);
        else this.#announce(text);
        return;
      }
    }
  }

  #onFrame(slot: number, payload: Uint8Array): void {
    const view = this.#slots.get(slot);
    if (view) {
      view.write(payload);
      return;
    }
    // Output for a terminal this page no longer shows: acknowledge it so the PTY is not paused.
    if (payload.byteLength > 0) this.#connection.send({ type: 'terminal.ack', slot, bytes: payload.byteLength });
  }

  // ---- terminals ---------------------------------------------------------------------

  #onTerminalOpened(labId: string, terminal: string, slot: number): void {
    const view = this.#panels.get(labId)?.dock?.views.get(terminal);
    if (!view) return;
    this.#slots.get(slot)?.detach();
    if (view.slot !== undefined) this.#slots.delete(view.slot);
    view.wanted = true;
    view.attach(slot, new AckMeter((bytes) => this.#connection.send({ type: 'terminal.ack', slot, bytes })));
    this.#slots.set(slot, view);
    this.#opening.delete(view);
    // The terminal may have been resized while the open was in flight.
    const { cols, rows } = view.size();
    this.#sendResize(view, cols, rows);
    for (const waiter of this.#terminalWaiters) {
      if (this.#allAttached(waiter.panel)) {
        clearTimeout(waiter.timer);
        this.#terminalWaiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  #sendOpen(view: TerminalView): void {
    const { cols, rows } = view.size();
    if (this.#connection.send({ type: 'terminal.open', lab: view.lab, terminal: view.name, cols: clampDimension(cols, 500), rows: clampDimension(rows, 200) })) {
      this.#opening.add(view);
    }
  }

  #allAttached(panel: LabPanel): boolean {
    return [...(panel.dock?.views.values() ?? [])].every((view) => view.slot !== undefined);
  }

  /** Resolves true once every terminal of the lab is attached (or the server is slow to say). */
  #openTerminals(panel: LabPanel): Promise<boolean> {
    const views = [...(panel.dock?.views.values() ?? [])];
    for (const view of views) {
      view.wanted = true;
      if (view.slot === undefined && !this.#opening.has(view)) this.#sendOpen(view);
    }
    if (this.#allAttached(panel)) return Promise.resolve(true);
    if (this.#connection.state !== 'open') return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: TerminalWaiter = {
        panel,
        resolve,
        // No answer yet: let the server decide (it creates terminals a step needs anyway).
        timer: setTimeout(() => {
          this.#terminalWaiters.delete(waiter);
          resolve(this.#connection.state === 'open');
        }, TERMINAL_WAIT_MS),
      };
      this.#terminalWaiters.add(waiter);
    });
  }

  #sendInput(view: TerminalView, data: Uint8Array): void {
    if (view.slot === undefined || data.byteLength === 0) return;
    if (data.byteLength > MAX_INPUT_BYTES) {
      this.#panels.get(view.lab)?.showError('붙여 넣은 내용이 64 KiB를 넘어 보내지 않았습니다. 나눠서 붙여 넣으세요.');
      return;
    }
    this.#connection.sendFrame(view.slot, data);
  }

  #sendResize(view: TerminalView, cols: number, rows: number): void {
    if (view.slot === undefined) return;
    this.#connection.send({ type: 'terminal.resize', slot: view.slot, cols: clampDimension(cols, 500), rows: clampDimension(rows, 200) });
  }

  // ---- dock and live panel -----------------------------------------------------------

  #showDock(panel: LabPanel): void {
    if (!panel.dock) return;
    // One dock on screen at a time: a page with two labs shows the one last used.
    for (const other of this.#panels.values()) if (other !== panel && other.dock?.visible) this.#hideDock(other, false);
    panel.dock.show();
    this.#syncPanelWatch();
  }

  #hideDock(panel: LabPanel, returnFocus: boolean): void {
    if (!panel.dock?.visible) return;
    panel.dock.hide();
    panel.live?.view.resetAnnouncements();
    this.#syncPanelWatch();
    if (returnFocus) panel.element.querySelector<HTMLButtonElement>('[data-lab-action="open"]')?.focus();
  }

  #togglePanel(panel: LabPanel | undefined, trigger: HTMLElement): void {
    // The dock (and the panel column in it) is moved under <body> when first shown.
    const column = panel?.dock?.element.querySelector<HTMLElement>('[data-lab-panel]');
    if (!panel || !column) return;
    column.hidden = !column.hidden;
    trigger.setAttribute('aria-expanded', String(!column.hidden));
    this.#syncPanelWatch();
    panel.dock?.active?.fit();
  }

  /** Watch a lab's panel only while its dock, with the panel open, is on screen. */
  #syncPanelWatch(): void {
    let lab: string | undefined;
    for (const panel of this.#panels.values()) {
      const dock = panel.dock;
      const column = dock?.element.querySelector<HTMLElement>('[data-lab-panel]');
      if (dock?.visible && column && !column.hidden) lab = panel.id;
    }
    if (lab === this.#watching) return;
    const previous = this.#watching;
    const sent = lab === undefined
      ? previous === undefined || this.#connection.send({ type: 'panel.watch', lab: previous, on: false })
      : this.#connection.send({ type: 'panel.watch', lab, on: true });
    if (sent) this.#watching = lab;
  }

  // ---- steps -------------------------------------------------------------------------

  #applyStep(state: StepState, announce: boolean): void {
    const card = this.#cards.get(`${state.lab}/${state.step}`);
    if (!card) return;
    const previous = card.state?.status;
    card.apply(state, Date.now());
    if (announce && previous !== state.status) this.#announce(announcement(card.title, state));
    if (isBusy(state.status)) this.#startTicker();
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

  // ---- helpers -----------------------------------------------------------------------

  #whenOpen(): Promise<boolean> {
    const state = this.#connection.state;
    if (state === 'open') return Promise.resolve(true);
    if (state === 'token-lost' || state === 'version-mismatch') return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#openWaiters.delete(done);
        resolve(false);
      }, CONNECT_WAIT_MS);
      const done = (open: boolean): void => {
        clearTimeout(timer);
        resolve(open);
      };
      this.#openWaiters.add(done);
    });
  }

  async #requireOpen(panel: LabPanel | undefined, card: StepCard | undefined): Promise<boolean> {
    if (await this.#whenOpen()) return true;
    const state = this.#connection.state;
    this.#showError(panel, card, state === 'token-lost' || state === 'version-mismatch' ? CONNECTION_TEXT[state] : NOT_CONNECTED);
    return false;
  }

  #showError(panel: LabPanel | undefined, card: StepCard | undefined, text: string): void {
    if (panel) panel.showError(text);
    else if (card) card.showMessage(text);
    else this.#announce(text);
  }

  #reportMissingLab(labId: string, card: StepCard | undefined): void {
    this.#showError(undefined, card, `이 페이지에 <Lab id="${labId}" />가 없어 터미널을 열 수 없습니다.`);
  }

  #announce(text: string): void {
    // Re-setting identical text is not announced again, so clear first.
    this.#announcer.textContent = '';
    requestAnimationFrame(() => {
      this.#announcer.textContent = text;
    });
  }
}

export function startLabClient(root: Document): LabClient {
  return new PageLabClient(root);
}
