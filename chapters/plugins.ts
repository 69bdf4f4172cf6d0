// Loads the server half of every chapter (chapters/<folder>/plugin.ts) in course order and
// joins them into what the core takes: labs, checks bound to their chapter's endpoints, and
// panel kinds. Only wiring points import this (server/main.ts, server/cli/*, bench, tests);
// the site reads the manifests in index.ts instead and never loads a check.
import { bindChecks } from '../server/checks.ts';
import type { ChapterManifest, ChapterPlugin, ChapterPreflight, CourseParts, PanelKind } from '../server/course.ts';
import { loadCourseLabs } from '../server/labs.ts';
import { CHAPTERS_DIR, COURSE, courseFacts } from './index.ts';

export interface LoadedCourse extends CourseParts {
  chapters: readonly ChapterManifest[];
  plugins: ReadonlyArray<ChapterPlugin<unknown>>;
  preflight: ChapterPreflight[];
}

export class CourseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CourseError';
  }
}

export async function loadPlugin(chapter: ChapterManifest): Promise<ChapterPlugin<unknown>> {
  const module = (await import(new URL(`./${chapter.folder}/plugin.ts`, import.meta.url).href)) as { default?: ChapterPlugin<unknown> };
  const plugin = module.default;
  if (!plugin || plugin.chapter?.id !== chapter.id) {
    throw new CourseError(`chapters/${chapter.folder}/plugin.ts must default-export the plug-in of chapter '${chapter.id}' (defineChapterPlugin)`);
  }
  return plugin;
}

/** The whole course, checked: unique check names and panel kinds, every lab's check and panel known. */
export async function loadCourse(chapters: readonly ChapterManifest[] = COURSE, chaptersDir: string = CHAPTERS_DIR): Promise<LoadedCourse> {
  const labs = loadCourseLabs(chaptersDir, chapters);
  const plugins = await Promise.all(chapters.map(loadPlugin));
  const checks = plugins.flatMap((plugin) => bindChecks(plugin.checks, plugin.endpoints, plugin.explainError?.bind(plugin)));
  const panels: PanelKind[] = plugins.flatMap((plugin) => [...(plugin.panels ?? [])]);
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.name)) throw new CourseError(`check '${check.name}' is registered by two chapters; prefix it with the chapter id`);
    seen.add(check.name);
  }
  const kinds = new Map<string, PanelKind>();
  for (const panel of panels) {
    if (kinds.has(panel.kind)) throw new CourseError(`panel kind '${panel.kind}' is registered twice`);
    kinds.set(panel.kind, panel);
  }
  for (const lab of labs) {
    if (!lab.panel) continue;
    const kind = kinds.get(lab.panel.kind);
    if (!kind) throw new CourseError(`${lab.id}: panel kind '${lab.panel.kind}' is not registered by any chapter plug-in`);
    const options = kind.options.safeParse(lab.panel.with);
    if (!options.success) throw new CourseError(`${lab.id}: panel '${lab.panel.kind}' options are invalid (${options.error.issues[0]?.message})`);
  }
  return {
    chapters,
    plugins,
    labs,
    checks,
    panels,
    facts: courseFacts(chapters),
    preflight: plugins.flatMap((plugin) => [...(plugin.preflight ?? [])]),
  };
}
