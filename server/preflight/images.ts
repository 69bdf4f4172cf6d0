// Probe 3: is the Kafka image that `docker compose up` will use already on this machine?
// Resolved exactly as compose does: shell KAFKA_IMAGE, else compose/.env, else the
// `${KAFKA_IMAGE:-...}` default in the compose file. On workshop Wi-Fi a pull of several
// hundred MB per laptop is the usual way a session stalls, so this is checked in advance.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerSession } from './docker-session.ts';
import { withDeadline } from './exec.ts';
import type { ProbeResult } from './types.ts';

const TITLE = 'Kafka 이미지';
export const DEFAULT_COMPOSE_DIR = fileURLToPath(new URL('../../compose/', import.meta.url));
export const OFFLINE_IMAGE_FIX = '인터넷이 없다면 npm run cluster:image로 오프라인 이미지를 만드세요';

export type ImageSource = 'env' | 'dotenv' | 'compose-default';
export type ResolvedImage = { image: string; source: ImageSource };

/** The default in `image: ${KAFKA_IMAGE:-apache/kafka:4.4.0}` (also `-` without `:`). */
export function parseComposeDefaultImage(composeText: string): string | null {
  const match = /\$\{KAFKA_IMAGE:?-([^}]+)\}/.exec(composeText);
  return match?.[1]?.trim() || null;
}

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

export async function resolveKafkaImage(options: { composeDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ResolvedImage | null> {
  const env = options.env ?? process.env;
  const composeDir = options.composeDir ?? DEFAULT_COMPOSE_DIR;
  const fromEnv = env['KAFKA_IMAGE'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { image: fromEnv.trim(), source: 'env' };
  const dotEnv = await readOptional(join(composeDir, '.env'));
  const fromDotEnv = dotEnv === null ? null : parseDotEnvValue(dotEnv, 'KAFKA_IMAGE');
  if (fromDotEnv !== null) return { image: fromDotEnv, source: 'dotenv' };
  const composeText = await readOptional(join(composeDir, 'docker-compose.yml'));
  const fromCompose = composeText === null ? null : parseComposeDefaultImage(composeText);
  return fromCompose === null ? null : { image: fromCompose, source: 'compose-default' };
}

const SOURCE_LABEL: Record<ImageSource, string> = {
  'env': '환경 변수 KAFKA_IMAGE',
  'dotenv': 'compose/.env',
  'compose-default': 'docker-compose.yml 기본값',
};

export async function probeKafkaImage(
  session: Pick<DockerSession, 'imageExists' | 'timeoutMs'> = new DockerSession(),
  options: { composeDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProbeResult> {
  const resolved = await resolveKafkaImage(options);
  if (resolved === null) {
    return {
      id: 'kafka-image', title: TITLE, status: 'fail',
      detail: 'compose/docker-compose.yml에서 Kafka 이미지 이름을 찾지 못했습니다',
      fix: '저장소를 다시 받거나 git checkout -- compose/docker-compose.yml 로 파일을 되돌리세요',
    };
  }
  const { image, source } = resolved;
  const where = `${image} (${SOURCE_LABEL[source]})`;
  const exists = await withDeadline(session.imageExists(image), session.timeoutMs + 500, () => null);
  if (exists === true) return { id: 'kafka-image', title: TITLE, status: 'pass', detail: `${where}: 이미 내려받아 있습니다` };
  if (exists === null) {
    return {
      id: 'kafka-image', title: TITLE, status: 'warn',
      detail: `${where}: Docker 엔진에 물어보지 못해 이미지가 있는지 확인하지 못했습니다`,
      fix: 'Docker 엔진 문제를 먼저 해결한 뒤 npm run doctor를 다시 실행하세요',
    };
  }
  if (source === 'dotenv') {
    // compose/.env is written only by `npm run cluster:image`, and its tag exists on no
    // registry: `docker compose up` would fail to pull it rather than download it.
    return {
      id: 'kafka-image', title: TITLE, status: 'fail',
      detail: `${where}: 이미지가 없습니다. 이 태그는 로컬에서 만든 이미지라 내려받을 수 없습니다`,
      fix: 'npm run cluster:image로 오프라인 이미지를 다시 만들거나, compose/.env를 지워 기본 이미지를 쓰세요',
    };
  }
  return {
    id: 'kafka-image', title: TITLE, status: 'warn',
    detail: `${where}: 아직 없습니다. docker compose up이 처음 실행될 때 내려받습니다`,
    fix: OFFLINE_IMAGE_FIX,
  };
}
