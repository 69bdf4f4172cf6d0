// Host-side view of the lakehouse's object store for chapter 4's checks and live panel:
// which buckets exist, and how many objects and bytes sit under a prefix (a Paimon table,
// its snapshot folder, the checkpoints). Read-only by construction: only List/Head calls.
//
// Why @aws-sdk/client-s3 and not a hand-rolled SigV4 signer: it is AWS's own maintained
// client, it parses S3's XML and pagination correctly, and it is the code a learner would
// point at AWS S3 unchanged (only endpoint, region and keys differ). Since 3.7xx it is a few
// dozen small packages (about 20 MB), which the course can afford. It is imported when a
// client is first made, not when the lab server loads this chapter's plug-in: it was 13 MiB
// of the server's idle RSS before anyone opened chapter 4.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';

const sdk = () => import('@aws-sdk/client-s3');

/** Where and as whom to talk S3. `region` matters only for real AWS (SigV4 signs it). */
export type S3Settings = {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
};

export type BucketInfo = { name: string; created: Date | null };
export type ObjectInfo = { key: string; size: number; lastModified: Date | null };
/** A listing that stopped at `limit` objects says so instead of pretending to be complete. */
export type ObjectListing = { objects: ObjectInfo[]; truncated: boolean };
export type PrefixSummary = { prefix: string; objects: number; bytes: number; newest: Date | null; truncated: boolean };

export const LAKE_BUCKET = 'upbit-lake';
/** The object store as the host sees it (compose publishes it on 127.0.0.1:9000 only). */
export const DEFAULT_S3_ENDPOINT = 'http://127.0.0.1:9000';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_ENV_FILE = join(REPO_ROOT, 'compose', '.env');

/** Last `KEY=value` of a dotenv text (the same rules docker compose applies to compose/.env). */
export function dotEnvValue(text: string, key: string): string | null {
  let value: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!match || match[1] !== key) continue;
    const body = (match[2] ?? '').trim();
    const quoted = /^(['"])(.*)\1$/.exec(body);
    const unquoted = quoted ? (quoted[2] ?? '') : body.replace(/\s+#.*$/, '');
    value = unquoted === '' ? null : unquoted;
  }
  return value;
}

export class MissingS3KeysError extends Error {
  constructor(envFile: string) {
    super(
      `S3 키가 없습니다: ${envFile}에 S3_ACCESS_KEY와 S3_SECRET_KEY가 있어야 합니다. ` +
        '`bash chapters/04-lakehouse/credentials.sh`(또는 이미지 빌드 `bash chapters/04-lakehouse/image/build.sh`)를 실행하세요.',
    );
    this.name = 'MissingS3KeysError';
  }
}

/**
 * Settings for the course's object store: process environment first (S3_ENDPOINT,
 * S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION: what a learner sets to aim at AWS), then
 * compose/.env, where credentials.sh wrote this install's keys.
 */
export async function lakeS3Settings(
  options: { env?: NodeJS.ProcessEnv; envFile?: string } = {},
): Promise<S3Settings> {
  const env = options.env ?? process.env;
  const envFile = options.envFile ?? DEFAULT_ENV_FILE;
  let fileText = '';
  try {
    fileText = await readFile(envFile, 'utf8');
  } catch {
    // No compose/.env yet: only the process environment can supply the keys.
  }
  const pick = (key: string): string | null => {
    const fromEnv = env[key]?.trim();
    return fromEnv ? fromEnv : dotEnvValue(fileText, key);
  };
  const accessKeyId = pick('S3_ACCESS_KEY');
  const secretAccessKey = pick('S3_SECRET_KEY');
  if (accessKeyId === null || secretAccessKey === null) throw new MissingS3KeysError(envFile);
  return {
    endpoint: env['S3_HOST_ENDPOINT']?.trim() || DEFAULT_S3_ENDPOINT,
    accessKeyId,
    secretAccessKey,
    region: pick('S3_REGION') ?? 'us-east-1',
  };
}

/**
 * One client per owner; call `client.destroy()` when done (it holds a keep-alive agent).
 * Path-style addressing: S3Proxy (and most self-hosted stores) have no per-bucket DNS names.
 * Checksums only when an operation requires them: newer SDKs add CRC32 trailers by default,
 * which third-party S3 servers do not all accept, and we only list.
 */
export async function createS3Client(settings: S3Settings): Promise<S3Client> {
  const { S3Client } = await sdk();
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1, // a check polls again by itself; retries would only stretch its deadline
  });
}

/** exactOptionalPropertyTypes: pass abortSignal only when there is one. */
function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

export async function listBuckets(client: S3Client, signal?: AbortSignal): Promise<BucketInfo[]> {
  const { ListBucketsCommand } = await sdk();
  const out = await client.send(new ListBucketsCommand({}), sendOptions(signal));
  return (out.Buckets ?? [])
    .filter((bucket) => bucket.Name !== undefined)
    .map((bucket) => ({ name: bucket.Name ?? '', created: bucket.CreationDate ?? null }));
}

/** true/false for "exists and is ours"; other failures (store down, bad keys) throw. */
export async function bucketExists(client: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  const { HeadBucketCommand, S3ServiceException } = await sdk();
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), sendOptions(signal));
    return true;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
    throw error;
  }
}

/** One small object's body as text (a Paimon snapshot file, a LATEST hint); null when absent. */
export async function readObjectText(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<string | null> {
  const { GetObjectCommand, S3ServiceException } = await sdk();
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), sendOptions(signal));
    return out.Body ? await out.Body.transformToString('utf8') : null;
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return null;
    throw error;
  }
}

/** Every object under `prefix`, page by page, stopping at `limit` (default 10 000). */
export async function listObjects(
  client: S3Client,
  bucket: string,
  prefix = '',
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<ObjectListing> {
  const { ListObjectsV2Command } = await sdk();
  const limit = options.limit ?? 10_000;
  const objects: ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ContinuationToken: token,
        MaxKeys: Math.min(1000, limit - objects.length),
      }),
      sendOptions(options.signal),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key === undefined) continue;
      objects.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified ?? null });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined && objects.length < limit);
  return { objects, truncated: token !== undefined };
}

/** Count and bytes under a prefix: the numbers the panel shows per bucket and per table. */
export async function summarizePrefix(
  client: S3Client,
  bucket: string,
  prefix = '',
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<PrefixSummary> {
  const listing = await listObjects(client, bucket, prefix, options);
  return { prefix, ...summarizeObjects(listing.objects), truncated: listing.truncated };
}

export function summarizeObjects(objects: readonly ObjectInfo[]): { objects: number; bytes: number; newest: Date | null } {
  let bytes = 0;
  let newest: Date | null = null;
  for (const object of objects) {
    bytes += object.size;
    if (object.lastModified !== null && (newest === null || object.lastModified > newest)) newest = object.lastModified;
  }
  return { objects: objects.length, bytes, newest };
}

/**
 * Groups a listing by the first `depth` path segments below `base` (e.g. depth 1 under a
 * table path gives `bucket-0/`, `manifest/`, `schema/`, `snapshot/`): the Paimon layout at a
 * glance. Keys outside `base` are ignored.
 */
export function groupByFolder(
  objects: readonly ObjectInfo[],
  base: string,
  depth = 1,
): Map<string, { objects: number; bytes: number }> {
  const groups = new Map<string, { objects: number; bytes: number }>();
  for (const object of objects) {
    if (!object.key.startsWith(base)) continue;
    const rest = object.key.slice(base.length).split('/');
    const folder = rest.length > depth ? `${rest.slice(0, depth).join('/')}/` : rest.join('/');
    const group = groups.get(folder) ?? { objects: 0, bytes: 0 };
    group.objects += 1;
    group.bytes += object.size;
    groups.set(folder, group);
  }
  return groups;
}

/** Where Paimon keeps a table in the warehouse: <warehouse>/<database>.db/<table>/. */
export function paimonTablePrefix(database: string, table: string, warehousePrefix = 'warehouse'): string {
  return `${warehousePrefix}/${database}.db/${table}/`;
}
