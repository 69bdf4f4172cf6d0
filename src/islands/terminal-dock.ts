// The terminal dock of one lab: a tab per named terminal, each an xterm.js Terminal with fit,
// web-links and search addons. It owns the Terminals, the ResizeObserver and its DOM
// listeners; the socket side (slots, acks, input frames) is reached through DockCallbacks.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
// Inlined as a string and attached on first use, so xterm's stylesheet ships with the island
// instead of being merged into the CSS every page loads.
import xtermCss from '@xterm/xterm/css/xterm.css?inline';
import type { AckMeter } from './ack-meter.ts';
import { presenterOn, PRESENTER_EVENT, terminalLook } from './presenter.ts';

export interface DockCallbacks {
  input(view: TerminalView, data: Uint8Array): void;
  resize(view: TerminalView, cols: number, rows: number): void;
}

const DEFAULT_SIZE = { cols: 100, rows: 30 } as const;

const SEARCH_DECORATIONS = {
  matchBackground: '#5c4d00',
  matchOverviewRuler: '#d4b200',
  activeMatchBackground: '#b35900',
  activeMatchColorOverviewRuler: '#ff8c1a',
} as const;

const encoder = new TextEncoder();

function ensureXtermStyles(): void {
  if (document.querySelector('style[data-xterm-styles]')) return;
  const style = document.createElement('style');
  style.dataset.xtermStyles = '';
  style.textContent = xtermCss;
  document.head.append(style);
}

export class TerminalView {
  readonly lab: string;
  readonly name: string;
  readonly panel: HTMLElement;
  readonly tab: HTMLButtonElement;
  /** Set while the server has this terminal attached on the current socket. */
  slot: number | undefined;
  meter: AckMeter | undefined;
  /** The learner opened it, so it is re-opened after a reconnect. */
  wanted = false;
  #term: Terminal | undefined;
  #fit: FitAddon | undefined;
  #search: SearchAddon | undefined;
  readonly #callbacks: DockCallbacks;
  readonly #onSearchResults: (index: number, count: number) => void;

  constructor(lab: string, name: string, panel: HTMLElement, tab: HTMLButtonElement, callbacks: DockCallbacks, onSearchResults: (index: number, count: number) => void) {
    this.lab = lab;
    this.name = name;
    this.panel = panel;
    this.tab = tab;
    this.#callbacks = callbacks;
    this.#onSearchResults = onSearchResults;
  }

  /** Created on first show: xterm measures its cell size from a visible element. */
  ensureCreated(): Terminal {
    if (this.#term) return this.#term;
    ensureXtermStyles();
    const look = terminalLook(presenterOn());
    const term = new Terminal({
      fontFamily: 'ui-monospace, "D2Coding", "Noto Sans Mono CJK KR", "SFMono-Regular", Menlo, Consolas, monospace',
      fontSize: look.fontSize,
      scrollback: 5000,
      cursorBlink: true,
      allowProposedApi: true,
      theme: { ...look.theme },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon());
    term.open(this.panel);
    // Shift+Tab leaves the terminal (Tab itself must reach the shell for completion).
    term.attachCustomKeyEventHandler((event) => !(event.key === 'Tab' && event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey));
    term.onData((data) => this.#callbacks.input(this, encoder.encode(data)));
    // Some mouse reports are raw bytes carried in a string, one char per byte.
    term.onBinary((data) => this.#callbacks.input(this, Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff)));
    term.onResize(({ cols, rows }) => this.#callbacks.resize(this, cols, rows));
    search.onDidChangeResults(({ resultIndex, resultCount }) => this.#onSearchResults(resultIndex, resultCount));
    this.#term = term;
    this.#fit = fit;
    this.#search = search;
    this.fit();
    return term;
  }

  /** Presenter mode switched: new font size and colours, then a refit (the cell size changed). */
  restyle(presenter: boolean): void {
    const term = this.#term;
    if (!term) return;
    const look = terminalLook(presenter);
    term.options.fontSize = look.fontSize;
    term.options.theme = { ...look.theme };
    this.fit();
  }

  fit(): void {
    if (!this.#fit || this.panel.hidden || this.panel.clientWidth === 0) return;
    this.#fit.fit();
  }

  size(): { cols: number; rows: number } {
    const term = this.#term;
    return term ? { cols: Math.min(500, term.cols), rows: Math.min(200, term.rows) } : { ...DEFAULT_SIZE };
  }

  /** A (re)attach replays the screen, so old content is cleared first to avoid doubling it. */
  attach(slot: number, meter: AckMeter): void {
    this.detach();
    this.slot = slot;
    this.meter = meter;
    this.#term?.reset();
  }

  detach(): void {
    this.meter?.dispose();
    this.meter = undefined;
    this.slot = undefined;
  }

  write(payload: Uint8Array): void {
    const term = this.ensureCreated();
    const meter = this.meter;
    // Acknowledge only once xterm has parsed the bytes: that is what keeps the PTY paced.
    term.write(payload, () => meter?.written(payload.byteLength));
  }

  note(text: string): void {
    this.ensureCreated().write(`\r\n\x1b[2m${text}\x1b[0m\r\n`);
  }

  focus(): void {
    this.#term?.focus();
  }

  find(query: string, backwards: boolean): boolean {
    const search = this.#search;
    if (!search || query === '') return false;
    const options = { decorations: SEARCH_DECORATIONS };
    return backwards ? search.findPrevious(query, options) : search.findNext(query, options);
  }

  clearSearch(): void {
    this.#search?.clearDecorations();
  }

  dispose(): void {
    this.detach();
    this.#term?.dispose();
    this.#term = undefined;
    this.#fit = undefined;
    this.#search = undefined;
  }
}

export class LabDock {
  readonly lab: string;
  readonly element: HTMLElement;
  readonly views = new Map<string, TerminalView>();
  #active: TerminalView | undefined;
  readonly #listeners = new AbortController();
  readonly #resizeObserver: ResizeObserver;
  readonly #searchInput: HTMLInputElement | null;
  readonly #searchStatus: HTMLElement | null;

  constructor(lab: string, element: HTMLElement, callbacks: DockCallbacks) {
    this.lab = lab;
    this.element = element;
    this.#searchInput = element.querySelector<HTMLInputElement>('[data-terminal-search-input]');
    this.#searchStatus = element.querySelector<HTMLElement>('[data-terminal-search-status]');
    for (const tab of element.querySelectorAll<HTMLButtonElement>('[data-terminal-tab]')) {
      const name = tab.dataset.terminalTab ?? '';
      const panel = element.querySelector<HTMLElement>(`[data-terminal-panel="${name}"]`);
      if (!panel) continue;
      const view = new TerminalView(lab, name, panel, tab, callbacks, (index, count) => this.#showSearchResults(index, count));
      this.views.set(name, view);
      this.#active ??= view;
    }
    this.#resizeObserver = new ResizeObserver(() => this.#active?.fit());
    const terminals = element.querySelector<HTMLElement>('[data-terminal-panels]');
    if (terminals) this.#resizeObserver.observe(terminals);
    this.#bindTabs();
    this.#bindSearch();
    // Removed with the dock's other listeners (the same AbortController) when it is disposed.
    window.addEventListener(PRESENTER_EVENT, (event) => {
      const on = (event as CustomEvent<boolean>).detail === true;
      for (const view of this.views.values()) view.restyle(on);
    }, { signal: this.#listeners.signal });
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  show(): void {
    if (this.visible) return;
    // Starlight's content column is a CSS container, which would make it the containing block
    // of a `position: fixed` dock; under <body> the dock spans the viewport as intended.
    if (this.element.parentElement !== document.body) document.body.append(this.element);
    this.element.hidden = false;
    document.documentElement.classList.add('lab-dock-open');
    for (const view of this.views.values()) {
      // Hidden panels cannot be measured, so each terminal is created while briefly shown.
      const wasHidden = view.panel.hidden;
      view.panel.hidden = false;
      view.ensureCreated();
      view.fit();
      view.panel.hidden = wasHidden;
    }
    this.#active?.fit();
  }

  hide(): void {
    if (!this.visible) return;
    this.element.hidden = true;
    document.documentElement.classList.remove('lab-dock-open');
    this.#searchInput?.blur();
  }

  /** The terminal the learner is looking at; receives focus after opening the dock. */
  get active(): TerminalView | undefined {
    return this.#active;
  }

  select(name: string, focusTab: boolean): void {
    const next = this.views.get(name);
    if (!next) return;
    for (const view of this.views.values()) {
      const selected = view === next;
      view.tab.setAttribute('aria-selected', String(selected));
      view.tab.tabIndex = selected ? 0 : -1;
      view.panel.hidden = !selected;
    }
    this.#active?.clearSearch();
    this.#active = next;
    next.fit();
    if (focusTab) next.tab.focus();
  }

  dispose(): void {
    this.#listeners.abort();
    this.#resizeObserver.disconnect();
    for (const view of this.views.values()) view.dispose();
    this.views.clear();
    this.hide();
  }

  #bindTabs(): void {
    const signal = this.#listeners.signal;
    const names = [...this.views.keys()];
    for (const view of this.views.values()) {
      view.tab.addEventListener('click', () => {
        this.select(view.name, false);
        view.focus();
      }, { signal });
      // Arrow keys move between tabs (WAI-ARIA tabs pattern); Enter/Space are plain clicks.
      view.tab.addEventListener('keydown', (event) => {
        const index = names.indexOf(view.name);
        const target =
          event.key === 'ArrowRight' ? names[(index + 1) % names.length]
          : event.key === 'ArrowLeft' ? names[(index - 1 + names.length) % names.length]
          : event.key === 'Home' ? names[0]
          : event.key === 'End' ? names.at(-1)
          : undefined;
        if (target === undefined) return;
        event.preventDefault();
        this.select(target, true);
      }, { signal });
    }
  }

  #bindSearch(): void {
    const signal = this.#listeners.signal;
    const form = this.element.querySelector<HTMLFormElement>('[data-terminal-search]');
    const input = this.#searchInput;
    if (!form || !input) return;
    const run = (backwards: boolean): void => {
      const found = this.#active?.find(input.value, backwards) ?? false;
      if (!found && this.#searchStatus) this.#searchStatus.textContent = input.value === '' ? '' : '찾는 내용이 없습니다';
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(false);
    }, { signal });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.shiftKey) {
        event.preventDefault();
        run(true);
      } else if (event.key === 'Escape') {
        // Escape here means "leave the search", not "close the dock" (the page's handler).
        event.stopPropagation();
        input.value = '';
        this.#active?.clearSearch();
        if (this.#searchStatus) this.#searchStatus.textContent = '';
        this.#active?.focus();
      }
    }, { signal });
    form.querySelector<HTMLButtonElement>('[data-search-previous]')?.addEventListener('click', () => run(true), { signal });
  }

  #showSearchResults(index: number, count: number): void {
    if (!this.#searchStatus) return;
    this.#searchStatus.textContent = count === 0 ? '찾는 내용이 없습니다' : index < 0 ? `${count}건` : `${count}건 중 ${index + 1}번째`;
  }
}
