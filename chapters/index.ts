// The course, in order: the only place the order of chapters is written. Each entry is a
// chapter's manifest (data); the course-wide lab order is each chapter's `labs` list in
// turn. Adding a chapter: import its manifest here, in its place, and give its folder a
// plugin.ts (see chapters/README.md).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CourseFacts } from '../server/checks.ts';
import { courseMemoryMiB, courseServices, type ChapterManifest, type ChapterPreflight } from '../server/course.ts';
import type { PreflightCourse } from '../server/preflight/types.ts';
import { loadCourseLabs, type CourseLab } from '../server/labs.ts';
import { kafkaChapter } from './02-kafka/chapter.ts';
import { flinkChapter } from './03-flink/chapter.ts';
import { lakehouseChapter } from './04-lakehouse/chapter.ts';
import { mcpChapter } from './05-mcp/chapter.ts';

export const COURSE: readonly ChapterManifest[] = [kafkaChapter, flinkChapter, lakehouseChapter, mcpChapter];

export const CHAPTERS_DIR = dirname(fileURLToPath(import.meta.url));

/** Names every chapter shares (COORDINATION contract): one compose project, one network. */
export const COMPOSE_PROJECT = 'upbit-pipeline';
export const NETWORK = 'pipeline-network';

/** Every lab id of the course in order (what `lab run all` and the page's catch-up follow). */
export const LAB_ORDER: readonly string[] = COURSE.flatMap((chapter) => chapter.labs);

export function courseFacts(chapters: readonly ChapterManifest[] = COURSE): CourseFacts {
  return {
    project: COMPOSE_PROJECT,
    network: NETWORK,
    containers: courseServices(chapters).flatMap((service) => (service.role === 'optional' || !service.container ? [] : [service.container])),
  };
}

/** Every lab of the course in order, read from the chapters' lab files (data only; no plug-in code). */
export function courseLabs(chapters: readonly ChapterManifest[] = COURSE, chaptersDir: string = CHAPTERS_DIR): CourseLab[] {
  return loadCourseLabs(chaptersDir, chapters);
}

/** What doctor checks on a laptop for these chapters: their ports, images, container names and memory. */
export function preflightCourse(chapters: readonly ChapterManifest[] = COURSE, extra: readonly ChapterPreflight[] = []): PreflightCourse {
  return { project: COMPOSE_PROJECT, services: courseServices(chapters), memoryMiB: courseMemoryMiB(chapters), extra };
}
