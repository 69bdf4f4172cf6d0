// Small helpers every chapter's panel view uses: escaping for the HTML its pure view functions
// build, the wall-clock time shown beside timeline entries, and drawing such a timeline.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** HH:MM:SS in the learner's time zone, 24-hour, the same in every locale. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Fills `list` with one <li><time> text</li> per entry (newest first), or a muted "nothing yet" line. */
export function renderTimeline(list: HTMLElement, entries: ReadonlyArray<{ at: number; text: string }>, mutedClass: string): void {
  const items = entries.map(({ at, text }) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = new Date(at).toISOString();
    time.textContent = clockTime(at);
    item.append(time, ' ', text);
    return item;
  });
  if (items.length === 0) {
    const empty = document.createElement('li');
    empty.className = mutedClass;
    empty.textContent = '아직 변화가 없습니다';
    items.push(empty);
  }
  list.replaceChildren(...items);
}
