// Build-time bridge between the chapter MDX and labs/*.yaml: <Lab> and <LabStep> look their
// lab and step up here, and a reference to a lab or step that does not exist throws an error
// naming the MDX reference, so `astro build` fails instead of shipping a dead step.
import { findStep, loadLabs, type Lab, type LabStep } from '../../labs/schema.ts';

/** Injected by astro.config.mjs (`vite.define`); absent when this file runs under plain node. */
declare const __UPBIT_LABS_DIR__: string | undefined;

export class LabReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabReferenceError';
  }
}

let cachedLabs: { dir: string | undefined; labs: Lab[] } | undefined;

function labsDirectory(): string | undefined {
  return typeof __UPBIT_LABS_DIR__ === 'string' ? __UPBIT_LABS_DIR__ : undefined;
}

/** All labs, parsed once per build (every <LabStep> on every page asks). */
export function siteLabs(dir: string | undefined = labsDirectory()): Lab[] {
  if (cachedLabs && cachedLabs.dir === dir) return cachedLabs.labs;
  const labs = dir === undefined ? loadLabs() : loadLabs(dir);
  cachedLabs = { dir, labs };
  return labs;
}

/** `where` names the page, so the build error points at the MDX that holds the reference. */
export function requireLab(labs: readonly Lab[], labId: string, where: string): Lab {
  const lab = labs.find((candidate) => candidate.id === labId);
  if (lab) return lab;
  throw new LabReferenceError(
    `${where}: <Lab id="${labId}" /> — labs/${labId}.yaml이 없습니다. 있는 lab: ${labs.map((l) => l.id).join(', ') || '(없음)'}`,
  );
}

export function requireStep(labs: readonly Lab[], labId: string, stepId: string, where: string): { lab: Lab; step: LabStep; index: number } {
  const reference = `<LabStep lab="${labId}" step="${stepId}" />`;
  const lab = labs.find((candidate) => candidate.id === labId);
  if (!lab) {
    throw new LabReferenceError(
      `${where}: ${reference} — labs/${labId}.yaml이 없습니다. 있는 lab: ${labs.map((l) => l.id).join(', ') || '(없음)'}`,
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

/** Topics the server will draw for cluster.watch (its allowlist in server/protocol.ts). */
export const WATCHABLE_TOPICS = ['upbit-ticker', 'ledger'] as const;
export type WatchableTopic = (typeof WATCHABLE_TOPICS)[number];

/** The topic a lab's cluster panel shows: the one its checks look at (failover: ledger). */
export function clusterTopic(lab: Lab): WatchableTopic {
  for (const step of lab.steps) {
    const topic = step.check.with['topic'];
    const known = WATCHABLE_TOPICS.find((candidate) => candidate === topic);
    if (known) return known;
  }
  return 'upbit-ticker';
}

/** Stable DOM ids: lab and step ids are already [a-z0-9-] slugs. */
export function stepDomId(labId: string, stepId: string): string {
  return `lab-${labId}--${stepId}`;
}
