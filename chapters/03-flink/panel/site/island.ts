// DOM side of FlinkJobsPanel.astro: the shared event-timeline view (src/islands) with this
// chapter's element names and wording (view.ts).
import { EventTimelineView } from '../../../../src/islands/event-timeline-view.ts';
import type { FlinkJobsSnapshot } from '../snapshot.ts';
import { describeSnapshot, renderBody, TIMELINE_LENGTH } from './view.ts';

export class FlinkJobsPanelView extends EventTimelineView<FlinkJobsSnapshot> {
  constructor(element: HTMLElement, _idBase: string) {
    super(element, { prefix: 'flink', mutedClass: 'fl-muted', renderBody, describe: describeSnapshot, timelineLength: TIMELINE_LENGTH });
  }
}
