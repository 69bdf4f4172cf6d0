// Is every image `docker compose up` will use already on this machine? Each image is
// resolved exactly as compose does: the shell variable (KAFKA_IMAGE, FLINK_IMAGE, ...), else
// compose/.env, else the `${VAR:-fallback}` the chapter's manifest declares (and its compose
// file uses; a unit test keeps the two equal). On workshop Wi-Fi a pull of several hundred
// MB per laptop is the usual way a session stalls, so this is checked in advance.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceImage } from '../course.ts';
import { DockerSession } from './docker-session.ts';
import { withDeadline } from './exec.ts';
import type { ProbeResult } from './types.ts';

export const DEFAULT_COMPOSE_DIR = fileURLToPath(new URL('../../compose/', import.meta.url));
export const OFFLINE_IMAGE_FIX = '인터넷이 없다면 npm run images로 오프라인 이미지를 만드세요';

export type ImageSource = 'env' | 'dotenv' | 'compose-default';
export type ResolvedImage = { image: string; source: ImageSource };

/**
 * Value of one key in a compose .env file: last assignment wins, optional `export `,
 * quotes stripped, ` #` comments dropped from unquoted values. Empty counts as unset, as
 * `${KAFKA_IMAGE:-default}` treats it.
 */
export function parseDotEnvValue(dotEnvText: string, key: string): string | null {
  let value: string | null = null;
  for (const rawLine of dotEnvText.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match || match[1] !== key) continue;
    let raw = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    if (quoted) raw = quoted[2] ?? '';
    else raw = raw.replace(/\s+#.*$/, '').trim();
    value = raw === '' ? null : raw;
  }
  return value;
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export type ImageOptions = { composeDir?: string; env?: NodeJS.ProcessEnv };

export async function resolveImage(spec: Pick<ServiceImage, 'variable' | 'fallback'>, options: ImageOptions = {}): Promise<ResolvedImage> {
  if (spec.variable === undefined) return { image: spec.fallback, source: 'compose-default' };
  const env = options.env ?? process.env;
  const composeDir = options.composeDir ?? DEFAULT_COMPOSE_DIR;
  const fromEnv = env[spec.variable];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { image: fromEnv.trim(), source: 'env' };
  const dotEnv = await readOptional(join(composeDir, '.env'));
  const fromDotEnv = dotEnv === null ? null : parseDotEnvValue(dotEnv, spec.variable);
  if (fromDotEnv !== null) return { image: fromDotEnv, source: 'dotenv' };
  return { image: spec.fallback, source: 'compose-default' };
}

/** `KAFKA_IMAGE` → `Kafka 이미지`: the variable names the image well enough for the table. */
export function imageTitle(variable: string | undefined, image = ''): string {
  if (variable === undefined) return `이미지 ${image}`;
  const name = variable.replace(/_IMAGE$/, '').toLowerCase().split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
  return `${name} 이미지`;
}

export async function probeImage(
  spec: Pick<ServiceImage, 'variable' | 'fallback'>,
  session: Pick<DockerSession, 'imageExists' | 'timeoutMs'> = new DockerSession(),
  options: ImageOptions = {},
): Promise<ProbeResult> {
  const id = `image:${spec.variable ?? spec.fallback}`;
  const title = imageTitle(spec.variable, spec.fallback);
  const { image, source } = await resolveImage(spec, options);
  const label = source === 'env' ? `환경 변수 ${spec.variable ?? ''}` : source === 'dotenv' ? 'compose/.env' : 'compose 파일 기본값';
  const where = `${image} (${label})`;
  const exists = await withDeadline(session.imageExists(image), session.timeoutMs + 500, () => null);
  if (exists === true) return { id, title, status: 'pass', detail: `${where}: 이미 내려받아 있습니다` };
  if (exists === null) {
    return {
      id, title, status: 'warn',
      detail: `${where}: Docker 엔진에 물어보지 못해 이미지가 있는지 확인하지 못했습니다`,
      fix: 'Docker 엔진 문제를 먼저 해결한 뒤 npm run doctor를 다시 실행하세요',
    };
  }
  if (source === 'dotenv') {
    // compose/.env is written only by the chapters' image builds, and its tag exists on no
    // registry: `docker compose up` would fail to pull it rather than download it.
    return {
      id, title, status: 'fail',
      detail: `${where}: 이미지가 없습니다. 이 태그는 로컬에서 만든 이미지라 내려받을 수 없습니다`,
      fix: 'npm run images로 오프라인 이미지를 다시 만들거나, compose/.env에서 그 줄을 지워 기본 이미지를 쓰세요',
    };
  }
  return {
    id, title, status: 'warn',
    detail: `${where}: 아직 없습니다. docker compose up이 처음 실행될 때 내려받습니다`,
    fix: OFFLINE_IMAGE_FIX,
  };
}
