// Reads the shell-integration markers our bashrc prints (OSC 633;A at each prompt, 633;D;<status>
// when a command returns), signed with the terminal's nonce so a program cannot forge them by
// printing the same bytes. Markers may straddle output chunks, so a short tail is carried over.
export interface MarkerEvents {
  /** A prompt was drawn: the shell is ready for the next command. */
  prompt(): void;
  /** The command that was running returned to the prompt with this status. */
  commandExit(code: number): void;
}

export class ShellMarkers {
  readonly #pattern: RegExp;
  readonly #events: MarkerEvents;
  #carry = '';

  constructor(nonce: string, events: MarkerEvents) {
    this.#pattern = new RegExp(`\\u001b\\]633;([AD])(?:;(-?\\d+))?;${nonce}\\u0007`, 'g');
    this.#events = events;
  }

  scan(data: string): void {
    const text = this.#carry + data;
    this.#pattern.lastIndex = 0;
    let lastEnd = 0;
    for (let match = this.#pattern.exec(text); match; match = this.#pattern.exec(text)) {
      lastEnd = match.index + match[0].length;
      if (match[1] === 'A') this.#events.prompt();
      else this.#events.commandExit(Number(match[2] ?? 0));
    }
    const tail = text.slice(lastEnd);
    const escapeAt = tail.lastIndexOf('\u001b]633;');
    this.#carry = escapeAt >= 0 && tail.length - escapeAt < 80 ? tail.slice(escapeAt) : '';
  }
}
