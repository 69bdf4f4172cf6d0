// The page side of panel kinds: which view draws a lab's live panel, by the kind the server
// puts in every snapshot. A chapter adds its kind here (one line) next to its component in
// src/components/LabPanel.astro; the view itself lives in the chapter's panel/site folder.
import type { PanelSnapshot } from '../../server/wire.ts';
import { ClusterPanelView } from '../../chapters/02-kafka/panel/site/island.ts';
import { FlinkJobsPanelView } from '../../chapters/03-flink/panel/site/island.ts';
import { CandleChartPanelView } from '../../chapters/03-flink/panel/site/chart-island.ts';
import { LakehousePanelView } from '../../chapters/04-lakehouse/panel/site/island.ts';

export interface PanelView<Snapshot extends PanelSnapshot = PanelSnapshot> {
  render(snapshot: Snapshot): void;
  /** After the panel is closed the next snapshot is a fresh picture, worth announcing whole. */
  resetAnnouncements(): void;
}

type ViewFactory = (element: HTMLElement, idBase: string) => PanelView<never>;

const VIEWS: Record<string, ViewFactory> = {
  'kafka-cluster': (element, idBase) => new ClusterPanelView(element, idBase),
  'flink-jobs': (element, idBase) => new FlinkJobsPanelView(element, idBase),
  'flink-candle-chart': (element, idBase) => new CandleChartPanelView(element, idBase),
  'lakehouse-candle-chart': (element, idBase) => new CandleChartPanelView(element, idBase),
  lakehouse: (element, idBase) => new LakehousePanelView(element, idBase),
};

/** The view for a panel element (`data-lab-panel="<kind>"`), or undefined for a kind this page does not know. */
export function createPanelView(element: HTMLElement, idBase: string): { kind: string; view: PanelView } | undefined {
  const kind = element.dataset.labPanel;
  const factory = kind === undefined ? undefined : VIEWS[kind];
  if (kind === undefined || !factory) return undefined;
  // The view only ever receives snapshots of its own kind (checked before render), so widening is safe.
  return { kind, view: factory(element, idBase) as PanelView };
}
