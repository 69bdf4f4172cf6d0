// A panel view for the common shape: a body redrawn from each snapshot, a short timeline of
// the events the server reported (newest first), and a polite live region that reads the
// whole picture once and then only what changed. Chapters give it their element names and
// drawing functions; the DOM handling is written once here.
import type { PanelSnapshot } from '../../server/wire.ts';
import type { PanelView } from './panels.ts';
import { renderTimeline } from './panel-text.ts';

export interface EventTimelineParts<Snapshot> {
  /** The panel's attributes are data-<prefix>-body, data-<prefix>-timeline and data-<prefix>-live. */
  prefix: string;
  /** The class of the "nothing yet" line (each chapter's CSS is scoped to its own prefix). */
  mutedClass: string;
  /** HTML for the body (escaped by the chapter's pure view functions). */
  renderBody(snapshot: Snapshot): string;
  /** The whole picture in one sentence, for the first announcement. */
  describe(snapshot: Snapshot): string;
  /** How many timeline entries are kept. */
  timelineLength: number;
}

export class EventTimelineView<Snapshot extends PanelSnapshot & { events: readonly string[] }> implements PanelView<Snapshot> {
  readonly #parts: EventTimelineParts<Snapshot>;
  readonly #body: HTMLElement | null;
  readonly #timeline: HTMLElement | null;
  readonly #live: HTMLElement | null;
  readonly #history: Array<{ at: number; text: string }> = [];
  #announcedFirst = false;

  constructor(element: HTMLElement, parts: EventTimelineParts<Snapshot>) {
    this.#parts = parts;
    this.#body = element.querySelector<HTMLElement>(`[data-${parts.prefix}-body]`);
    this.#timeline = element.querySelector<HTMLElement>(`[data-${parts.prefix}-timeline]`);
    this.#live = element.querySelector<HTMLElement>(`[data-${parts.prefix}-live]`);
  }

  render(snapshot: Snapshot): void {
    if (this.#body) this.#body.innerHTML = this.#parts.renderBody(snapshot);
    for (const text of snapshot.events) this.#history.unshift({ at: snapshot.at, text });
    this.#history.splice(this.#parts.timelineLength);
    this.#renderTimeline();
    if (!this.#live) return;
    if (!this.#announcedFirst) {
      this.#announcedFirst = true;
      this.#live.textContent = this.#parts.describe(snapshot);
    } else if (snapshot.events.length > 0) {
      this.#live.textContent = snapshot.events.join(' ');
    }
  }

  resetAnnouncements(): void {
    this.#announcedFirst = false;
  }

  #renderTimeline(): void {
    if (this.#timeline) renderTimeline(this.#timeline, this.#history, this.#parts.mutedClass);
  }
}
