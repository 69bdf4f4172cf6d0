// Every chapter's `setup` script (per-machine preparation that needs no network, such as
// chapter 4's object-store keys), in course order. `npm run images` runs it before building,
// and `npm run workshop:install` runs it after loading the bundle's images: an attendee's
// laptop never builds an image, so without this it would have no keys and chapter 4's labs
// would stop at "S3 키가 없습니다".
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHAPTERS_DIR, COURSE } from '../../chapters/index.ts';
import type { ChapterManifest } from '../course.ts';

/** Runs each chapter's setup script; returns the first failure's message, or null. */
export function runChapterSetups(chapters: readonly ChapterManifest[] = COURSE): string | null {
  for (const chapter of chapters) {
    if (!chapter.setup) continue;
    const script = join(CHAPTERS_DIR, chapter.folder, chapter.setup);
    console.log(`[setup] ${chapter.number}편 ${chapter.title}: ${chapter.folder}/${chapter.setup}`);
    const result = spawnSync('bash', [script], { stdio: 'inherit' });
    if (result.status !== 0) return `${chapter.folder}/${chapter.setup}가 실패했습니다 (종료 코드 ${result.status ?? result.signal}).`;
  }
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problem = runChapterSetups();
  if (problem) {
    console.error(`[setup] ${problem}`);
    process.exit(1);
  }
}
