// `npm test`: typecheck, unit tests, then the tests that drive the real cluster and browser.
// Docker is checked first: a missing engine fails the run with how to start it, it never
// skips the cluster tests. Suites run one after another since they share one cluster.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { probeDockerEngine } from '../server/preflight/index.ts';
import { REPO_ROOT } from '../server/paths.ts';
import { findChromium, noBrowserHelp } from '../tools/harness.ts';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.test.ts') ? [relative(REPO_ROOT, path)] : [];
  }).sort();
}

function step(title: string, command: string, args: string[]): boolean {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
  console.log(`=== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
  return result.status === 0;
}

const digestDir = mkdtempSync(join(tmpdir(), 'upbit-test-digest-'));
/** node --test arguments that keep the usual spec output and also write a failures-only digest. */
function reporters(suite: string): string[] {
  return ['--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(REPO_ROOT, 'tests', 'failure-digest.ts')}`, `--test-reporter-destination=${join(digestDir, `${suite}.txt`)}`];
}

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const node = process.execPath;
const results: Array<[string, boolean]> = [];

if (want('typecheck')) {
  results.push(['astro sync', step('astro sync', node, ['node_modules/astro/bin/astro.mjs', 'sync'])]);
  results.push(['typecheck', step('typecheck', node, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'])]);
}
if (want('unit')) results.push(['unit', step('unit tests', node, ['--test', ...reporters('unit'), ...files(join(REPO_ROOT, 'tests', 'unit'))])]);

if (want('integration') || want('e2e')) {
  const engine = await probeDockerEngine();
  if (engine.status === 'fail') {
    console.error(`\n실제 클러스터 테스트에는 Docker 엔진이 필요합니다: ${engine.detail}`);
    console.error(engine.fix ?? 'Docker Desktop을 실행하거나 Linux에서는 sudo dockerd & 로 엔진을 시작하세요.');
    console.error('The cluster tests need a running Docker engine; start Docker Desktop or `sudo dockerd &`, then run npm test again.');
    process.exit(1);
  }
  // Every suite has its own file; --test-concurrency=1 keeps them from sharing the cluster at once.
  if (want('integration')) results.push(['integration', step('integration tests (real cluster)', node, ['--test', '--test-concurrency=1', ...reporters('integration'), ...files(join(REPO_ROOT, 'tests', 'integration'))])]);
  if (want('e2e')) {
    const e2e = files(join(REPO_ROOT, 'tests', 'e2e'));
    if (!findChromium()) {
      // Same rule as Docker: a missing browser fails the suite with how to get one, never skips it.
      console.error(`\n${noBrowserHelp()}`);
      results.push(['e2e', false]);
    } else if (e2e.length > 0) results.push(['e2e', step('browser end-to-end tests', node, ['--test', '--test-concurrency=1', ...reporters('e2e'), ...e2e])]);
  }
}

const failed = results.filter(([, ok]) => !ok).map(([name]) => name);
for (const suite of ['unit', 'integration', 'e2e']) {
  let digest = '';
  try { digest = readFileSync(join(digestDir, `${suite}.txt`), 'utf8').trim(); } catch { /* the suite did not run */ }
  if (digest) console.log(`\n=== why ${suite} tests failed ===\n${digest}`);
}
rmSync(digestDir, { recursive: true, force: true });
const passedCount = results.length - failed.length;
console.log(`\nsuites: ${passedCount} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}`);
process.exit(failed.length === 0 ? 0 : 1);
