// `npm run images`: builds every chapter's offline image(s), in course order, by running each
// chapter's `imageBuild` script (each writes its NAME_IMAGE=<tag> line into compose/.env).
// Stops at the first failure. `npm run images -- kafka` builds one chapter's only. Every
// chapter's `setup` script (per-machine keys and the like) runs first, as workshop:install does.
// `--arch arm64` on an amd64 machine cross-builds the images for an Apple-silicon workshop
// bundle (tags end in -arm64, compose/.env untouched; chapters/02-kafka/image/platform.sh).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CHAPTERS_DIR, COURSE } from '../../chapters/index.ts';
import { takeArchFlag } from './arch-flag.ts';
import { runChapterSetups } from './setup.ts';

let parsed: ReturnType<typeof takeArchFlag>;
try {
  parsed = takeArchFlag(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const { arch, rest: wanted } = parsed;
const unknown = wanted.filter((id) => !COURSE.some((chapter) => chapter.id === id));
if (unknown.length > 0) {
  console.error(`없는 장입니다: ${unknown.join(', ')}. 있는 장: ${COURSE.map((chapter) => chapter.id).join(', ')}`);
  process.exit(2);
}
const setupProblem = runChapterSetups(COURSE.filter((chapter) => wanted.length === 0 || wanted.includes(chapter.id)));
if (setupProblem) {
  console.error(`[images] ${setupProblem}`);
  process.exit(1);
}
for (const chapter of COURSE) {
  if (!chapter.imageBuild || (wanted.length > 0 && !wanted.includes(chapter.id))) continue;
  const script = join(CHAPTERS_DIR, chapter.folder, chapter.imageBuild);
  console.log(`[images] ${chapter.number}편 ${chapter.title}: ${chapter.folder}/${chapter.imageBuild}`);
  const result = spawnSync('bash', [script], { stdio: 'inherit', env: arch ? { ...process.env, UPBIT_IMAGE_ARCH: arch } : process.env });
  if (result.status !== 0) {
    console.error(`[images] ${chapter.folder}의 이미지 빌드가 실패했습니다 (종료 코드 ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}
