// The `lakehouse` panel kind: the store, Paimon's snapshot files and the streaming job read
// every 3 s while some tab watches (server/panels/polling.ts owns the timer and the in-flight
// read). The S3 client is this source's own: made on first read, destroyed with the source.
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { PanelKind } from '../../../server/course.ts';
import { pollingPanelSource } from '../../../server/panels/polling.ts';
import type { LakeEndpoints } from '../lake-access.ts';
import { createS3Client, lakeS3Settings } from '../s3.ts';
import { describeChanges, readLakehouse, sameView, type LakehouseView } from './reader.ts';
import { LAKEHOUSE_KIND } from './snapshot.ts';

const Options = z.object({}).strict();

export function lakehousePanel(endpoints: LakeEndpoints): PanelKind {
  return {
    kind: LAKEHOUSE_KIND,
    options: Options,
    create() {
      let client: S3Client | null = null;
      const read = async (signal: AbortSignal): Promise<LakehouseView> => {
        try {
          // Keys are read on first use (compose/.env may be written after the server starts).
          client ??= await createS3Client({ ...(await lakeS3Settings()), endpoint: process.env['S3_HOST_ENDPOINT']?.trim() || endpoints.s3 });
        } catch (error) {
          const text = error instanceof Error ? error.message : String(error);
          return { kind: 'lakehouse', at: Date.now(), storeReachable: false, storeError: text, buckets: [], tables: [], job: null, flinkReachable: false };
        }
        return readLakehouse(client, { bucket: endpoints.bucket, rest: endpoints.rest, job: endpoints.job, signal: AbortSignal.any([signal, AbortSignal.timeout(15_000)]) });
      };
      return pollingPanelSource({
        pollMs: 3000,
        parse: (options) => Options.parse(options),
        keyOf: () => '',
        read: (_options, signal) => read(signal),
        same: sameView,
        changes: describeChanges,
        onDispose: () => {
          client?.destroy();
          client = null;
        },
      });
    },
  };
}
