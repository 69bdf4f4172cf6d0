// The `lakehouse` panel kind: one poller per lab server, reading the store, Paimon's snapshot
// files and the streaming job every 3 s only while some tab watches (never twice at once),
// pushing a snapshot to each watcher when what it shows changed. The S3 client, timer and
// in-flight read are the source's own: the last watcher leaving stops the timer, dispose()
// ends everything for good.
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { PanelKind, PanelSource } from '../../../server/course.ts';
import type { LakeEndpoints } from '../lake-access.ts';
import { createS3Client, lakeS3Settings } from '../s3.ts';
import { describeChanges, readLakehouse, sameView, type LakehouseView } from './reader.ts';
import { LAKEHOUSE_KIND, type LakehouseSnapshot } from './snapshot.ts';

const Options = z.object({}).strict();
const POLL_MS = 3000;

interface Watcher { listener: (snapshot: LakehouseSnapshot) => void; last?: LakehouseView }

export function lakehousePanel(endpoints: LakeEndpoints): PanelKind {
  return {
    kind: LAKEHOUSE_KIND,
    options: Options,
    create(): PanelSource {
      const watchers = new Set<Watcher>();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let inFlight: AbortController | null = null;
      let client: S3Client | null = null;
      let disposed = false;

      const view = async (signal: AbortSignal): Promise<LakehouseView> => {
        try {
          // Keys are read on first use (compose/.env may be written after the server starts).
          client ??= createS3Client({ ...(await lakeS3Settings()), endpoint: process.env['S3_HOST_ENDPOINT']?.trim() || endpoints.s3 });
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          return { kind: 'lakehouse', at: Date.now(), storeReachable: false, storeError: text, buckets: [], tables: [], job: null, flinkReachable: false };
        }
        return readLakehouse(client, { bucket: endpoints.bucket, rest: endpoints.rest, job: endpoints.job, signal });
      };

      const tick = async () => {
        timer = null;
        if (disposed || watchers.size === 0) return;
        inFlight = new AbortController();
        try {
          const next = await view(AbortSignal.any([inFlight.signal, AbortSignal.timeout(15_000)]));
          for (const watcher of watchers) {
            if (watcher.last && sameView(watcher.last, next)) continue;
            const events = describeChanges(watcher.last, next);
            watcher.last = next;
            watcher.listener({ ...next, events });
          }
        } catch {
          // A failed read shows as "unreachable" in the next successful one; nothing to push now.
        } finally {
          inFlight = null;
        }
        if (!disposed && watchers.size > 0) timer = setTimeout(() => void tick(), POLL_MS);
      };

      return {
        watch(options, listener) {
          Options.parse(options);
          const watcher: Watcher = { listener };
          watchers.add(watcher);
          if (!timer && !inFlight && !disposed) timer = setTimeout(() => void tick(), 0);
          return () => {
            watchers.delete(watcher);
            if (watchers.size === 0 && timer) {
              clearTimeout(timer);
              timer = null;
            }
          };
        },
        async dispose() {
          disposed = true;
          watchers.clear();
          if (timer) clearTimeout(timer);
          timer = null;
          inFlight?.abort();
          client?.destroy();
          client = null;
        },
      };
    },
  };
}
