// DOM side of LakehousePanel.astro: draws each lakehouse snapshot, keeps a short timeline of
// changes (snapshots appearing, the store going away) and announces them politely. Wording
// lives in view.ts.
import type { PanelView } from '../../../../src/islands/panels.ts';
import type { LakehouseSnapshot } from '../snapshot.ts';
import { clockTime, describeSnapshot, renderBody, TIMELINE_LENGTH } from './view.ts';

export class LakehousePanelView implements PanelView<LakehouseSnapshot> {
  readonly #body: HTMLElement | null;
  readonly #timeline: HTMLElement | null;
  readonly #live: HTMLElement | null;
  readonly #history: Array<{ at: number; text: string }> = [];
  #announcedFirst = false;

  constructor(element: HTMLElement, _idBase: string) {
    this.#body = element.querySelector<HTMLElement>('[data-lake-body]');
    this.#timeline = element.querySelector<HTMLElement>('[data-lake-timeline]');
    this.#live = element.querySelector<HTMLElement>('[data-lake-live]');
  }

  render(snapshot: LakehouseSnapshot): void {
    if (this.#body) this.#body.innerHTML = renderBody(snapshot);
    for (const text of snapshot.events) this.#history.unshift({ at: snapshot.at, text });
    this.#history.splice(TIMELINE_LENGTH);
    this.#renderTimeline();
    if (!this.#live) return;
    if (!this.#announcedFirst) {
      this.#announcedFirst = true;
      this.#live.textContent = describeSnapshot(snapshot);
    } else if (snapshot.events.length > 0) {
      this.#live.textContent = snapshot.events.join(' ');
    }
  }

  resetAnnouncements(): void {
    this.#announcedFirst = false;
  }

  #renderTimeline(): void {
    const list = this.#timeline;
    if (!list) return;
    const items = this.#history.map(({ at, text }) => {
      const item = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = new Date(at).toISOString();
      time.textContent = clockTime(at);
      item.append(time, ' ', text);
      return item;
    });
    if (items.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'lk-muted';
      empty.textContent = '아직 변화가 없습니다';
      items.push(empty);
    }
    list.replaceChildren(...items);
  }
}
