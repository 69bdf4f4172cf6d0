// Lab definitions are data (chapters/NN-name/labs/*.yaml); this schema is their contract,
// shared by the lab server, the headless runner and the site build, and the loader puts the
// chapters' labs into one course. It imports only zod, yaml and the manifest schema, so the
// site can validate `<LabStep>` references at build time without loading server code.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PanelRef, type ChapterManifest } from './course.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'id는 소문자, 숫자, -만 쓸 수 있습니다');

/** A command typed into one of the lab's terminals (solutions, and the core of a command action). */
const TerminalCommand = {
  terminal: id,
  command: z.string().min(1).max(2000),
};

/** What the step does to its terminal. `command` is typed as if the learner typed it. */
export const StepAction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('command'),
    ...TerminalCommand,
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
  /** Name of a check a chapter plug-in registers (validated against the registry at server start). */
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
  solution: z.array(z.object(TerminalCommand).strict()).optional(),
  /** Longest the action itself may run before it is interrupted (stream steps: until input is typed). */
  timeoutSec: z.number().min(1).max(600).default(120),
}).strict();
export type LabStep = z.infer<typeof LabStep>;

export const Lab = z.object({
  id,
  title: z.string().min(1).max(120),
  summary: z.string().min(1),
  /** Labs (of this chapter or an earlier one) whose end state this one starts from; catch-up brings those first. */
  requires: z.array(id).default([]),
  terminals: z.array(id).min(1).max(8),
  /** Folder the terminals start in, relative to the repository root; default: the chapter's `workdir`. */
  cwd: z.string().regex(/^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/, 'cwd는 저장소 안의 상대 경로여야 합니다').refine((p) => !p.split('/').includes('..'), 'cwd에 ..를 쓸 수 없습니다').optional(),
  /** The live panel beside the lab; default: the chapter's `panel`; null: none. */
  panel: PanelRef.nullable().optional(),
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

/** A lab as the course runs it: which chapter it belongs to, and its defaults filled in. */
export type CourseLab = Lab & { chapter: string; cwd: string; panel: PanelRef | null };

/** Where a chapter's lab files are: chapters/<folder>/labs. */
export function chapterLabsDir(chaptersDir: string, chapter: Pick<ChapterManifest, 'folder'>): string {
  return join(chaptersDir, chapter.folder, 'labs');
}

/**
 * Loads one chapter's labs in the order its manifest lists them. Every listed lab must have
 * its file and every file must be listed: a lab missing from the order is an error, never
 * silently first.
 */
export function loadChapterLabs(labsDir: string, chapter: ChapterManifest): CourseLab[] {
  const files = readdirSync(labsDir).filter((name) => name.endsWith('.yaml'));
  const where = (name: string) => `${chapter.folder}/labs/${name}`;
  for (const name of files) {
    if (!chapter.labs.includes(name.slice(0, -'.yaml'.length))) {
      throw new LabFileError(where(name), `chapter.ts의 labs 목록에 없습니다 (목록: ${chapter.labs.join(', ')})`);
    }
  }
  return chapter.labs.map((labId) => {
    const name = `${labId}.yaml`;
    if (!files.includes(name)) throw new LabFileError(where(name), `chapter.ts의 labs 목록에 있지만 파일이 없습니다`);
    const lab = parseLabFile(where(name), readFileSync(join(labsDir, name), 'utf8'));
    if (lab.id !== labId) throw new LabFileError(where(name), `lab id '${lab.id}'와 파일 이름이 같아야 합니다`);
    return { ...lab, chapter: chapter.id, cwd: lab.cwd ?? chapter.workdir, panel: lab.panel === undefined ? chapter.panel : lab.panel };
  });
}

/**
 * Every lab of the course, chapters in the given order: ids unique across the course, and
 * `requires` naming only a lab of the same chapter or an earlier one.
 */
export function loadCourseLabs(chaptersDir: string, chapters: readonly ChapterManifest[]): CourseLab[] {
  const labs: CourseLab[] = [];
  for (const chapter of chapters) {
    const own = loadChapterLabs(chapterLabsDir(chaptersDir, chapter), chapter);
    for (const lab of own) {
      const file = `${chapter.folder}/labs/${lab.id}.yaml`;
      const clash = labs.find((other) => other.id === lab.id);
      if (clash) throw new LabFileError(file, `lab id '${lab.id}'가 '${clash.chapter}' 장에도 있습니다. 장마다 접두어를 붙이세요 (예: ${chapter.id}-${lab.id})`);
      for (const required of lab.requires) {
        if (!labs.some((other) => other.id === required) && !own.some((other) => other.id === required)) {
          throw new LabFileError(file, `requires의 '${required}'는 이 장이나 앞선 장의 lab이 아닙니다`);
        }
      }
    }
    labs.push(...own);
  }
  return labs;
}

export function findStep<L extends Lab>(labs: readonly L[], labId: string, stepId: string): { lab: L; step: LabStep; index: number } | undefined {
  const lab = labs.find((l) => l.id === labId);
  if (!lab) return undefined;
  const index = lab.steps.findIndex((s) => s.id === stepId);
  return index < 0 ? undefined : { lab, step: lab.steps[index]!, index };
}
