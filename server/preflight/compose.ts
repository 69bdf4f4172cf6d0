// Is Compose v2 (`docker compose`) there? The course's compose file uses v2-only features
// (top-level `name:`, `include:`, deploy.resources.limits without swarm), and npm scripts call
// `docker compose`, so the old standalone `docker-compose` v1 is not enough.
import { runCommand, type CommandOutcome } from './exec.ts';
import type { ProbeResult } from './types.ts';

const TITLE = 'Docker Compose v2';
const COMMAND_TIMEOUT_MS = 4000;
export const INSTALL_COMPOSE_V2_FIX = 'Compose v2 플러그인을 설치하세요: Docker Desktop은 최신 버전으로 업데이트하고, Linux는 sudo apt-get install docker-compose-plugin 을 실행하세요';

/** Pulls the version out of `docker compose version` / `docker-compose version` output. */
export function parseComposeVersion(output: string): string | null {
  const match = /version\s+v?(\d+\.\d+\.\d+[^\s,]*)/i.exec(output);
  return match?.[1] ?? null;
}

function majorOf(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

export type ComposeRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<CommandOutcome>;

export async function probeComposeV2(run: ComposeRunner = runCommand): Promise<ProbeResult> {
  const plugin = await run('docker', ['compose', 'version'], COMMAND_TIMEOUT_MS);
  if (plugin.kind === 'missing') {
    return {
      id: 'compose-v2', title: TITLE, status: 'fail',
      detail: 'docker 명령을 찾을 수 없습니다',
      fix: 'Docker Desktop(macOS/Windows) 또는 Docker Engine과 docker-compose-plugin(Linux)을 설치하세요',
    };
  }
  if (plugin.kind === 'ok') {
    const version = parseComposeVersion(plugin.stdout);
    if (version !== null && majorOf(version) >= 2) {
      return { id: 'compose-v2', title: TITLE, status: 'pass', detail: `docker compose ${version}` };
    }
  }
  if (plugin.kind === 'timeout') {
    return {
      id: 'compose-v2', title: TITLE, status: 'fail',
      detail: `docker compose version 이 ${COMMAND_TIMEOUT_MS / 1000}초 안에 끝나지 않았습니다`,
      fix: 'Docker Desktop이 완전히 시작됐는지 확인한 뒤 다시 실행하세요',
    };
  }
  // The plugin is missing or too old: say whether only the legacy v1 binary is around.
  const legacy = await run('docker-compose', ['version'], COMMAND_TIMEOUT_MS);
  const legacyVersion = legacy.kind === 'ok' ? parseComposeVersion(legacy.stdout) : null;
  const detail = legacyVersion !== null && majorOf(legacyVersion) < 2
    ? `docker compose(v2)가 없고 구버전 docker-compose ${legacyVersion}(v1)만 있습니다: 이 과정의 compose 파일은 v1로 실행되지 않습니다`
    : legacyVersion !== null
      ? `docker compose 플러그인이 없습니다 (별도 실행 파일 docker-compose ${legacyVersion}만 있음, npm 스크립트는 docker compose를 씁니다)`
      : 'docker compose 명령이 동작하지 않습니다 (Compose v2 플러그인이 없습니다)';
  return { id: 'compose-v2', title: TITLE, status: 'fail', detail, fix: INSTALL_COMPOSE_V2_FIX };
}
