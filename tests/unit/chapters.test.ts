// What a chapter's manifest says about its services must be what its compose file does,
// since doctor, the teardown check and the tests read the manifest: container names, host
// ports, memory limits, image variables and fallbacks, profiles. And the learner's compose
// file joins every chapter, with a bare `docker compose up -d` starting only the brokers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { CHAPTERS_DIR, COURSE } from '../../chapters/index.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { courseMemoryMiB } from '../../server/course.ts';
import { REPO_ROOT } from '../../server/paths.ts';

interface ComposeService {
  image?: string;
  container_name?: string;
  profiles?: string[];
  ports?: string[];
  deploy?: { resources?: { limits?: { memory?: string } } };
}

const read = (path: string) => parse(readFileSync(path, 'utf8'), { merge: true }) as { include?: Array<string | { path: string | string[] }>; services?: Record<string, ComposeService> };

const mebibytes = (text: string | undefined) => {
  const match = /^(\d+)([MG])$/i.exec(text ?? '');
  return match ? Number(match[1]) * (match[2]!.toUpperCase() === 'G' ? 1024 : 1) : Number.NaN;
};

for (const chapter of COURSE) {
  test(`${chapter.folder}: the manifest's services are its compose file's`, () => {
    const services = read(join(CHAPTERS_DIR, chapter.folder, chapter.compose)).services ?? {};
    assert.deepEqual(Object.keys(services).sort(), chapter.services.map((s) => s.name).sort());
    for (const spec of chapter.services) {
      const service = services[spec.name]!;
      assert.equal(service.container_name, spec.container, `${spec.name}: container_name`);
      assert.deepEqual(service.profiles?.[0], spec.profile, `${spec.name}: profile`);
      assert.equal(service.image, spec.image.variable ? `\${${spec.image.variable}:-${spec.image.fallback}}` : spec.image.fallback, `${spec.name}: image`);
      assert.equal(mebibytes(service.deploy?.resources?.limits?.memory), spec.memoryMiB, `${spec.name}: memory limit`);
      const hostPorts = (service.ports ?? []).map((port) => Number(/^(?:127\.0\.0\.1:)?(\d+):/.exec(port)?.[1]));
      assert.deepEqual(hostPorts, spec.ports.map((port) => port.host), `${spec.name}: host ports`);
      for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:/, `${spec.name}: ${port} must bind to loopback`);
    }
    // From chapter 3 on, every service waits behind a profile: bare `up -d` starts chapter 2's brokers only.
    if (chapter.number > 2) for (const spec of chapter.services) assert.ok(spec.profile, `${spec.name} needs a profile`);
  });
}

test('compose/docker-compose.yml includes every chapter\'s compose file, in course order', () => {
  const root = read(join(REPO_ROOT, 'compose', 'docker-compose.yml'));
  // An entry may be a list (a chapter's file plus a later chapter's override merged onto it):
  // its first file is the chapter's own.
  const included = (root.include ?? []).map((entry) => (typeof entry === 'string' ? entry : Array.isArray(entry.path) ? entry.path[0] : entry.path));
  assert.deepEqual(included, COURSE.map((chapter) => `../chapters/${chapter.folder}/${chapter.compose}`));
  assert.equal(root.services, undefined, 'services belong in the chapters\' files');
});

test('a bare `docker compose up -d` starts exactly the three brokers', () => {
  const bare = COURSE.flatMap((chapter) => chapter.services.filter((s) => s.profile === undefined).map((s) => s.name));
  assert.deepEqual(bare.sort(), ['kafka-1', 'kafka-2', 'kafka-3']);
});

test('the course fits the memory budget of the contract (6 GB at most)', () => {
  assert.ok(courseMemoryMiB(COURSE) <= 6 * 1024, `${courseMemoryMiB(COURSE)} MiB`);
});

test('every chapter has a plug-in; check names and panel kinds are unique across the course', async () => {
  const course = await loadCourse();
  assert.equal(course.plugins.length, COURSE.length);
  assert.equal(new Set(course.checks.map((check) => check.name)).size, course.checks.length);
  assert.equal(new Set(course.panels.map((panel) => panel.kind)).size, course.panels.length);
});
