// DOM side of LakehousePanel.astro: the shared event-timeline view (src/islands) with this
// chapter's element names and wording (view.ts): snapshots appearing, the store going away.
import { EventTimelineView } from '../../../../src/islands/event-timeline-view.ts';
import type { LakehouseSnapshot } from '../snapshot.ts';
import { describeSnapshot, renderBody, TIMELINE_LENGTH } from './view.ts';

export class LakehousePanelView extends EventTimelineView<LakehouseSnapshot> {
  constructor(element: HTMLElement, _idBase: string) {
    super(element, { prefix: 'lake', mutedClass: 'lk-muted', renderBody, describe: describeSnapshot, timelineLength: TIMELINE_LENGTH });
  }
}
