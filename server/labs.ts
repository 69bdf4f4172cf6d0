// Lab definitions are data (labs/*.yaml); this schema is their contract, shared by the lab
// server, the headless runner and the site build. It imports nothing from server/ so the
// site can validate `<LabStep>` references at build time without loading server code.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'id는 소문자, 숫자, -만 쓸 수 있습니다');

/** What the step does to its terminal. `command` is typed as if the learner typed it. */
export const StepAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('command'),
    terminal: id,
    command: z.string().min(1).max(2000),
    /** `exit`: wait for the shell prompt (exit status); `stream`: long-running, check runs alongside. */
    until: z.enum(['exit', 'stream']).default('exit'),
    /** Lines typed into the running program after it prints `waitFor` (e.g. the producer's `>`). */
    input: z.array(z.string().max(2000)).max(50).default([]),
    waitFor: z.string().max(200).optional(),
  }).strict(),
  /** Ctrl-C to the named terminals (stop a console client or a producer). */
  z.object({ kind: z.literal('interrupt'), terminals: z.array(id).min(1) }).strict(),
]);
export type StepAction = z.infer<typeof StepAction>;

export const CheckRef = z.object({
  /** Name of a check in server/checks (validated against the registry at server start). */
  use: id,
  with: z.record(z.string(), z.unknown()).default({}),
  timeoutSec: z.number().min(1).max(300).default(30),
}).strict();
export type CheckRef = z.infer<typeof CheckRef>;

export const LabStep = z.object({
  id,
  title: z.string().min(1).max(120),
  action: StepAction,
  check: CheckRef,
  /** Shown behind a disclosure when the check fails. Korean. */
  hint: z.string().min(1),
  /**
   * Idempotent commands that bring the cluster to this step's end state, used by catch-up.
   * Absent: catch-up performs the step's own action. Empty: a demonstration step that
   * catch-up skips (it leaves nothing later steps rely on).
   */
  solution: z.array(z.object({ terminal: id, command: z.string().min(1).max(2000) }).strict()).optional(),
  /** Longest the action itself may run before it is interrupted (stream steps: until input is typed). */
  timeoutSec: z.number().min(1).max(600).default(120),
}).strict();
export type LabStep = z.infer<typeof LabStep>;

export const Lab = z.object({
  id,
  title: z.string().min(1).max(120),
  summary: z.string().min(1),
  /** Labs whose end state this one starts from; catch-up brings those first. */
  requires: z.array(id).default([]),
  terminals: z.array(id).min(1).max(8),
  steps: z.array(LabStep).min(1),
}).strict().superRefine((lab, ctx) => {
  const seen = new Set<string>();
  for (const [index, step] of lab.steps.entries()) {
    if (seen.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `단계 id '${step.id}'가 두 번 나옵니다` });
    seen.add(step.id);
    const used = step.action.kind === 'command' ? [step.action.terminal] : step.action.terminals;
    for (const terminal of [...used, ...(step.solution ?? []).map((s) => s.terminal)]) {
      if (!lab.terminals.includes(terminal)) {
        ctx.addIssue({ code: 'custom', path: ['steps', index], message: `터미널 '${terminal}'이 lab의 terminals 목록에 없습니다` });
      }
    }
  }
});
export type Lab = z.infer<typeof Lab>;

/** The course order; also the order of `lab run all` and of catch-up across labs. */
export const LAB_ORDER = ['cluster-up', 'topics', 'console', 'clients', 'failover', 'troubleshoot', 'teardown'] as const;

export const LABS_DIR = dirname(fileURLToPath(import.meta.url));

export class LabFileError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'LabFileError';
  }
}

export function parseLabFile(file: string, text: string): Lab {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new LabFileError(file, `YAML을 읽을 수 없습니다: ${(error as Error).message}`);
  }
  const parsed = Lab.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new LabFileError(file, `lab 정의가 올바르지 않습니다\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Loads every lab in course order; throws LabFileError naming the file and field on bad data. */
export function loadLabs(dir: string = LABS_DIR): Lab[] {
  const labs = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => {
      const lab = parseLabFile(name, readFileSync(join(dir, name), 'utf8'));
      if (`${lab.id}.yaml` !== name) throw new LabFileError(name, `lab id '${lab.id}'와 파일 이름이 같아야 합니다`);
      return lab;
    });
  for (const lab of labs) {
    for (const required of lab.requires) {
      if (!labs.some((other) => other.id === required)) throw new LabFileError(`${lab.id}.yaml`, `requires에 없는 lab '${required}'가 있습니다`);
    }
  }
  const order: readonly string[] = LAB_ORDER;
  return labs.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

export function findStep(labs: readonly Lab[], labId: string, stepId: string): { lab: Lab; step: LabStep; index: number } | undefined {
  const lab = labs.find((l) => l.id === labId);
  if (!lab) return undefined;
  const index = lab.steps.findIndex((s) => s.id === stepId);
  return index < 0 ? undefined : { lab, step: lab.steps[index]!, index };
}
