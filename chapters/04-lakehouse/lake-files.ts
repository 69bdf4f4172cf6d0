// Paimon's own files read straight from the object store: the snapshot folder of a table
// (one `snapshot-N` JSON per commit) and the data files under it. The live panel polls this
// every few seconds, and checks use it as the store-side evidence next to the SQL gateway's
// system tables: a listing and a small GET cost nothing, while every gateway query is a Flink
// batch job that needs a task slot.
import type { S3Client } from '@aws-sdk/client-s3';
import { listObjects, paimonTablePrefix, readObjectText, type ObjectInfo } from './s3.ts';
import { LAKE_DATABASE, type LakeTable } from './lake.ts';

/** The fields of a Paimon snapshot file this course shows (Paimon writes more). */
export interface SnapshotFile {
  id: number;
  schemaId: number;
  commitKind: string;
  /** Commit time, epoch ms. */
  timeMillis: number;
  totalRecordCount: number | null;
  deltaRecordCount: number | null;
  watermark: number | null;
}

export interface TableFiles {
  table: LakeTable;
  prefix: string;
  /** Snapshot ids whose files are still in the store (expiry deletes old ones). */
  snapshotIds: number[];
  latest: SnapshotFile | null;
  /** Data files (parquet/orc/avro) under the table's bucket folders, every snapshot's. */
  dataFiles: ObjectInfo[];
  objects: number;
  bytes: number;
}

const DATA_FILE = /\/bucket-\d+\/data-[^/]+\.(parquet|orc|avro)$/;

export function parseSnapshotFile(text: string): SnapshotFile {
  const raw = JSON.parse(text) as Record<string, unknown>; // Paimon's snapshot JSON; fields checked below
  const n = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const id = n(raw['id']);
  const timeMillis = n(raw['timeMillis']);
  if (id === null || timeMillis === null) throw new Error('not a Paimon snapshot file (no id/timeMillis)');
  const watermark = n(raw['watermark']);
  return {
    id,
    schemaId: n(raw['schemaId']) ?? 0,
    commitKind: String(raw['commitKind'] ?? ''),
    timeMillis,
    totalRecordCount: n(raw['totalRecordCount']),
    deltaRecordCount: n(raw['deltaRecordCount']),
    // Paimon writes Long.MIN_VALUE when no watermark was known at commit time.
    watermark: watermark !== null && watermark > 0 ? watermark : null,
  };
}

/** A table's snapshots and data files as the store holds them; one listing plus one GET. */
export async function readTableFiles(client: S3Client, bucket: string, table: LakeTable, signal?: AbortSignal): Promise<TableFiles> {
  const prefix = paimonTablePrefix(LAKE_DATABASE, table);
  const listing = await listObjects(client, bucket, prefix, { limit: 20_000, ...(signal ? { signal } : {}) });
  const snapshotIds = listing.objects
    .map((object) => /\/snapshot\/snapshot-(\d+)$/.exec(object.key)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const newest = snapshotIds.at(-1);
  const text = newest === undefined ? null : await readObjectText(client, bucket, `${prefix}snapshot/snapshot-${newest}`, signal);
  let bytes = 0;
  for (const object of listing.objects) bytes += object.size;
  return {
    table,
    prefix,
    snapshotIds,
    latest: text === null ? null : parseSnapshotFile(text),
    dataFiles: listing.objects.filter((object) => DATA_FILE.test(object.key)),
    objects: listing.objects.length,
    bytes,
  };
}
