// `npm run lab` as a learner or CI calls it, as a real child process: list, a bad target, a
// step that fails with its hint and terminal tail, and a passing run with its JSON report.
// The cluster stays down throughout; the CLI must also exit as soon as it is done (a leaked
// step timer once kept it alive for two minutes after the last step).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { courseLabs as loadLabs } from '../../chapters/index.ts';
import { REPO_ROOT } from '../../server/paths.ts';
import { requireDocker, teardownCluster } from '../helpers/cluster.ts';

const LAB_CLI = join(REPO_ROOT, 'server', 'cli', 'lab.ts');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From spawn to the process exiting, in ms. */
  elapsedMs: number;
}

function lab(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [LAB_CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}

/** The JSON reports land here; the suite removes it when done. */
let reportDir = '';

before(async () => {
  await requireDocker();
  await teardownCluster();
  reportDir = mkdtempSync(join(tmpdir(), 'upbit-cli-'));
});
after(() => rmSync(reportDir, { recursive: true, force: true }));

test('list shows every lab and step from the lab files', async () => {
  const result = await lab('list');
  assert.equal(result.code, 0, result.stderr);
  for (const each of loadLabs()) {
    assert.match(result.stdout, new RegExp(`^${each.id}  `, 'm'));
    for (const step of each.steps) assert.ok(result.stdout.includes(`${each.id}/${step.id}`), `${each.id}/${step.id} listed`);
  }
});

test('an unknown lab is refused in Korean with where to look, exit 2', async () => {
  const result = await lab('run', 'no-such-lab');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /'no-such-lab' 실습이 없습니다\. npm run lab -- list/);
});

test('a step that cannot pass stops the run with its reason, hint and terminal tail, exit 1', async () => {
  // With no cluster, creating a topic fails: docker exec finds no kafka-1.
  const jsonPath = join(reportDir, 'failed-run.json');
  const result = await lab('run', 'topics', '--json', jsonPath);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /✗ topics\/create/);
  assert.match(result.stdout, /실패한 단계: topics\/create\n힌트: /);
  assert.match(result.stdout, /--- 터미널 topics\/main/);
  const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as { ok: boolean; steps: Array<{ id: string; ok: boolean; summary: string }> };
  assert.equal(report.ok, false);
  assert.deepEqual(report.steps.map((s) => [s.id, s.ok]), [['topics/create', false]], 'nothing after the first failure runs');
  assert.match(report.steps[0]!.summary, /[가-힣]/);
});

test('a passing run writes its JSON report and exits right after the last step', async () => {
  const jsonPath = join(reportDir, 'passed-run.json');
  const result = await lab('run', 'teardown', '--json', jsonPath);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as { ok: boolean; durationMs: number; steps: Array<{ id: string; ok: boolean }> };
  assert.equal(report.ok, true);
  assert.deepEqual(report.steps.map((s) => [s.id, s.ok]), [['teardown/down', true]]);
  // Not a speed test: the step's own timeout is 120 s, and a timer left behind by it would
  // hold the process that long. Anything near that bound is the leak, not a slow machine.
  const step = loadLabs().find((l) => l.id === 'teardown')!.steps[0]!;
  const lingerMs = result.elapsedMs - report.durationMs;
  assert.ok(lingerMs < (step.timeoutSec * 1000) / 2, `the CLI lingered ${lingerMs} ms after its report (step timeout ${step.timeoutSec} s)`);
});
