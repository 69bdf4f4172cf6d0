// The lab island: loaded by boot.ts with import() the first time a learner uses a lab, so a
// chapter page ships almost no JavaScript until then. It binds the server-rendered <Lab>,
// <LabStep> and dock markup to one LabConnection and turns buttons into requests. The jobs
// behind it have their own modules: terminal slots (terminal-slots.ts), step cards
// (step-card.ts), a lab's section and dock (lab-section.ts), live panels (panels.ts). It owns
// every resource it creates and releases them in dispose().
import type { ServerMessage } from '../../server/wire.ts';
import { LabConnection, labSocketUrl, type ConnectionState } from './connection.ts';
import { LabSection } from './lab-section.ts';
import { createPanelView } from './panels.ts';
import { fetchLabStatus, detectLabServer } from './server-mode.ts';
import { StepBoard, type StepCard } from './step-card.ts';
import { LabDock } from './terminal-dock.ts';
import { TerminalSlots } from './terminal-slots.ts';

export interface LabClient {
  /** `action` comes from a button's data-lab-action; unknown actions are ignored. */
  perform(action: string, labId: string, stepId: string | undefined, trigger: HTMLElement): Promise<void>;
  dispose(): void;
}

/** How long the first click waits for the socket. */
const CONNECT_WAIT_MS = 5000;

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: '랩 서버에 연결하는 중…',
  open: '',
  reconnecting: '연결이 끊겼습니다 — 다시 연결하는 중',
  'token-lost': '랩 서버가 이 페이지를 알아보지 못합니다. npm start가 출력한 주소(토큰 포함)로 다시 여세요.',
  'version-mismatch': '랩 서버가 새 버전으로 바뀌었습니다. 페이지를 새로 고치세요.',
  closed: '',
};

const NOT_CONNECTED = '랩 서버에 연결되어 있지 않습니다. 연결이 돌아오면 다시 눌러 주세요.';

class PageLabClient implements LabClient {
  readonly #connection: LabConnection;
  readonly #terminals: TerminalSlots;
  readonly #sections = new Map<string, LabSection>();
  readonly #steps: StepBoard;
  readonly #openWaiters = new Set<(open: boolean) => void>();
  readonly #listeners = new AbortController();
  readonly #announcer: HTMLElement;
  #lastPanel: LabSection | undefined;
  #wasOpen = false;
  /** Lab whose panel the server is sending us, undefined when not watching. */
  #watching: string | undefined;

  constructor(root: Document) {
    this.#announcer = root.createElement('div');
    this.#announcer.className = 'sr-only';
    this.#announcer.setAttribute('aria-live', 'polite');
    this.#announcer.setAttribute('role', 'status');
    root.body.append(this.#announcer);

    this.#steps = new StepBoard(root, (text) => this.#announce(text));
    for (const element of root.querySelectorAll<HTMLElement>('[data-lab-root]')) {
      const id = element.dataset.lab;
      if (!id || this.#sections.has(id)) continue;
      const dockElement = element.querySelector<HTMLElement>('[data-lab-dock]');
      const panelElement = element.querySelector<HTMLElement>('[data-lab-panel]');
      const dock = dockElement
        ? new LabDock(id, dockElement, {
          input: (view, data) => this.#terminals.input(view, data),
          resize: (view, cols, rows) => this.#terminals.resize(view, cols, rows),
        })
        : undefined;
      const live = panelElement ? createPanelView(panelElement, `panel-${id}`) : undefined;
      this.#sections.set(id, new LabSection(id, element, dock, live));
    }

    this.#connection = new LabConnection(labSocketUrl(location), {
      state: (state) => this.#onState(state),
      message: (message) => this.#onMessage(message),
      frame: (slot, payload) => this.#terminals.frame(slot, payload),
    }, () => detectLabServer(fetchLabStatus));
    this.#terminals = new TerminalSlots(this.#connection, (view) => {
      this.#sections.get(view.lab)?.showError('붙여 넣은 내용이 64 KiB를 넘어 보내지 않았습니다. 나눠서 붙여 넣으세요.');
    });

    const signal = this.#listeners.signal;
    // A page kept in the back/forward cache must not hold a socket (and PTY pauses) open.
    window.addEventListener('pagehide', () => this.#connection.close(), { signal });
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) this.#connection.connect();
    }, { signal });
    root.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      const panel = [...this.#sections.values()].find((p) => p.dock?.visible && p.dock.element.contains(event.target as Node | null));
      // Escape closes the dock only from its bar; inside a terminal it belongs to the program.
      if (panel && !(event.target instanceof HTMLElement && event.target.closest('.xterm'))) this.#hideDock(panel, true);
    }, { signal });
    this.#connection.connect();
  }

  async perform(action: string, labId: string, stepId: string | undefined, trigger: HTMLElement): Promise<void> {
    const panel = this.#sections.get(labId);
    const card = stepId === undefined ? undefined : this.#steps.get(labId, stepId);
    if (panel) this.#lastPanel = panel;
    panel?.clearError();
    switch (action) {
      case 'open': {
        if (!panel?.dock) return this.#reportMissingLab(labId, card);
        this.#showDock(panel);
        panel.dock.active?.focus();
        if (await this.#requireOpen(panel, card)) await this.#terminals.openAll(panel.terminalViews());
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
        if (!(await this.#terminals.openAll(panel.terminalViews()))) return this.#showError(panel, card, NOT_CONNECTED);
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
    this.#steps.dispose();
    this.#terminals.dispose();
    for (const resolve of this.#openWaiters) resolve(false);
    this.#openWaiters.clear();
    for (const panel of this.#sections.values()) panel.dock?.dispose();
    this.#announcer.remove();
  }

  // ---- connection events -------------------------------------------------------------

  #onState(state: ConnectionState): void {
    const text = state === 'open' && this.#wasOpen ? '다시 연결되었습니다.' : CONNECTION_TEXT[state];
    for (const panel of this.#sections.values()) panel.setConnection(text);
    if (state === 'open') {
      for (const resolve of this.#openWaiters) resolve(true);
      this.#openWaiters.clear();
      this.#watching = undefined;
      for (const panel of this.#sections.values()) this.#terminals.reopen(panel.terminalViews());
      this.#syncPanelWatch();
      this.#wasOpen = true;
      return;
    }
    // Any other state means the socket is gone: slots and unacked bytes died with it.
    this.#terminals.connectionLost();
    if (state === 'token-lost' || state === 'version-mismatch') {
      for (const resolve of this.#openWaiters) resolve(false);
      this.#openWaiters.clear();
    }
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        for (const state of message.steps) this.#steps.apply(state, false);
        return;
      case 'step.state':
        this.#steps.apply(message.state, true);
        return;
      case 'terminal.opened': {
        const view = this.#sections.get(message.lab)?.dock?.views.get(message.terminal);
        if (view) this.#terminals.opened(view, message.slot);
        return;
      }
      case 'terminal.exited':
        this.#terminals.exited(message.slot, message.exitCode);
        return;
      case 'panel.snapshot': {
        const panel = this.#sections.get(message.lab);
        if (panel?.dock?.visible && panel.live?.kind === message.snapshot.kind) panel.live.view.render(message.snapshot);
        return;
      }
      case 'error': {
        const panel = this.#lastPanel ?? this.#sections.values().next().value;
        const text = `${message.message} (${message.code})`;
        if (panel) panel.showError(text);
        else this.#announce(text);
        return;
      }
    }
  }

  // ---- dock and live panel -----------------------------------------------------------

  #showDock(panel: LabSection): void {
    if (!panel.dock) return;
    // One dock on screen at a time: a page with two labs shows the one last used.
    for (const other of this.#sections.values()) if (other !== panel && other.dock?.visible) this.#hideDock(other, false);
    panel.dock.show();
    this.#syncPanelWatch();
  }

  #hideDock(panel: LabSection, returnFocus: boolean): void {
    if (!panel.dock?.visible) return;
    panel.dock.hide();
    panel.live?.view.resetAnnouncements();
    this.#syncPanelWatch();
    if (returnFocus) panel.element.querySelector<HTMLButtonElement>('[data-lab-action="open"]')?.focus();
  }

  #togglePanel(panel: LabSection | undefined, trigger: HTMLElement): void {
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
    for (const panel of this.#sections.values()) {
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

  async #requireOpen(panel: LabSection | undefined, card: StepCard | undefined): Promise<boolean> {
    if (await this.#whenOpen()) return true;
    const state = this.#connection.state;
    this.#showError(panel, card, state === 'token-lost' || state === 'version-mismatch' ? CONNECTION_TEXT[state] : NOT_CONNECTED);
    return false;
  }

  #showError(panel: LabSection | undefined, card: StepCard | undefined, text: string): void {
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
