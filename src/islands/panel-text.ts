// Small text helpers every chapter's panel view uses: escaping for the HTML its pure view
// functions build, and the wall-clock time shown beside timeline entries. Pure, testable in node.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** HH:MM:SS in the learner's time zone, 24-hour, the same in every locale. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
