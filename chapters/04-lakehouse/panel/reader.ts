// Reads one `lakehouse` snapshot and words what changed between two (pure, so the panel's
// Korean lines are unit-tested without services). Everything here is cheap enough to poll
// every few seconds: S3 listings, one small GET per table (Paimon's newest snapshot file) and
// two Flink REST calls. No SQL gateway query: each of those would be a Flink batch job.
import type { S3Client } from '@aws-sdk/client-s3';
import { FlinkRest } from '../../03-flink/flink-rest.ts';
import { LAKE_TABLES } from '../lake.ts';
import { readTableFiles } from '../lake-files.ts';
import { listBuckets, listObjects } from '../s3.ts';
import type { LakehouseSnapshot, LakeJobView, LakeTableView } from './snapshot.ts';

export type LakehouseView = Omit<LakehouseSnapshot, 'events'>;

const FINISHED = ['FAILED', 'CANCELED', 'FINISHED'];

export async function readLakehouse(
  client: S3Client,
  options: { bucket: string; rest: string; job: string; signal: AbortSignal },
): Promise<LakehouseView> {
  const at = Date.now();
  const [store, job] = await Promise.all([readStore(client, options), readJob(options)]);
  return { kind: 'lakehouse', at, ...store, ...job };
}

async function readStore(client: S3Client, options: { bucket: string; signal: AbortSignal }): Promise<Pick<LakehouseView, 'storeReachable' | 'storeError' | 'buckets' | 'tables'>> {
  try {
    const names = await listBuckets(client, options.signal);
    const buckets = await Promise.all(names.map(async ({ name }) => {
      const listing = await listObjects(client, name, '', { limit: 20_000, signal: options.signal });
      return { name, objects: listing.objects.length, bytes: listing.objects.reduce((sum, o) => sum + o.size, 0), truncated: listing.truncated };
    }));
    const tables: LakeTableView[] = [];
    if (names.some((b) => b.name === options.bucket)) {
      for (const table of LAKE_TABLES) {
        const files = await readTableFiles(client, options.bucket, table, options.signal);
        tables.push({
          name: table,
          snapshotId: files.latest?.id ?? null,
          commitKind: files.latest?.commitKind ?? null,
          commitTime: files.latest?.timeMillis ?? null,
          records: files.latest?.totalRecordCount ?? null,
          snapshots: files.snapshotIds.length,
          dataFiles: files.dataFiles.length,
          bytes: files.bytes,
        });
      }
    }
    return { storeReachable: true, storeError: null, buckets, tables };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { storeReachable: false, storeError: text.split('\n')[0]!.slice(0, 200), buckets: [], tables: [] };
  }
}

async function readJob(options: { rest: string; job: string; signal: AbortSignal }): Promise<Pick<LakehouseView, 'job' | 'flinkReachable'>> {
  const api = new FlinkRest({ base: options.rest, timeoutMs: 4000, signal: options.signal });
  let jobs;
  try {
    jobs = await api.jobs();
  } catch {
    return { job: null, flinkReachable: false };
  }
  const named = jobs.filter((j) => j.name === options.job)
    .sort((a, b) => Number(FINISHED.includes(a.state)) - Number(FINISHED.includes(b.state)) || b['start-time'] - a['start-time'])[0];
  if (!named) return { job: null, flinkReachable: true };
  const view: LakeJobView = { name: named.name, id: named.jid, state: named.state, checkpointsCompleted: 0, lastCheckpointId: null, lastCheckpointAt: null, lastCheckpointPath: null };
  const checkpoints = await api.checkpoints(named.jid).catch(() => undefined);
  if (checkpoints) {
    view.checkpointsCompleted = checkpoints.counts.completed;
    const last = checkpoints.latest.completed;
    if (last) {
      view.lastCheckpointId = last.id;
      view.lastCheckpointAt = last.latest_ack_timestamp;
      view.lastCheckpointPath = last.external_path ?? null;
    }
  }
  return { job: view, flinkReachable: true };
}

/** Korean lines for what changed; empty for the first snapshot (the view describes it whole). */
export function describeChanges(previous: LakehouseView | undefined, next: LakehouseView): string[] {
  if (!previous) return [];
  const lines: string[] = [];
  if (previous.storeReachable !== next.storeReachable) lines.push(next.storeReachable ? '오브젝트 스토어가 다시 응답합니다.' : '오브젝트 스토어가 응답하지 않습니다.');
  for (const bucket of next.buckets) {
    if (!previous.buckets.some((b) => b.name === bucket.name) && previous.storeReachable) lines.push(`버킷 ${bucket.name}이 생겼습니다.`);
  }
  for (const table of next.tables) {
    const before = previous.tables.find((t) => t.name === table.name);
    if (!before) {
      if (previous.storeReachable && next.storeReachable) lines.push(`테이블 ${table.name}이 보입니다.`);
      continue;
    }
    if (table.snapshotId !== null && table.snapshotId !== before.snapshotId) {
      const added = table.records !== null && before.records !== null ? table.records - before.records : null;
      lines.push(`${table.name}: 스냅샷 #${table.snapshotId} 커밋 (${table.commitKind ?? '-'}${added !== null ? `, 레코드 ${added >= 0 ? '+' : ''}${added}` : ''}).`);
    }
    if (table.dataFiles < before.dataFiles) lines.push(`${table.name}: 데이터 파일 ${before.dataFiles}개 → ${table.dataFiles}개 (합치기나 만료).`);
  }
  if (previous.flinkReachable !== next.flinkReachable) lines.push(next.flinkReachable ? 'JobManager가 다시 응답합니다.' : 'JobManager가 응답하지 않습니다.');
  const a = previous.job;
  const b = next.job;
  if (b && (!a || a.id !== b.id)) lines.push(`잡 ${b.name}: ${b.state}.`);
  else if (a && b) {
    if (a.state !== b.state) lines.push(`잡 ${b.name}: ${a.state} → ${b.state}.`);
    if (a.lastCheckpointId === null && b.lastCheckpointId !== null) lines.push(`잡 ${b.name}의 첫 체크포인트 #${b.lastCheckpointId}가 완료됐습니다.`);
  }
  return lines;
}

/** Whether two snapshots show the same thing (time stamps aside). */
export function sameView(a: LakehouseView, b: LakehouseView): boolean {
  return JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });
}
