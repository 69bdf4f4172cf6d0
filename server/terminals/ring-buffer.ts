// Bounded memory of a terminal's recent output, replayed to a page that reattaches.
// Chunks are kept whole (never split), so replay starts at a chunk boundary.
export class OutputRing {
  readonly #capacity: number;
  #chunks: string[] = [];
  #size = 0;
  /** The joined snapshot until the next push: repeated re-opens must not re-join 256K each. */
  #joined: string | null = null;

  constructor(capacityChars: number) {
    this.#capacity = capacityChars;
  }

  push(chunk: string): void {
    this.#chunks.push(chunk);
    this.#joined = null;
    this.#size += chunk.length;
    while (this.#size > this.#capacity && this.#chunks.length > 1) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }

  snapshot(): string {
    this.#joined ??= this.#chunks.join('');
    return this.#joined;
  }

  get size(): number {
    return this.#size;
  }
}

const ANSI_PATTERN =
  // CSI, OSC (BEL or ST terminated), other two-byte escapes, then stray control characters.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Terminal bytes to the plain text a learner sees, for checks that read output. */
export function toPlainText(raw: string): string {
  return raw.replace(ANSI_PATTERN, '').replace(/\r\n?/g, '\n');
}
