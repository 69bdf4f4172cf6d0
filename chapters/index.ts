// The course, in order: the only place the order of chapters is written. Each entry is a
// chapter's manifest (data); the course-wide lab order is each chapter's `labs` list in
// turn. Adding a chapter: import its manifest here, in its place, and give its folder a
// plugin.ts (see chapters/README.md).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CourseFacts } from '../server/checks.ts';
import { courseServices, type ChapterManifest } from '../server/course.ts';
import { kafkaChapter } from './02-kafka/chapter.ts';

export const COURSE: readonly ChapterManifest[] = [kafkaChapter];

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
