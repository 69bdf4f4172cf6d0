// What a terminal printed, as plain text (escape sequences stripped), bounded to the most
// recent characters: checks read "output since the step began" through marks, and the step
// runner waits for a prompt such as the console producer's `>`.
// Output is kept as the chunks it arrived in and joined only when read: appending to one
// string and trimming it to the bound copied the whole 128K on every chunk, which made this
// class most of the lab server's CPU under a flood (bench: 60 % of samples, throughput 11 % of
// node-pty alone). A wait scans only the text that arrived since it last looked.
import { toPlainText } from './ring-buffer.ts';

/** At least this much recent plain text is kept (up to one chunk more). */
export const PLAIN_TEXT_CHARS = 128 * 1024;

export class Transcript {
  #chunks: string[] = [];
  /** Characters held in #chunks. */
  #held = 0;
  /** Total plain-text characters ever produced: a mark is a position in this count. */
  #offset = 0;
  #listeners: Array<() => void> = [];

  append(data: string): void {
    const plain = toPlainText(data);
    if (plain.length > 0) {
      this.#chunks.push(plain);
      this.#held += plain.length;
      this.#offset += plain.length;
      while (this.#chunks.length > 1 && this.#held - this.#chunks[0]!.length >= PLAIN_TEXT_CHARS) this.#held -= this.#chunks.shift()!.length;
    }
    for (const listener of this.#listeners) listener();
  }

  /** A mark to pass to `textSince` later. */
  mark(): number {
    return this.#offset;
  }

  /** Plain text produced since `mark` (bounded to the most recent 128K characters or a little more). */
  textSince(mark: number): string {
    const wanted = Math.min(this.#held, Math.max(0, this.#offset - mark));
    if (wanted === 0) return '';
    const parts: string[] = [];
    let collected = 0;
    for (let index = this.#chunks.length - 1; index >= 0 && collected < wanted; index--) {
      const chunk = this.#chunks[index]!;
      parts.push(chunk);
      collected += chunk.length;
    }
    return parts.reverse().join('').slice(collected - wanted);
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
      // Where the next look starts: text.length - 1 characters back, so a match split across
      // two chunks is still found.
      let from = mark;
      const finish = (found: boolean) => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        resolve(found);
      };
      const check = () => {
        if (this.textSince(from).includes(text)) return finish(true);
        from = Math.max(mark, this.#offset - (text.length - 1));
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      const unsubscribe = this.onOutput(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}
