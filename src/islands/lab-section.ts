// One <Lab> on the page as the island sees it: its section, its terminal dock, its live panel
// (if the lab declares one) and the lines where connection state and errors are shown.
import type { PanelView } from './panels.ts';
import type { LabDock, TerminalView } from './terminal-dock.ts';

export class LabSection {
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

  /** The lab's terminal views, in dock order (none without a dock). */
  terminalViews(): TerminalView[] {
    return [...(this.dock?.views.values() ?? [])];
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
