// Shared plumbing for the browser end-to-end tests and the benchmark (outside tests/, so the
// benchmark imports no test file): start a real lab server
// (`node server/main.ts`) on a free port with its own state folder, read the tokened address
// it prints, and launch a headless Chromium. Each helper returns an owner with dispose(), so
// a test file's after() can release the server process, the browser and the temp folders.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** Browsers a learner may already have, after the one playwright downloads itself. */
const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
] as const;

/**
 * CHROMIUM_PATH wins; then a browser playwright downloaded itself; then a system Chromium or
 * Chrome. Returns undefined when there is none, so the caller can say how to get one.
 */
export function findChromium(): string | undefined {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core without a downloaded browser throws here; fall through to the system one.
  }
  return SYSTEM_BROWSERS.find((path) => existsSync(path));
}

/**
 * What to do when findChromium() finds nothing. `playwright-core install` (not `playwright
 * install`, which may fetch another Playwright version) gets the build this version expects.
 */
export function noBrowserHelp(): string {
  const fromEnv = process.env['CHROMIUM_PATH'];
  return [
    fromEnv
      ? `CHROMIUM_PATH=${fromEnv} 에 브라우저 실행 파일이 없습니다. 경로를 고치거나 지우세요.`
      : '브라우저 E2E 테스트에 쓸 Chromium(또는 Chrome)을 찾지 못했습니다.',
    '`npx playwright-core install chromium`으로 받거나, 이미 있는 브라우저 경로를 CHROMIUM_PATH=/경로/chrome 로 알려 주세요.',
    fromEnv
      ? `CHROMIUM_PATH=${fromEnv} does not exist: fix or unset it, or run \`npx playwright-core install chromium\`.`
      : 'No Chromium or Chrome found for the browser tests: run `npx playwright-core install chromium` or set CHROMIUM_PATH.',
  ].join('\n');
}

export function chromiumPath(): string {
  const found = findChromium();
  if (!found) throw new Error(noBrowserHelp());
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface LabServer {
  /** http://127.0.0.1:<port>/?token=... — sets the cookie and redirects to /. */
  readonly openUrl: string;
  readonly baseUrl: string;
  readonly token: string;
  readonly pid: number;
  readonly stateDir: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** SIGKILL, as a crash: the server runs no shutdown. Resolves once it has exited. */
  crash(): Promise<void>;
  dispose(): Promise<void>;
}

const OPEN_URL = /(http:\/\/127\.0\.0\.1:\d+\/)\?token=([A-Za-z0-9_-]+)/;

/**
 * The Node flags `npm start` gives the lab server (package.json's start script is the one
 * place they are written): tests and the bench run the server as a learner's machine does.
 * A 2 MiB semi-space keeps the young generation small: the terminal path makes short-lived
 * buffers at PTY speed, and a larger nursery only raised peak RSS (bench: 133 → 123 MiB).
 */
export function serverNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const match = /^node\s+(.*?)\s*scripts\/run\.cjs\s+server\/main\.ts$/.exec(scripts['start'] ?? '');
  return match?.[1] ? match[1].split(/\s+/) : [];
}

/** Starts `node server/main.ts`; builds dist/ first if stale unless skipBuild. */
export async function startLabServer(options: { skipBuild?: boolean; startTimeoutMs?: number; stateDir?: string; args?: readonly string[] } = {}): Promise<LabServer> {
  const port = await freePort();
  // A caller's state folder is the caller's to remove (a restart test starts two servers on one).
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'upbit-e2e-state-'));
  // args: what a learner would put after `npm start --` (e.g. --class host:port CODE).
  const child: ChildProcess = spawn(process.execPath, [...serverNodeFlags(), join(REPO_ROOT, 'server', 'main.ts'), ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LAB_PORT: String(port),
      UPBIT_LAB_STATE_DIR: stateDir,
      ...(options.skipBuild ? { LAB_SKIP_BUILD: '1' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (log += chunk));
  let disposing = false;
  const exited = new Promise<void>((resolveExit) => child.once('exit', (code, signal) => {
    // A server that dies under a test is the finding; keep its output where it can be read.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, `server-${port}.log`), log);
    if (!disposing) console.error(`lab server exited unexpectedly (code ${code}, signal ${signal}); log: test-results/e2e/server-${port}.log`);
    resolveExit();
  }));

  const dispose = async (): Promise<void> => {
    disposing = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
  };

  const crash = async (): Promise<void> => {
    disposing = true; // an expected death: no "exited unexpectedly" line
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const found = await new Promise<RegExpExecArray>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`lab server printed no address within the timeout:\n${log}`)), options.startTimeoutMs ?? 120_000);
    child.stdout?.on('data', (chunk: string) => {
      log += chunk;
      const match = OPEN_URL.exec(log);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lab server exited (${code}) before printing its address:\n${log}`));
    });
  }).catch(async (error: unknown) => {
    await dispose();
    throw error;
  });

  return {
    openUrl: found[0],
    baseUrl: found[1]!,
    token: found[2]!,
    pid: child.pid ?? -1,
    stateDir,
    output: () => log,
    crash,
    dispose,
  };
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  dispose(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS] });
  // A fresh context is a fresh profile: no cookies or localStorage carried between files.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ko-KR' });
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    dispose: async () => {
      await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
