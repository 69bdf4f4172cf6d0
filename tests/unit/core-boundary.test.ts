// The lab core knows no chapter: nothing under server/ imports chapters/ or a chapter's client
// library (kafkajs), except the wiring points that load the course (main.ts, stop.ts, cli/).
// The project's before-stop hook greps for the same thing; this test fails the build first.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../server/paths.ts';

const SERVER = join(REPO_ROOT, 'server');
const WIRING = [/^server\/main\.ts$/, /^server\/stop\.ts$/, /^server\/cli\//];
/** Client libraries of chapters' services; add one when a chapter brings its own. */
const CHAPTER_LIBRARIES = ['kafkajs'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, statically or with import(). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

export function forbiddenImports(text: string): string[] {
  return importsOf(text).filter((specifier) => /(^|\/)chapters\//.test(specifier) || CHAPTER_LIBRARIES.includes(specifier));
}

test('no core file imports a chapter or a chapter\'s client library', () => {
  const offenders: string[] = [];
  for (const path of files(SERVER)) {
    const file = relative(REPO_ROOT, path).split('\\').join('/');
    if (WIRING.some((pattern) => pattern.test(file))) continue;
    for (const specifier of forbiddenImports(readFileSync(path, "utf8"))) offenders.push(`${file} → ${specifier}`);
  }
  assert.deepEqual(offenders, [], `core files import chapter code:\n${offenders.join('\n')}`);
});

test('the scan sees the forms an import can take', () => {
  const text = [
    "import { kafkaChapter } from '../chapters/02-kafka/chapter.ts';",
    "import '../chapters/02-kafka/clients/quiet-kafkajs.ts';",
    "const plugin = await import('../chapters/plugins.ts');",
    "export { x } from '../../chapters/index.ts';",
    "import type { Admin } from 'kafkajs';",
    "import { z } from 'zod';",
  ].join('\n');
  assert.equal(forbiddenImports(text).length, 5);
});
