// Test helpers for the real cluster: the compose CLI exactly as the chapter uses it, and a
// readiness wait. Tests that need Docker call requireDocker() first, which fails (never
// skips) with the command to start an engine.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { probeDockerEngine } from '../../server/preflight/index.ts';
import { WORKSPACE_DIR } from '../../server/paths.ts';
import { kafkaChapter } from '../../chapters/02-kafka/chapter.ts';
import { kafkaEndpoints, registeredBrokers } from '../../chapters/02-kafka/kafka-access.ts';

/** Chapter 2's brokers, as its checks reach them. */
export const KAFKA = kafkaEndpoints(kafkaChapter);

const run = promisify(execFile);

export async function requireDocker(): Promise<void> {
  const result = await probeDockerEngine();
  if (result.status === 'fail') {
    throw new Error(`이 테스트는 실제 Docker 엔진이 필요합니다: ${result.detail}\n${result.fix ?? ''}\n(Linux: sudo dockerd & 또는 sudo systemctl start docker, macOS: Docker Desktop 실행)`);
  }
}

export async function compose(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('docker', ['compose', ...args], { cwd: WORKSPACE_DIR, env: { ...process.env, ...env }, timeout: timeoutMs });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failure.stdout ?? '', stderr: failure.stderr ?? '', code: typeof failure.code === 'number' ? failure.code : 1 };
  }
}

export async function docker(args: string[], input?: string, timeoutMs = 120_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile('docker', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0 });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function teardownCluster(): Promise<void> {
  // One-off `docker compose run` containers left by an interrupted run would hold the network.
  const oneOff = await docker(['ps', '-aq', '--filter', 'label=com.docker.compose.project=upbit-pipeline', '--filter', 'label=com.docker.compose.oneoff=True']);
  const ids = oneOff.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids]);
  // Every chapter's services, also those behind profiles (`--profile '*'`, compose 2.20+).
  await compose(['--profile', '*', 'down', '-v', '--remove-orphans']);
}

/** Waits until three brokers are registered; returns the milliseconds it took. */
export async function waitForBrokers(count = 3, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const brokers = await registeredBrokers(KAFKA);
    if (brokers >= count) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${timeoutMs / 1000}초 안에 브로커 ${count}대가 등록되지 않았습니다 (현재 ${brokers}대)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
