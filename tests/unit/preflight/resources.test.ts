// Thresholds for the course's memory need (chapter 2: three 512 MB brokers and a 256 MB tool), judged on the Docker engine's view when it is known
// (Docker Desktop's VM), on the host otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessResources as assess } from '../../../server/preflight/resources.ts';
import { courseMemoryMiB } from '../../../server/course.ts';
import { kafkaChapter } from '../../../chapters/02-kafka/chapter.ts';

const CHAPTER_2_MIB = courseMemoryMiB([kafkaChapter]);
const assessResources = (facts: Parameters<typeof assess>[0], platform: NodeJS.Platform) => assess(facts, CHAPTER_2_MIB, platform);

const GIB = 1024 ** 3;

test('the engine view wins over the host', () => {
  const result = assessResources({ hostCpus: 8, hostMemBytes: 32 * GIB, engineCpus: 2, engineMemBytes: 3 * GIB }, 'darwin');
  assert.equal(result.status, 'warn');
  assert.match(result.detail, /Docker 엔진 CPU 2개, 메모리 3\.0 GiB/);
  assert.match(result.fix ?? '', /Docker Desktop → Settings → Resources/);
});

test('memory below 2 GiB fails, at least 4 GiB passes', () => {
  assert.equal(assessResources({ hostCpus: 4, hostMemBytes: 1.5 * GIB, engineCpus: null, engineMemBytes: null }, 'linux').status, 'fail');
  assert.equal(assessResources({ hostCpus: 4, hostMemBytes: 4 * GIB, engineCpus: 4, engineMemBytes: 4 * GIB }, 'linux').status, 'pass');
});

test('one CPU warns even with plenty of memory', () => {
  const result = assessResources({ hostCpus: 1, hostMemBytes: 16 * GIB, engineCpus: 1, engineMemBytes: 16 * GIB }, 'linux');
  assert.equal(result.status, 'warn');
  assert.match(result.detail, /CPU가 1개뿐/);
});

test('without the engine, the host decides and the detail says so', () => {
  const result = assessResources({ hostCpus: 4, hostMemBytes: 8 * GIB, engineCpus: null, engineMemBytes: null }, 'linux');
  assert.equal(result.status, 'pass');
  assert.match(result.detail, /호스트 기준으로 판단/);
});

test('chapter 2 alone needs 1.75 GiB of limits: the 2 and 4 GiB thresholds it always had', () => {
  assert.equal(CHAPTER_2_MIB, 3 * 512 + 256);
  assert.equal(assessResources({ hostCpus: 4, hostMemBytes: 2 * GIB - 1, engineCpus: null, engineMemBytes: null }, 'linux').status, 'fail');
  assert.equal(assessResources({ hostCpus: 4, hostMemBytes: 2 * GIB, engineCpus: null, engineMemBytes: null }, 'linux').status, 'warn');
  assert.equal(assessResources({ hostCpus: 4, hostMemBytes: 4 * GIB, engineCpus: null, engineMemBytes: null }, 'linux').status, 'pass');
});

test('a bigger course raises the bar and the detail says what the course needs', () => {
  const result = assess({ hostCpus: 4, hostMemBytes: 4 * GIB, engineCpus: 4, engineMemBytes: 4 * GIB }, 6 * 1024, 'darwin');
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /코스 전체 필요 6\.0 GiB/);
  assert.match(result.fix ?? '', /12\.5 GiB 이상/);
});
