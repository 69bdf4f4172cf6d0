// What a chapter is, as the course-agnostic core sees it. A chapter folder (chapters/NN-name)
// declares itself with two things: a manifest (data: services, compose file, labs, panel) that
// the site, doctor and tests can read without loading any server code, and a plug-in (code:
// checks, panel sources, the endpoints its checks talk to) that only the wiring points load.
// The core never imports a chapter; the wiring hands it checks and panel sources built here.
import { z } from 'zod';
import type Docker from 'dockerode';
import type { CheckDefinition, CourseFacts, EngineCheck } from './checks.ts';
import type { CourseLab } from './labs.ts';
import type { PanelSnapshot } from './wire.ts';
import type { ProbeResult } from './preflight/types.ts';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'id는 소문자, 숫자, -만 쓸 수 있습니다');

/** A host port a service publishes; doctor checks it is free (or held by our own project). */
export const ServicePort = z.object({
  host: z.number().int().min(1).max(65535),
  /** Shown in doctor's table, e.g. `Kafka EXTERNAL, kafka-1`. */
  purpose: z.string().min(1),
}).strict();
export type ServicePort = z.infer<typeof ServicePort>;

/**
 * The image a service runs: compose writes `image: ${variable:-fallback}`; build scripts write
 * `variable=offline` into compose/.env. Without `variable` the compose file names `fallback` as is.
 */
export const ServiceImage = z.object({
  variable: z.string().regex(/^[A-Z][A-Z0-9_]*_IMAGE$/).optional(),
  /** The `${VAR:-fallback}` in the compose file (what runs when .env does not say). */
  fallback: z.string().min(1),
  /** The tag the chapter's image/build.sh makes from local parts (upbit-lab/...). */
  offline: z.string().min(1),
}).strict();
export type ServiceImage = z.infer<typeof ServiceImage>;

/**
 * One compose service. `role` says how the course counts it:
 * - `core`: a long-running container the chapter needs (fixed container name, ports must be
 *   free, memory counted in the course budget, image must exist before the workshop);
 * - `tool`: a `docker compose run --rm` helper (no fixed name; one at a time, so only the
 *   largest tool is added to the budget);
 * - `optional`: an extra the chapter mentions but no lab needs (ports only warned about,
 *   not counted, image not required; e.g. Kafka UI).
 */
export const ServiceSpec = z.object({
  name: slug,
  role: z.enum(['core', 'tool', 'optional']).default('core'),
  /** `container_name` in compose; absent for tools. */
  container: slug.optional(),
  /** The compose profile it sits behind; absent means a bare `docker compose up -d` starts it. */
  profile: slug.optional(),
  ports: z.array(ServicePort).default([]),
  image: ServiceImage,
  /** deploy.resources.limits.memory, in MiB. */
  memoryMiB: z.number().int().positive(),
}).strict().refine((service) => service.role === 'tool' || service.container !== undefined, { message: 'core/optional 서비스에는 container 이름이 있어야 합니다' });
export type ServiceSpec = z.infer<typeof ServiceSpec>;

/** Which live panel a lab shows beside its steps, and the panel's options (e.g. the topic). */
export const PanelRef = z.object({
  kind: slug,
  with: z.record(z.string(), z.unknown()).default({}),
}).strict();
export type PanelRef = z.infer<typeof PanelRef>;

export const ChapterManifest = z.object({
  /** Short id, also the prefix of its lab ids from chapter 3 on (`flink-...`). */
  id: slug,
  /** The chapter number in the blog series (2 = Kafka). Course order is chapters/index.ts, not this. */
  number: z.number().int().min(1).max(99),
  title: z.string().min(1),
  /** Folder under chapters/, e.g. `02-kafka`. */
  folder: z.string().regex(/^\d\d-[a-z0-9-]+$/),
  /** The MDX page (src/content/docs/<doc>.mdx) that teaches it. */
  doc: slug,
  /** Its compose file, relative to the chapter folder; compose/docker-compose.yml includes it. */
  compose: z.string().default('compose.yml'),
  /** Where its lab terminals start, relative to the repository root (a lab may override with `cwd`). */
  workdir: z.string().default('compose'),
  services: z.array(ServiceSpec),
  /** Its labs in teaching order: labs/<id>.yaml in the chapter folder, one entry each. */
  labs: z.array(slug).min(1),
  /** The panel its labs show unless a lab says otherwise (`panel:` in the lab file); null: none. */
  panel: PanelRef.nullable().default(null),
  /** Script that builds its offline image(s), relative to the chapter folder; `npm run images` runs each. */
  imageBuild: z.string().optional(),
  /**
   * Script that prepares this machine with no network and no image build (per-machine keys in
   * compose/.env, say), relative to the chapter folder. Run by `npm run images` and by
   * `npm run workshop:install`, which loads images instead of building them; must be idempotent.
   */
  setup: z.string().optional(),
}).strict();
export type ChapterManifest = z.infer<typeof ChapterManifest>;
export type ChapterManifestInput = z.input<typeof ChapterManifest>;

/** Validates a chapter's manifest when its module loads, so a typo fails every entry point at once. */
export function defineChapter(input: ChapterManifestInput): ChapterManifest {
  const parsed = ChapterManifest.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`chapter manifest '${String((input as { id?: unknown }).id)}' is invalid\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * A live panel kind on the server: one source per kind and lab server, shared by every tab.
 * `watch` is called with the lab's `panel.with` (validated by `options`) and pushes snapshots
 * whose `kind` equals the source's kind; the returned function stops that one watcher.
 */
export interface PanelSource {
  watch(options: Record<string, unknown>, listener: (snapshot: PanelSnapshot) => void): () => void;
  /** A lab step started or ended, so the picture may change soon: a source that slows down while idle speeds up. */
  nudge?(): void;
  dispose(): Promise<void>;
}

/** What the core hands a panel kind's source: Docker, and the lab state folder (where lab clients leave reports). */
export interface PanelDeps {
  docker: Docker;
  stateDir: string;
}

export interface PanelKind {
  kind: string;
  /** The panel's `with` options, checked when the course loads (not on every watch). */
  options: z.ZodType<Record<string, unknown>>;
  create(deps: PanelDeps): PanelSource;
}

/** A doctor line a chapter adds beyond what its services already imply (ports, images, names, memory). */
export interface ChapterPreflight {
  id: string;
  title: string;
  run(): Promise<ProbeResult>;
}

/**
 * The code half of a chapter (chapters/NN-name/plugin.ts, default export). `Endpoints` is
 * whatever its checks need to reach its services (Kafka bootstrap list, a REST URL); it is
 * derived from the manifest in the plug-in and reaches each check as `context.endpoints`.
 */
export interface ChapterPlugin<Endpoints = unknown> {
  chapter: ChapterManifest;
  endpoints: Endpoints;
  // Each check has its own parameter type; the plug-in only needs the common shape.
  checks: ReadonlyArray<CheckDefinition<never, Endpoints>>;
  panels?: readonly PanelKind[];
  preflight?: readonly ChapterPreflight[];
  /** A learner's reason for an error one of its checks threw (e.g. its service is down); undefined: not ours. */
  explainError?(message: string): string | undefined;
}

/** Type helper for a chapter's plugin.ts: keeps `Endpoints` tied between checks and endpoints. */
export function defineChapterPlugin<Endpoints>(plugin: ChapterPlugin<Endpoints>): ChapterPlugin<Endpoints> {
  return plugin;
}

/** Every service of the course, each with the chapter that declares it. */
export function courseServices(chapters: readonly ChapterManifest[]): Array<ServiceSpec & { chapter: string }> {
  return chapters.flatMap((chapter) => chapter.services.map((service) => ({ ...service, chapter: chapter.id })));
}

/** MiB the whole course needs at once: every core service, plus the largest tool (tools run one at a time). */
export function courseMemoryMiB(chapters: readonly ChapterManifest[]): number {
  const services = courseServices(chapters);
  const core = services.filter((s) => s.role === 'core').reduce((sum, s) => sum + s.memoryMiB, 0);
  const largestTool = Math.max(0, ...services.filter((s) => s.role === 'tool').map((s) => s.memoryMiB));
  return core + largestTool;
}

/**
 * Everything the core needs from the course, handed over by a wiring point (main.ts, the CLI,
 * tests) that loaded the chapters: the labs in course order, every chapter's checks bound to
 * its endpoints, the panel kinds, and the course-wide names.
 */
export interface CourseParts {
  labs: CourseLab[];
  checks: EngineCheck[];
  panels: PanelKind[];
  facts: CourseFacts;
}
