// Presenter mode for the instructor's projector: larger terminal text, a high-contrast terminal
// panel and no side navigation. One switch in the header, remembered in localStorage so a
// reload (or the next page) keeps it. The state lives on <html data-presenter="on"> (CSS does
// the layout) and one window event tells the open terminals to change font and colours.

export const PRESENTER_KEY = 'upbit-lab:presenter';
export const PRESENTER_EVENT = 'upbit-lab:presenter';

export interface TerminalLook {
  fontSize: number;
  theme: { background: string; foreground: string; cursor: string; selectionBackground: string };
}

const NORMAL: TerminalLook = { fontSize: 13, theme: { background: '#16181d', foreground: '#e4e6eb', cursor: '#f5c542', selectionBackground: '#3a5a8c' } };
/** Pure black and white, 20 px: readable from the back of a room through a projector. */
const PRESENTER: TerminalLook = { fontSize: 20, theme: { background: '#000000', foreground: '#ffffff', cursor: '#ffff00', selectionBackground: '#0044cc' } };

export function terminalLook(presenter: boolean): TerminalLook {
  return presenter ? PRESENTER : NORMAL;
}

type ReadableStorage = Pick<Storage, 'getItem'>;
type WritableStorage = Pick<Storage, 'setItem' | 'removeItem'>;

/** Storage can be missing or throw (private windows, blocked cookies): then presenter mode is just off. */
export function readPresenter(storage: ReadableStorage | null | undefined): boolean {
  try {
    return storage?.getItem(PRESENTER_KEY) === 'on';
  } catch {
    return false;
  }
}

export function writePresenter(storage: WritableStorage | null | undefined, on: boolean): void {
  try {
    if (on) storage?.setItem(PRESENTER_KEY, 'on');
    else storage?.removeItem(PRESENTER_KEY);
  } catch {
    // Not remembered, but the switch still works for this page.
  }
}

/** Whether this document is in presenter mode now (what the header script set). */
export function presenterOn(root: { dataset: DOMStringMap } = document.documentElement): boolean {
  return root.dataset['presenter'] === 'on';
}

export function applyPresenter(root: { dataset: DOMStringMap }, on: boolean): void {
  if (on) root.dataset['presenter'] = 'on';
  else delete root.dataset['presenter'];
}

/** Wires the header's switch: flips the mode, remembers it, tells the terminals. */
export function initPresenterToggle(button: HTMLButtonElement): void {
  const root = document.documentElement;
  const sync = (): void => button.setAttribute('aria-pressed', String(presenterOn(root)));
  sync();
  button.addEventListener('click', () => {
    const on = !presenterOn(root);
    applyPresenter(root, on);
    writePresenter(localStorage, on);
    sync();
    window.dispatchEvent(new CustomEvent(PRESENTER_EVENT, { detail: on }));
  });
}
