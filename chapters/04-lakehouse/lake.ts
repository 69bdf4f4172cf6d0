// Chapter 4's questions to the lakehouse, shared by its checks, panel and clients: the
// catalog setup every gateway session needs, and typed readers for Paimon's system tables
// ($snapshots, $files, $schemas, $options) and the tables themselves. The SQL lives here, in
// code, and goes through paimon-query.ts; table names are checked against a fixed list.
import { type SqlGateway, type SqlSession, type SqlValue, rowObjects, sql, sqlIdentifier, sqlString } from './paimon-query.ts';

export const LAKE_CATALOG = 'lake';
export const LAKE_DATABASE = 'upbit';
export const LAKE_TABLES = ['candles_1m', 'ticks'] as const;
export type LakeTable = (typeof LAKE_TABLES)[number];
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8083';

/**
 * Session setup: the same catalog as sql/00-catalog.sql (keys come from the gateway
 * container's AWS_* environment, never from here), batch mode so every query is bounded,
 * and Korean time for labels and dates.
 */
export const LAKE_SETUP = [
  sql`SET 'execution.runtime-mode' = 'batch'`,
  sql`SET 'table.local-time-zone' = 'Asia/Seoul'`,
  // A batch query's task can fail on a busy laptop (a slot offer times out); one quiet retry
  // is cheaper than a red check. Batch jobs otherwise have no restarts at all.
  sql`SET 'restart-strategy.type' = 'fixed-delay'`,
  sql`SET 'restart-strategy.fixed-delay.attempts' = '2'`,
  sql`CREATE CATALOG IF NOT EXISTS lake WITH (
    'type' = 'paimon',
    'warehouse' = 's3://upbit-lake/warehouse',
    's3.endpoint' = 'http://object-store:9000',
    's3.path.style.access' = 'true'
  )`,
  sql`USE CATALOG lake`,
] as const;

export function openLakeSession(gateway: SqlGateway, signal?: AbortSignal): Promise<SqlSession> {
  return gateway.openSession({ setup: LAKE_SETUP, ...(signal ? { signal } : {}) });
}

function tableName(table: LakeTable, system?: 'snapshots' | 'files' | 'schemas' | 'options' | 'tags'): ReturnType<typeof sqlIdentifier> {
  if (!LAKE_TABLES.includes(table)) throw new RangeError(`unknown lake table ${table}`);
  return sqlIdentifier(`${LAKE_DATABASE}.${table}${system ? `$${system}` : ''}`);
}

export type SnapshotRow = {
  snapshotId: number;
  commitKind: string;
  commitTime: string;
  totalRecordCount: number;
  deltaRecordCount: number;
  watermark: number | null;
};

const num = (value: SqlValue | undefined): number => (typeof value === 'number' ? value : Number(value ?? NaN));

/** Snapshots, newest first (at most `limit`). An empty list = nothing committed yet. */
export async function snapshots(session: SqlSession, table: LakeTable, limit = 20, signal?: AbortSignal): Promise<SnapshotRow[]> {
  const result = await session.query(
    sql`SELECT snapshot_id, commit_kind, CAST(commit_time AS STRING) AS commit_time, total_record_count, delta_record_count, \`watermark\`
        FROM ${tableName(table, 'snapshots')} ORDER BY snapshot_id DESC LIMIT ${limit}`,
    { maxRows: limit, ...(signal ? { signal } : {}) },
  );
  return rowObjects(result).map((row) => ({
    snapshotId: num(row['snapshot_id']),
    commitKind: String(row['commit_kind'] ?? ''),
    commitTime: String(row['commit_time'] ?? ''),
    totalRecordCount: num(row['total_record_count']),
    deltaRecordCount: num(row['delta_record_count']),
    watermark: row['watermark'] === null || row['watermark'] === undefined ? null : num(row['watermark']),
  }));
}

export type FileSummary = { files: number; records: number; bytes: number };

/** Data files the current snapshot references ($files): what compaction shrinks. */
export async function fileSummary(session: SqlSession, table: LakeTable, signal?: AbortSignal): Promise<FileSummary> {
  const result = await session.query(
    sql`SELECT COUNT(*) AS files, COALESCE(SUM(record_count), 0) AS records, COALESCE(SUM(file_size_in_bytes), 0) AS total_bytes
        FROM ${tableName(table, 'files')}`,
    { maxRows: 1, ...(signal ? { signal } : {}) },
  );
  const row = rowObjects(result)[0] ?? {};
  return { files: num(row['files']), records: num(row['records']), bytes: num(row['total_bytes']) };
}

export type SchemaRow = { schemaId: number; primaryKeys: string[]; partitionKeys: string[]; options: Record<string, string> };

function jsonList(value: SqlValue | undefined): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
      return [];
    }
  }
  return [];
}

/** Latest schema: primary key, partition keys, options (bucket, write-buffer-size, ...). */
export async function latestSchema(session: SqlSession, table: LakeTable, signal?: AbortSignal): Promise<SchemaRow | null> {
  const result = await session.query(
    sql`SELECT schema_id, primary_keys, partition_keys, ${sqlIdentifier('options')} AS opts
        FROM ${tableName(table, 'schemas')} ORDER BY schema_id DESC LIMIT 1`,
    { maxRows: 1, ...(signal ? { signal } : {}) },
  );
  const row = rowObjects(result)[0];
  if (row === undefined) return null;
  let options: Record<string, string> = {};
  const raw = row['opts'];
  if (typeof raw === 'string') {
    try {
      options = JSON.parse(raw) as Record<string, string>; // Paimon writes options as a flat JSON object of strings
    } catch {
      options = {};
    }
  }
  return { schemaId: num(row['schema_id']), primaryKeys: jsonList(row['primary_keys']), partitionKeys: jsonList(row['partition_keys']), options };
}

/** Row count of the table as of now (batch scan of the latest snapshot). */
export async function rowCount(session: SqlSession, table: LakeTable, signal?: AbortSignal): Promise<number> {
  const result = await session.query(sql`SELECT COUNT(*) AS n FROM ${tableName(table)}`, { maxRows: 1, ...(signal ? { signal } : {}) });
  return num(rowObjects(result)[0]?.['n']);
}

/** Row count as of an earlier snapshot (time travel); throws when that snapshot has expired. */
export async function rowCountAt(session: SqlSession, table: LakeTable, snapshotId: number, signal?: AbortSignal): Promise<number> {
  if (!Number.isSafeInteger(snapshotId) || snapshotId < 1) throw new RangeError(`not a snapshot id: ${snapshotId}`);
  const result = await session.query(
    sql`SELECT COUNT(*) AS n FROM ${tableName(table)} /*+ OPTIONS('scan.snapshot-id' = ${sqlString(String(snapshotId))}) */`,
    { maxRows: 1, ...(signal ? { signal } : {}) },
  );
  return num(rowObjects(result)[0]?.['n']);
}

export type MinuteCandle = { market: string; minute: string; ticks: number; volume: string };

/**
 * Candles from `sinceMs` on, keyed like chapter 3's exactness ledger: market and UTC minute
 * (2026-11-30T03:34Z), tick count and the exact 8-decimal volume as text. The statement runs
 * with the UTC time zone so DATE_FORMAT gives UTC minutes whatever the session uses.
 */
export async function candlesSince(session: SqlSession, sinceMs: number, maxRows = 50_000, signal?: AbortSignal): Promise<MinuteCandle[]> {
  if (!Number.isSafeInteger(sinceMs) || sinceMs < 0) throw new RangeError(`not an epoch millisecond: ${sinceMs}`);
  const result = await session.query(
    sql`SELECT market, DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm') AS minute_utc, ticks, CAST(volume AS STRING) AS volume
        FROM ${tableName('candles_1m')}
        WHERE window_start >= TO_TIMESTAMP_LTZ(${sinceMs}, 3)`,
    { maxRows, config: { 'table.local-time-zone': 'UTC' }, ...(signal ? { signal } : {}) },
  );
  return rowObjects(result).map((row) => ({
    market: String(row['market'] ?? ''),
    minute: `${String(row['minute_utc'] ?? '').replace(' ', 'T')}Z`,
    ticks: num(row['ticks']),
    volume: String(row['volume'] ?? '0'),
  }));
}

export type TickCount = { market: string; ticks: number; distinctOffsets: number; volume: string };

/**
 * Raw ticks per market over every date partition: rows, distinct Kafka (partition, offset)
 * pairs (equal when nothing is duplicated) and the exact volume.
 */
export async function tickCounts(session: SqlSession, signal?: AbortSignal): Promise<TickCount[]> {
  const result = await session.query(
    sql`SELECT market, COUNT(*) AS n,
               COUNT(DISTINCT CAST(kafka_partition AS BIGINT) * 10000000000000 + kafka_offset) AS distinct_offsets,
               CAST(SUM(trade_volume) AS STRING) AS volume
        FROM ${tableName('ticks')} GROUP BY market`,
    { maxRows: 1000, ...(signal ? { signal } : {}) },
  );
  return rowObjects(result).map((row) => ({
    market: String(row['market'] ?? ''),
    ticks: num(row['n']),
    distinctOffsets: num(row['distinct_offsets']),
    volume: String(row['volume'] ?? '0'),
  }));
}
