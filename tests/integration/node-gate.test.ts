// A learner on an old Node, played for real: every gated npm script and `npm install`/`npm ci`
// run by npm under a Node below package.json engines.node. Two old Nodes: the machine's own
// (the Debian machines here ship Node 20 as /usr/bin/node) when there is one, and always a
// Node 24 that reports 20.18.0 (a --require preload rewriting process.version), so the test
// means the same on a machine whose only Node is new. npm itself runs on that old Node too,
// as it would on the learner's laptop.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { HEADLINE, minimumVersion, requiredRange, satisfies } from '../../scripts/node-gate.cjs';
import { REPO_ROOT } from '../../server/paths.ts';

type OldNode = { label: string; version: string; binDir: string };
type Run = { code: number | null; output: string };

const range = requiredRange();
let work = '';
const oldNodes: OldNode[] = [];

/** The machine's own Node when it is older than the range (Node 20 on these machines). */
function systemOldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (!satisfies(version, range)) return candidate;
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'node-gate-'));
  // A `node` that is this (new) Node reporting 20.18.0 (and Node 20's module ABI, 115): 20.18
  // because npm 11 itself needs 20.17+.
  const fakeDir = join(work, 'fake-bin');
  await mkdir(fakeDir);
  const preload = join(work, 'pretend-node-20.cjs');
  await writeFile(preload, [
    "Object.defineProperty(process, 'version', { value: 'v20.18.0', configurable: true, enumerable: true });",
    "Object.defineProperty(process, 'versions', { value: Object.assign({}, process.versions, { node: '20.18.0', modules: '115' }), configurable: true, enumerable: true });",
    '',
  ].join('\n'));
  await writeFile(join(fakeDir, 'node'), `#!/bin/sh\nexec '${process.execPath}' --require '${preload}' "$@"\n`);
  await chmod(join(fakeDir, 'node'), 0o755);
  oldNodes.push({ label: 'Node 24 reporting v20.18.0', version: 'v20.18.0', binDir: fakeDir });

  const system = systemOldNode();
  if (system !== undefined) {
    const realDir = join(work, 'system-bin');
    await mkdir(realDir);
    const version = execFileSync(system, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    await writeFile(join(realDir, 'node'), `#!/bin/sh\nexec '${system}' "$@"\n`);
    await chmod(join(realDir, 'node'), 0o755);
    oldNodes.push({ label: `the machine's own Node ${version}`, version, binDir: realDir });
  }
});

after(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

/** npm's own entry script (npm-cli.js), found next to the npm this test was started with or on PATH. */
function npmCli(): string {
  const fromEnv = process.env['npm_execpath'];
  if (fromEnv !== undefined && fromEnv.endsWith('npm-cli.js')) return fromEnv;
  const candidates = [join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), '/usr/lib/node_modules/npm/bin/npm-cli.js'];
  for (const candidate of candidates) {
    try {
      execFileSync(process.execPath, [candidate, '--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // Try the next place.
    }
  }
  throw new Error('npm-cli.js not found next to this Node or in /usr/lib/node_modules/npm');
}

/** Runs `npm <args>` with `oldNode`'s `node` first on PATH: npm and every script it starts run on it. */
function npm(oldNode: OldNode, args: readonly string[], cwd: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  // Drop the npm_* variables of the npm running this test so the child npm reads only the project's config.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('npm_')) env[key] = value;
  env['PATH'] = `${oldNode.binDir}${delimiter}${process.env['PATH'] ?? ''}`;
  env['npm_config_update_notifier'] = 'false';
  env['NO_COLOR'] = '1';
  const cli = npmCli();
  return new Promise((resolve, reject) => {
    // `node npm-cli.js` through the old node's wrapper: the same as typing npm on that laptop.
    const child = spawn(join(oldNode.binDir, 'node'), [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

function assertRefused(run: Run, oldNode: OldNode, what: string): void {
  const context = `${what} on ${oldNode.label}:\n${run.output}`;
  assert.notEqual(run.code, 0, context);
  assert.ok(run.output.includes(`✗ ${HEADLINE}`), context);
  assert.ok(run.output.includes(`설치된 버전: ${oldNode.version}`), context);
  assert.ok(run.output.includes(`필요한 버전: ${minimumVersion(range)} 이상`), context);
  assert.ok(run.output.includes('brew install node@') && run.output.includes('Windows: WSL'), context);
  assert.ok(run.output.includes(`Node.js ${oldNode.version} is too old for this course`), context);
  assert.ok(!run.output.includes('ERR_UNKNOWN_FILE_EXTENSION'), context);
  assert.ok(!/^\s+at .+:\d+:\d+\)?$/m.test(run.output), `no stack trace: ${context}`);
}

/** Every script that runs Node or Astro on the project, read from package.json, so scripts other issues add are covered too. Node flags before the script (npm start's heap sizing) do not hide it from the gate. */
async function gatedScripts(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return Object.entries(manifest.scripts)
    .filter(([name, command]) => name !== 'preinstall' && /^node (?:--[\w-]+(?:=\S+)? )*scripts\/(run|node-gate)\.cjs\b/.test(command))
    .map(([name]) => name);
}

/** npm's own spelling for the lifecycle names (`npm start`), `npm run` for the rest. */
function npmArgs(script: string): string[] {
  const extra = script === 'lab' ? ['--', 'list'] : [];
  return ['start', 'stop', 'test'].includes(script) ? [script, ...extra] : ['run', script, ...extra];
}

test('every learner entry point refuses an old Node with the message and exit code 1, no stack trace', async () => {
  const scripts = await gatedScripts();
  for (const required of ['start', 'stop', 'test', 'lab', 'doctor', 'bench']) assert.ok(scripts.includes(required), `${required} goes through the gate`);
  for (const oldNode of oldNodes) {
    // Two at a time: each is an npm plus a Node start, and the machine has two cores.
    for (let index = 0; index < scripts.length; index += 2) {
      const batch = scripts.slice(index, index + 2);
      const runs = await Promise.all(batch.map((script) => npm(oldNode, npmArgs(script), REPO_ROOT)));
      runs.forEach((run, position) => {
        const script = batch[position] ?? '';
        assertRefused(run, oldNode, `npm ${npmArgs(script).join(' ')}`);
        assert.equal(run.code, 1, `npm passes on the gate's exit code for ${script}`);
        // The tree here was installed by the new Node: no advice to throw it away.
        assert.ok(!run.output.includes('node_modules 폴더를 지우고'), run.output);
      });
    }
  }
});

test('npm install and npm ci on an old Node stop before fetching anything and leave no node_modules', async () => {
  for (const oldNode of oldNodes) {
    const copy = join(work, `install-${oldNodes.indexOf(oldNode)}`);
    await mkdir(copy);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) await cp(join(REPO_ROOT, file), join(copy, file));
    await cp(join(REPO_ROOT, 'scripts'), join(copy, 'scripts'), { recursive: true });
    for (const command of ['install', 'ci']) {
      // A registry nobody answers on (a closed port on this machine) and an empty cache: the
      // refusal must come before npm needs a single package, or this fails with ECONNREFUSED.
      const run = await npm(oldNode, [command, '--registry=http://127.0.0.1:9/', `--cache=${join(copy, '.cache')}`, '--fetch-retries=0'], copy);
      const context = `npm ${command} on ${oldNode.label}:\n${run.output}`;
      assert.equal(run.code, 1, context);
      assert.match(run.output, /npm error code EBADENGINE/, context);
      assert.ok(run.output.includes(`Required: {"node":${JSON.stringify(range)}}`), context);
      assert.ok(run.output.includes(`Actual:   {"node":"${oldNode.version}"`), context);
      assert.ok(!run.output.includes('ECONNREFUSED'), context);
      await assert.rejects(stat(join(copy, 'node_modules')), { code: 'ENOENT' }, context);
    }
  }
});
