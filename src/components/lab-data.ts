// Build-time bridge between the chapter MDX and the chapters' lab files: <Lab> and <LabStep>
// look their lab and step up here, and a reference to a lab or step that does not exist
// throws an error naming the MDX reference, so `astro build` fails instead of shipping a dead
// step. Reads the manifests only (chapters/index.ts), never a chapter's server code.
import { courseLabs } from '../../chapters/index.ts';
import { findStep, type CourseLab as Lab, type LabStep } from '../../server/labs.ts';

/** Injected by astro.config.mjs (`vite.define`); absent when this file runs under plain node. */
declare const __UPBIT_CHAPTERS_DIR__: string | undefined;

export class LabReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabReferenceError';
  }
}

let cachedLabs: { dir: string | undefined; labs: Lab[] } | undefined;

function chaptersDirectory(): string | undefined {
  return typeof __UPBIT_CHAPTERS_DIR__ === 'string' ? __UPBIT_CHAPTERS_DIR__ : undefined;
}

/** All labs of the course, parsed once per build (every <LabStep> on every page asks). */
export function siteLabs(dir: string | undefined = chaptersDirectory()): Lab[] {
  if (cachedLabs && cachedLabs.dir === dir) return cachedLabs.labs;
  const labs = dir === undefined ? courseLabs() : courseLabs(undefined, dir);
  cachedLabs = { dir, labs };
  return labs;
}

/** `where` names the page, so the build error points at the MDX that holds the reference. */
export function requireLab(labs: readonly Lab[], labId: string, where: string): Lab {
  const lab = labs.find((candidate) => candidate.id === labId);
  if (lab) return lab;
  throw new LabReferenceError(
    `${where}: <Lab id="${labId}" /> — ${labId}.yaml이 어느 장의 labs에도 없습니다. 있는 lab: ${labs.map((l) => l.id).join(', ') || '(없음)'}`,
  );
}

export function requireStep(labs: readonly Lab[], labId: string, stepId: string, where: string): { lab: Lab; step: LabStep; index: number } {
  const reference = `<LabStep lab="${labId}" step="${stepId}" />`;
  const lab = labs.find((candidate) => candidate.id === labId);
  if (!lab) {
    throw new LabReferenceError(
      `${where}: ${reference} — ${labId}.yaml이 어느 장의 labs에도 없습니다. 있는 lab: ${labs.map((l) => l.id).join(', ') || '(없음)'}`,
    );
  }
  const found = findStep(labs, labId, stepId);
  if (found) return found;
  throw new LabReferenceError(
    `${where}: ${reference} — '${labId}' 실습에 '${stepId}' 단계가 없습니다. 있는 단계: ${lab.steps.map((s) => s.id).join(', ')}`,
  );
}

/** Where a component was used, for error messages: the page path is all Astro tells us. */
export function pageReference(pathname: string): string {
  return `페이지 ${decodeURI(pathname)}`;
}

/** What the step card shows instead of the raw action union. */
export type ActionView =
  | { kind: 'command'; terminal: string; command: string; stream: boolean; input: string[]; waitFor: string | undefined }
  | { kind: 'interrupt'; terminals: string[] };

export function actionView(step: LabStep): ActionView {
  const action = step.action;
  if (action.kind === 'interrupt') return { kind: 'interrupt', terminals: [...action.terminals] };
  return {
    kind: 'command',
    terminal: action.terminal,
    command: action.command,
    stream: action.until === 'stream',
    input: [...action.input],
    waitFor: action.waitFor,
  };
}

/** Solution as shell text grouped per terminal, or why there is none to show. */
export type SolutionView =
  | { kind: 'own-action' }
  | { kind: 'skipped' }
  | { kind: 'commands'; blocks: { terminal: string; code: string }[] };

export function solutionView(step: LabStep): SolutionView {
  if (step.solution === undefined) return { kind: 'own-action' };
  if (step.solution.length === 0) return { kind: 'skipped' };
  const blocks: { terminal: string; code: string }[] = [];
  for (const { terminal, command } of step.solution) {
    const last = blocks.at(-1);
    if (last?.terminal === terminal) last.code += `\n${command}`;
    else blocks.push({ terminal, code: command });
  }
  return { kind: 'commands', blocks };
}

/** The dock button that shows or hides each panel kind (src/components/LabPanel.astro draws them). */
export const PANEL_TOGGLE_LABELS: Readonly<Record<string, string>> = {
  'kafka-cluster': '클러스터 그림',
  'flink-jobs': 'Flink 잡 상태',
  'flink-candle-chart': '캔들 차트',
  'lakehouse-candle-chart': '캔들 차트 (Paimon 대조)',
  lakehouse: '레이크하우스 상태',
};

/** The label of the lab's panel toggle; null when it shows no panel. A kind the site cannot draw fails the build. */
export function panelToggleLabel(lab: Lab): string | null {
  if (!lab.panel) return null;
  const label = PANEL_TOGGLE_LABELS[lab.panel.kind];
  if (label === undefined) throw new LabReferenceError(`${lab.id}: 패널 종류 '${lab.panel.kind}'를 사이트가 그릴 수 없습니다 (src/components/LabPanel.astro, lab-data.ts)`);
  return label;
}

/** Stable DOM ids: lab and step ids are already [a-z0-9-] slugs. */
export function stepDomId(labId: string, stepId: string): string {
  return `lab-${labId}--${stepId}`;
}
