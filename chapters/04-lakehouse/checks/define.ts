// Chapter 4's check helpers: `defineCheck` fixed to the lakehouse endpoints, and the two
// clients every check needs (S3 for the store's listing, the SQL gateway for Paimon), each
// owned by one call and closed before it returns.
import type { S3Client } from '@aws-sdk/client-s3';
import { checksFor, type CheckContext } from '../../../server/checks.ts';
import type { LakeEndpoints } from '../lake-access.ts';
import { openLakeSession } from '../lake.ts';
import { SqlGateway, type SqlSession } from '../paimon-query.ts';
import { createS3Client, lakeS3Settings } from '../s3.ts';

export const defineCheck = checksFor<LakeEndpoints>();
export type LakeCheckContext = CheckContext<LakeEndpoints>;

/** An S3 client for the store at the chapter's endpoint with this install's keys; destroyed after `use`. */
export async function withS3<T>(context: LakeCheckContext, use: (client: S3Client) => Promise<T>): Promise<T> {
  const settings = await lakeS3Settings();
  const client = await createS3Client({ ...settings, endpoint: process.env['S3_HOST_ENDPOINT']?.trim() || context.endpoints.s3 });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** A gateway session with the lake catalog set up (batch mode); closed after `use`. */
export async function withLake<T>(context: LakeCheckContext, use: (session: SqlSession, setupMs: number) => Promise<T>): Promise<T> {
  const gateway = new SqlGateway({ baseUrl: context.endpoints.gateway, requestTimeoutMs: 60_000 });
  const started = Date.now();
  const session = await openLakeSession(gateway, context.signal);
  try {
    return await use(session, Date.now() - started);
  } finally {
    await session.close();
  }
}

/** The message of whatever was thrown, one line. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 240);
