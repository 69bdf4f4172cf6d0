// DOM side of KafkaClusterPanel.astro: draws each kafka-cluster snapshot, keeps the event
// timeline and announces changes politely. Drawing rules live in view.ts.
import type { PanelView } from '../../../../src/islands/panels.ts';
import type { ClusterSnapshot } from '../snapshot.ts';
import { renderTimeline } from '../../../../src/islands/panel-text.ts';
import { ClusterTimeline, describeSnapshot, renderClusterSvg } from './view.ts';

export class ClusterPanelView implements PanelView<ClusterSnapshot> {
  readonly #figure: HTMLElement | null;
  readonly #timeline: HTMLElement | null;
  readonly #live: HTMLElement | null;
  readonly #idBase: string;
  readonly #history = new ClusterTimeline();
  #announcedFirst = false;

  constructor(element: HTMLElement, idBase: string) {
    this.#figure = element.querySelector<HTMLElement>('[data-cluster-figure]');
    this.#timeline = element.querySelector<HTMLElement>('[data-cluster-timeline]');
    this.#live = element.querySelector<HTMLElement>('[data-cluster-live]');
    this.#idBase = idBase;
  }

  render(snapshot: ClusterSnapshot): void {
    if (this.#figure) this.#figure.innerHTML = renderClusterSvg(snapshot, `${this.#idBase}-svg-title`, `${this.#idBase}-svg-desc`);
    const fresh = this.#history.add(snapshot);
    this.#renderTimeline();
    if (!this.#live) return;
    if (!this.#announcedFirst) {
      this.#announcedFirst = true;
      this.#live.textContent = describeSnapshot(snapshot);
    } else if (fresh.length > 0) {
      this.#live.textContent = fresh.join(' ');
    }
  }

  /** After the panel is closed the next snapshot is a fresh picture, worth announcing whole. */
  resetAnnouncements(): void {
    this.#announcedFirst = false;
  }

  #renderTimeline(): void {
    if (this.#timeline) renderTimeline(this.#timeline, this.#history.entries, 'cl-muted');
  }
}
