// What a terminal printed, as plain text (escape sequences stripped), bounded to the most
// recent characters: checks read "output since the step began" through marks, and the step
// runner waits for a prompt such as the console producer's `>`.
import { toPlainText } from './ring-buffer.ts';

const PLAIN_TEXT_CHARS = 128 * 1024;

export class Transcript {
  #plain = '';
  /** Total plain-text characters ever produced: a mark is a position in this count. */
  #offset = 0;
  #listeners: Array<() => void> = [];

  append(data: string): void {
    const plain = toPlainText(data);
    this.#plain += plain;
    this.#offset += plain.length;
    if (this.#plain.length > PLAIN_TEXT_CHARS) this.#plain = this.#plain.slice(-PLAIN_TEXT_CHARS);
    for (const listener of this.#listeners) listener();
  }

  /** A mark to pass to `textSince` later. */
  mark(): number {
    return this.#offset;
  }

  /** Plain text produced since `mark` (bounded to the most recent 128K characters). */
  textSince(mark: number): string {
    const available = this.#offset - this.#plain.length;
    return this.#plain.slice(Math.max(0, mark - available));
  }

  /** Called after every chunk of output. */
  onOutput(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Waits until `text` shows up in output produced after `mark`. */
  waitForText(text: string, mark: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (found: boolean) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(found);
      };
      const check = () => {
        if (this.textSince(mark).includes(text)) finish(true);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      const unsubscribe = this.onOutput(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}
