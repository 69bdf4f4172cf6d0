// What the lakehouse looks like right now, in one read: buckets and object counts/sizes in
// the store, each Paimon table's latest snapshot (id, commit time, rows) and the streaming
// job's last completed checkpoint. The live panel shows the same facts; this prints them for
// a terminal (or --json for scripts and measurements).
//   node chapters/04-lakehouse/clients/lake-status.ts [--json] [--gateway URL] [--flink URL]
import { parseArgs } from 'node:util';
import { SqlGateway } from '../paimon-query.ts';
import { LAKE_TABLES, DEFAULT_GATEWAY_URL, openLakeSession, snapshots, rowCount, type SnapshotRow } from '../lake.ts';
import { createS3Client, lakeS3Settings, listBuckets, summarizePrefix, LAKE_BUCKET } from '../s3.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    gateway: { type: 'string', default: process.env['FLINK_SQL_GATEWAY'] ?? DEFAULT_GATEWAY_URL },
    flink: { type: 'string', default: process.env['FLINK_REST'] ?? 'http://127.0.0.1:8081' },
    job: { type: 'string', default: 'upbit-lakehouse' },
    'timeout-ms': { type: 'string', default: '120000' },
  },
});
const signal = AbortSignal.timeout(Number(values['timeout-ms']));

type Status = {
  at: string;
  store: { buckets: { name: string; objects: number; bytes: number }[] } | { error: string };
  tables: Record<string, { latest: SnapshotRow | null; snapshots: number; rows: number } | { error: string }>;
  job: { id: string; state: string; lastCheckpoint: { id: number; at: string; path: string } | null } | null | { error: string };
};

async function storeStatus(): Promise<Status['store']> {
  const client = await createS3Client(await lakeS3Settings());
  try {
    const buckets = await listBuckets(client, signal);
    const out = [];
    for (const bucket of buckets) {
      const summary = await summarizePrefix(client, bucket.name, '', { signal });
      out.push({ name: bucket.name, objects: summary.objects, bytes: summary.bytes });
    }
    return { buckets: out };
  } catch (error) {
    return { error: String(error instanceof Error ? error.message : error) };
  } finally {
    client.destroy();
  }
}

async function tableStatus(): Promise<Status['tables']> {
  const tables: Status['tables'] = {};
  const gateway = new SqlGateway({ baseUrl: values.gateway, requestTimeoutMs: 90_000 });
  let session;
  try {
    session = await openLakeSession(gateway, signal);
  } catch (error) {
    for (const table of LAKE_TABLES) tables[table] = { error: String(error instanceof Error ? error.message : error) };
    return tables;
  }
  try {
    for (const table of LAKE_TABLES) {
      try {
        const list = await snapshots(session, table, 1000, signal);
        tables[table] = { latest: list[0] ?? null, snapshots: list.length, rows: await rowCount(session, table, signal) };
      } catch (error) {
        tables[table] = { error: String(error instanceof Error ? error.message : error) };
      }
    }
  } finally {
    await session.close();
  }
  return tables;
}

async function jobStatus(): Promise<Status['job']> {
  try {
    const overview = (await (await fetch(`${values.flink}/jobs/overview`, { signal })).json()) as { jobs: { jid: string; name: string; state: string; 'start-time': number }[] };
    const job = overview.jobs.filter((j) => j.name === values.job).sort((a, b) => b['start-time'] - a['start-time'])[0];
    if (job === undefined) return null;
    const checkpoints = (await (await fetch(`${values.flink}/jobs/${job.jid}/checkpoints`, { signal })).json()) as {
      latest?: { completed?: { id: number; latest_ack_timestamp: number; external_path: string } | null };
    };
    const completed = checkpoints.latest?.completed ?? null;
    return {
      id: job.jid,
      state: job.state,
      lastCheckpoint: completed ? { id: completed.id, at: new Date(completed.latest_ack_timestamp).toISOString(), path: completed.external_path } : null,
    };
  } catch (error) {
    return { error: String(error instanceof Error ? error.message : error) };
  }
}

const [store, tables, job] = await Promise.all([storeStatus(), tableStatus(), jobStatus()]);
const status: Status = { at: new Date().toISOString(), store, tables, job };
if (values.json) {
  console.log(JSON.stringify(status, null, 2));
} else {
  console.log(`# ${status.at}`);
  if ('error' in store) console.log(`오브젝트 스토어: 오류 ${store.error}`);
  else for (const b of store.buckets) console.log(`버킷 ${b.name}: 객체 ${b.objects}개, ${(b.bytes / 1024).toFixed(1)} KiB`);
  for (const [name, t] of Object.entries(tables)) {
    if ('error' in t) console.log(`테이블 ${name}: 오류 ${t.error}`);
    else console.log(`테이블 ${name}: 스냅샷 ${t.latest ? `#${t.latest.snapshotId} (${t.latest.commitKind}, ${t.latest.commitTime})` : '없음'}, 스냅샷 ${t.snapshots}개, ${t.rows}줄`);
  }
  if (job === null) console.log(`잡 ${values.job}: 없음`);
  else if ('error' in job) console.log(`Flink: 오류 ${job.error}`);
  else console.log(`잡 ${values.job} ${job.state}: 마지막 체크포인트 ${job.lastCheckpoint ? `#${job.lastCheckpoint.id} ${job.lastCheckpoint.at} ${job.lastCheckpoint.path}` : '없음'}`);
}
void LAKE_BUCKET;
