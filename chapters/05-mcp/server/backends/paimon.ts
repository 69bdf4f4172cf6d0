// Paimon, read through the Flink SQL gateway (chapter 4's bounded query client). The only
// statements this server ever sends are written below as `sql` templates; the market and the
// times go in through sqlString() and numbers after the tools' zod schemas have checked them.
// Every query has a row cap and a deadline, and runs in batch mode (it ends by itself).
import {
  SqlGateway, SqlGatewayError, SqlGatewayTimeoutError, queryOnce, rowObjects, sql, sqlString,
  type SqlStatement, type SqlValue,
} from '../../../04-lakehouse/paimon-query.ts';
import { describe, isUnreachable, missing, ToolFailure } from '../errors.ts';

export interface Candle1m {
  market: string;
  windowStartMs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  tradeValue: number;
  ticks: number;
}

/**
 * Session setup: the lake catalog (as chapter 4 declares it; the keys are the gateway
 * container's environment, never ours), batch mode, and UTC as the session zone so the
 * TIMESTAMP_LTZ columns come back as UTC wall times we can parse without guessing.
 */
export const SESSION_SETUP: readonly SqlStatement[] = [
  sql`SET 'execution.runtime-mode' = 'batch'`,
  sql`SET 'table.local-time-zone' = 'UTC'`,
  sql`CREATE CATALOG IF NOT EXISTS lake WITH ('type' = 'paimon', 'warehouse' = 's3://upbit-lake/warehouse', 's3.endpoint' = 'http://object-store:9000', 's3.path.style.access' = 'true')`,
  sql`USE CATALOG lake`,
  sql`USE upbit`,
];

/** The one candle query: one market, a half-open time range, ordered, capped. */
export function candleQuery(market: string, fromMs: number, toMs: number, maxRows: number): SqlStatement {
  return sql`SELECT market, CAST(window_start AS STRING) AS window_start_utc, open_price, high_price, low_price, close_price, CAST(volume AS DOUBLE) AS volume, trade_value, ticks FROM candles_1m WHERE market = ${sqlString(market)} AND window_start >= TO_TIMESTAMP_LTZ(${Math.trunc(fromMs)}, 3) AND window_start < TO_TIMESTAMP_LTZ(${Math.trunc(toMs)}, 3) ORDER BY window_start LIMIT ${Math.trunc(maxRows)}`;
}

export const SNAPSHOT_QUERY = sql`SELECT snapshot_id, commit_kind, CAST(commit_time AS STRING) AS commit_time, total_record_count FROM candles_1m$snapshots ORDER BY snapshot_id DESC LIMIT 1`;

export const MARKETS_QUERY = sql`SELECT market, COUNT(*) AS candles, CAST(MAX(window_start) AS STRING) AS last_window_utc FROM candles_1m GROUP BY market`;

/** "2026-11-30 05:01:00.000" in the UTC session zone -> epoch ms. */
export function utcWallToEpoch(text: string): number {
  const epoch = Date.parse(`${text.trim().replace(' ', 'T')}Z`);
  if (!Number.isFinite(epoch)) throw new Error(`unexpected timestamp from the gateway: ${text}`);
  return epoch;
}

const num = (value: SqlValue | undefined): number => (typeof value === 'number' ? value : Number(value ?? NaN));

export class PaimonBackend {
  readonly #gateway: SqlGateway;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, requestTimeoutMs: number, queryTimeoutMs: number) {
    this.#gateway = new SqlGateway({ baseUrl, requestTimeoutMs });
    this.#timeoutMs = queryTimeoutMs;
  }

  get baseUrl(): string {
    return this.#gateway.baseUrl;
  }

  async info(signal?: AbortSignal): Promise<{ productName: string; version: string }> {
    try {
      return await this.#gateway.info(signal);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  async #run(statement: SqlStatement, maxRows: number): Promise<Record<string, SqlValue>[]> {
    try {
      const result = await queryOnce(this.#gateway, SESSION_SETUP, statement, { maxRows, timeoutMs: this.#timeoutMs });
      return rowObjects(result);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): ToolFailure {
    if (error instanceof ToolFailure) return error;
    if (error instanceof SqlGatewayTimeoutError) {
      return new ToolFailure('sql-gateway',
        `SQL 게이트웨이가 ${Math.round(this.#timeoutMs / 1000)}초 안에 답하지 않았습니다: 첫 질의는 15초쯤 걸립니다. 잠시 뒤 다시 부르거나 구간을 줄이세요`,
        `The SQL gateway did not answer within ${Math.round(this.#timeoutMs / 1000)} s: the first query takes ~15 s; retry, or ask for a shorter range`);
    }
    if (error instanceof SqlGatewayError) {
      const cause = error.rootCause ?? error.message;
      if (/object-store|UnknownHost|Connect to .*9000|S3|AmazonClient|SdkClientException/i.test(cause)) return missing('object-store', cause.slice(0, 160));
      if (/not (be )?found|does not exist|TableNotExist|Object '.*' not found/i.test(cause)) return missing('paimon', cause.slice(0, 160));
      return new ToolFailure('paimon', `Paimon 질의가 실패했습니다: ${cause.slice(0, 200)}`, `The Paimon query failed: ${cause.slice(0, 200)}`);
    }
    if (isUnreachable(error)) return missing('sql-gateway', describe(error).slice(0, 120));
    return new ToolFailure('sql-gateway', `SQL 게이트웨이 오류: ${describe(error).slice(0, 200)}`, `SQL gateway error: ${describe(error).slice(0, 200)}`);
  }

  async candles(market: string, fromMs: number, toMs: number, maxRows: number): Promise<{ rows: Candle1m[]; truncated: boolean }> {
    const rows = await this.#run(candleQuery(market, fromMs, toMs, maxRows + 1), maxRows + 1);
    const candles = rows.map((row) => ({
      market: String(row['market']),
      windowStartMs: utcWallToEpoch(String(row['window_start_utc'])),
      open: num(row['open_price']),
      high: num(row['high_price']),
      low: num(row['low_price']),
      close: num(row['close_price']),
      volume: num(row['volume']),
      tradeValue: num(row['trade_value']),
      ticks: num(row['ticks']),
    }));
    return { rows: candles.slice(0, maxRows), truncated: candles.length > maxRows };
  }

  async latestSnapshot(): Promise<{ id: number; kind: string; commitTimeMs: number; records: number } | null> {
    const rows = await this.#run(SNAPSHOT_QUERY, 1);
    const row = rows[0];
    if (!row) return null;
    return { id: num(row['snapshot_id']), kind: String(row['commit_kind']), commitTimeMs: utcWallToEpoch(String(row['commit_time'])), records: num(row['total_record_count']) };
  }

  async marketsInLake(): Promise<{ market: string; candles: number; lastWindowMs: number }[]> {
    const rows = await this.#run(MARKETS_QUERY, 200);
    return rows.map((row) => ({ market: String(row['market']), candles: num(row['candles']), lastWindowMs: utcWallToEpoch(String(row['last_window_utc'])) }));
  }
}
