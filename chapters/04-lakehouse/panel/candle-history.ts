// Chapter 4's part of the candle chart (issue 19): the Paimon table's candles for the chart's
// markets and minutes, read through the Flink SQL gateway, so each minute the chart draws from
// Kafka is also checked against the lake's row. The statement is written here with the `sql`
// tag; the only values in it are the lab file's bounds (market codes already validated by the
// chart's options, quoted with sqlString; numbers), never anything a page sent.
import type { PanelKind } from '../../../server/course.ts';
import type { KafkaEndpoints } from '../../02-kafka/kafka-access.ts';
import type { LakeRow } from '../../03-flink/panel/agreement.ts';
import { candleChartPanel, type ChartOptions, type LakeHistory } from '../../03-flink/panel/chart.ts';
import { LAKE_CANDLE_CHART_KIND } from '../../03-flink/panel/chart-snapshot.ts';
import { openLakeSession } from '../lake.ts';
import { rowObjects, sql, sqlIdentifier, sqlString, SqlGateway, type SqlStatement, type SqlValue } from '../paimon-query.ts';

const MARKET = /^[A-Z]{2,5}-[A-Z0-9]{1,10}$/;

/** The statement for these bounds (exported so a unit test can read it without a gateway). */
export function historyStatement(options: Pick<ChartOptions, 'markets' | 'minutes'>, nowMs: number): SqlStatement {
  if (options.markets.length === 0 || options.markets.length > 8 || !options.markets.every((m) => MARKET.test(m))) throw new RangeError('markets out of bounds');
  if (!Number.isInteger(options.minutes) || options.minutes < 1 || options.minutes > 240) throw new RangeError('minutes out of bounds');
  const sinceMs = Math.floor(nowMs / 60_000) * 60_000 - options.minutes * 60_000;
  let list = sqlString(options.markets[0]!);
  for (const market of options.markets.slice(1)) list = sql`${list}, ${sqlString(market)}`;
  return sql`SELECT market, DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm') AS minute_utc,
      open_price, high_price, low_price, close_price, ticks, CAST(volume AS STRING) AS volume
    FROM ${sqlIdentifier('upbit.candles_1m')}
    WHERE window_start >= TO_TIMESTAMP_LTZ(${sinceMs}, 3) AND market IN (${list})`;
}

const num = (value: SqlValue | undefined) => (typeof value === 'number' ? value : Number(value ?? 0));

/** Gateway rows -> the chart's lake rows (UTC minute keys like the collector's ledger). */
export function lakeRows(rows: Record<string, SqlValue>[]): LakeRow[] {
  return rows.map((row) => ({
    market: String(row['market'] ?? ''),
    minute: `${String(row['minute_utc'] ?? '').replace(' ', 'T')}Z`,
    open: num(row['open_price']), high: num(row['high_price']), low: num(row['low_price']), close: num(row['close_price']),
    ticks: num(row['ticks']),
    volume: String(row['volume'] ?? '0'),
  }));
}

/** A bounded Paimon read for the chart: one session per read, closed afterwards. */
export function paimonCandleHistory(gatewayUrl: string): LakeHistory {
  const gateway = new SqlGateway({ baseUrl: gatewayUrl, requestTimeoutMs: 15_000 });
  return async (options, signal) => {
    const session = await openLakeSession(gateway, signal);
    try {
      // UTC for DATE_FORMAT, so minute keys match Kafka's and the ledger's whatever the session says.
      const result = await session.query(historyStatement(options, Date.now()), { maxRows: options.maxRows, config: { 'table.local-time-zone': 'UTC' }, signal });
      return lakeRows(rowObjects(result));
    } finally {
      await session.close();
    }
  };
}

/** Chapter 4's chart kind: chapter 3's chart with the Paimon check. Register it in chapter 4's plugin.ts. */
export function lakehouseCandleChartPanel(parts: { kafka: KafkaEndpoints; collectorReport: string; gateway: string }): PanelKind {
  return candleChartPanel({ kind: LAKE_CANDLE_CHART_KIND, kafka: parts.kafka, collectorReport: parts.collectorReport, lake: paimonCandleHistory(parts.gateway) });
}
