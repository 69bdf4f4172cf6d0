// How chapter 4's checks and panel reach the lakehouse from the host: the object store's S3
// API (its published port), Paimon through chapter 3's SQL gateway, the streaming job through
// chapter 3's JobManager REST, and the collector's ledger in the lab state folder. Every
// address is derived from the manifests; only the bucket and job names are the chapter's own.
import type { ChapterManifest } from '../../server/course.ts';
import { flinkChapter } from '../03-flink/chapter.ts';
import { flinkEndpoints, type FlinkEndpoints } from '../03-flink/flink-access.ts';
import { LAKE_BUCKET } from './s3.ts';

export interface LakeEndpoints {
  /** S3 API on the host, e.g. http://127.0.0.1:9000. */
  s3: string;
  bucket: string;
  /** Flink SQL gateway REST on the host (Paimon queries). */
  gateway: string;
  /** Flink JobManager REST on the host (the streaming job and its checkpoints). */
  rest: string;
  /** The streaming job that writes both tables (sql/10-stream.sql sets pipeline.name). */
  job: string;
  containers: { store: string; gateway: string; jobmanager: string; taskmanager: string };
  flink: FlinkEndpoints;
}

function service(chapter: ChapterManifest, name: string) {
  const found = chapter.services.find((s) => s.name === name);
  if (!found) throw new Error(`chapter ${chapter.id} has no service ${name}`);
  return found;
}

export function lakeEndpoints(chapter: ChapterManifest, flink: ChapterManifest = flinkChapter): LakeEndpoints {
  const store = service(chapter, 'object-store');
  const f = flinkEndpoints(flink);
  return {
    s3: `http://127.0.0.1:${store.ports[0]!.host}`,
    bucket: LAKE_BUCKET,
    gateway: f.gateway,
    rest: f.rest,
    job: 'upbit-lakehouse',
    containers: { store: store.container!, gateway: service(flink, 'sql-gateway').container!, jobmanager: f.containers.jobmanager, taskmanager: f.containers.taskmanager },
    flink: f,
  };
}
