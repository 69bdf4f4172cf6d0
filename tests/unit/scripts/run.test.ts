// scripts/run.cjs loads each npm script's .ts entry in its own process after the version
// gate. Whatever the entry does must come out as if Node had run the file directly: its
// arguments, exit code, a thrown error, an unsettled top-level await, stdin and signals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../../../server/paths.ts';

const runner = join(REPO_ROOT, 'scripts', 'run.cjs');
let work = '';

const FIXTURES: Record<string, string> = {
  'args.ts': "const [first = '', ...rest]: string[] = process.argv.slice(2);\nconsole.log(JSON.stringify({ entry: process.argv[1], first, rest }));\nprocess.exitCode = 7;\n",
  'throws.ts': "await Promise.resolve();\nthrow new Error('entry exploded');\n",
  'stalls.ts': 'await new Promise<void>(() => {});\n',
  'echo.ts': "let text = '';\nfor await (const chunk of process.stdin) text += String(chunk);\nconsole.log(`got ${text.trim()}`);\n",
  'signal.ts': "process.on('SIGTERM', () => { console.log('cleaned up'); process.exit(0); });\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n",
};

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'run-cjs-'));
  await writeFile(join(work, 'package.json'), '{ "type": "module" }\n');
  for (const [name, source] of Object.entries(FIXTURES)) await writeFile(join(work, name), source);
});

after(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

type Outcome = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function run(viaRunner: boolean, entry: string, args: readonly string[] = [], drive?: (child: ReturnType<typeof spawn>) => void): Promise<Outcome> {
  const argv = viaRunner ? [runner, join(work, entry), ...args] : [join(work, entry), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    if (drive) drive(child);
    else child.stdin.end();
  });
}

test('arguments and exit code are the entry\'s own', async () => {
  const direct = await run(false, 'args.ts', ['list', '--json', 'x y']);
  const gated = await run(true, 'args.ts', ['list', '--json', 'x y']);
  assert.equal(gated.code, 7);
  assert.equal(gated.code, direct.code);
  assert.deepEqual(JSON.parse(gated.stdout), JSON.parse(direct.stdout));
  assert.deepEqual(JSON.parse(gated.stdout), { entry: join(work, 'args.ts'), first: 'list', rest: ['--json', 'x y'] });
});

test('an entry that throws exits 1 with its error and stack, as it would run directly', async () => {
  const direct = await run(false, 'throws.ts');
  const gated = await run(true, 'throws.ts');
  assert.equal(direct.code, 1);
  assert.equal(gated.code, 1);
  assert.match(gated.stderr, /Error: entry exploded\n\s+at .*throws\.ts:2/);
});

test('a top-level await that never settles exits 13 both ways', async () => {
  const direct = await run(false, 'stalls.ts');
  const gated = await run(true, 'stalls.ts');
  assert.equal(direct.code, 13);
  assert.equal(gated.code, 13);
  assert.match(gated.stderr, /unsettled top-level await/);
});

test('stdin reaches the entry', async () => {
  const gated = await run(true, 'echo.ts', [], (child) => { child.stdin?.end('hello from stdin\n'); });
  assert.equal(gated.code, 0);
  assert.equal(gated.stdout, 'got hello from stdin\n');
});

test('signals reach the entry\'s own handlers: the runner is the same process', async () => {
  const gated = await run(true, 'signal.ts', [], (child) => {
    child.stdin?.end();
    child.stdout?.once('data', () => { child.kill('SIGTERM'); });
  });
  assert.equal(gated.code, 0);
  assert.equal(gated.stdout, 'ready\ncleaned up\n');
});

test('every package.json script that runs the project on Node passes the gate first', async () => {
  const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // typecheck runs tsc (no project code), cluster:up/down run docker.
  const ungated = new Set(['typecheck', 'cluster:up', 'cluster:down']);
  for (const [name, command] of Object.entries(manifest.scripts)) {
    if (ungated.has(name)) continue;
    // Node's own flags may come first (the lab server's start script sets its heap shape).
    assert.match(command, /^node (--[\w-]+(=\S+)? )*scripts\/(run\.cjs \S+\.ts( [\w:-]+)*|node-gate\.cjs( && .+)?)$/, `${name}: ${command}`);
  }
});
