// Where the MCP server finds each part of the pipeline, and the limits it applies to every
// call. Addresses come from the chapters' manifests (Kafka) or the course's fixed ports, each
// overridable by an environment variable so the same server runs against another machine's
// lab. Nothing here is a secret: the object store's keys stay inside the Flink containers.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaChapter } from '../../02-kafka/chapter.ts';
import { kafkaEndpoints, type KafkaEndpoints } from '../../02-kafka/kafka-access.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface McpConfig {
  kafka: KafkaEndpoints;
  tickerTopic: string;
  candleTopic: string;
  flinkRest: string;
  sqlGateway: string;
  objectStore: string;
  replay: string;
  stateDir: string;
  docsDir: string;
  /** Per backend call; the tool's whole budget is callBudgetMs. */
  backendTimeoutMs: number;
  /** A bounded Paimon query, cold gateway included (its first query plans for ~15 s). */
  queryTimeoutMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): McpConfig {
  const kafka = kafkaEndpoints(kafkaChapter);
  const bootstrap = env['MCP_KAFKA_BOOTSTRAP']?.split(',').filter(Boolean);
  return {
    kafka: bootstrap && bootstrap.length > 0 ? { ...kafka, bootstrap } : kafka,
    tickerTopic: 'upbit-ticker',
    candleTopic: 'upbit-candles-1m',
    flinkRest: env['MCP_FLINK_REST'] ?? 'http://127.0.0.1:8081',
    sqlGateway: env['MCP_SQL_GATEWAY'] ?? 'http://127.0.0.1:8083',
    objectStore: env['MCP_OBJECT_STORE'] ?? 'http://127.0.0.1:9000',
    replay: env['MCP_UPBIT_REPLAY'] ?? 'http://127.0.0.1:8765',
    stateDir: env['UPBIT_LAB_STATE_DIR'] ?? join(REPO_ROOT, '.lab-state'), // the lab server's own variable (server/paths.ts)
    docsDir: join(REPO_ROOT, 'src', 'content', 'docs'),
    backendTimeoutMs: Number(env['MCP_BACKEND_TIMEOUT_MS'] ?? 8_000),
    queryTimeoutMs: Number(env['MCP_QUERY_TIMEOUT_MS'] ?? 45_000),
  };
}

/** Hard caps, the same for every client: an AI asking for "everything" gets a bounded answer. */
export const LIMITS = {
  /** Longest candles range (and price_change window). */
  maxRangeMs: 24 * 60 * 60 * 1000,
  /** Rows a candles answer may hold. */
  maxCandleRows: 500,
  /** 1-minute rows one Paimon query may return (a 24 h range is 1440). */
  maxQueryRows: 1500,
  /** Records read back from a Kafka partition to find a key's newest one. */
  kafkaTailRecords: 500,
  /** Bytes of one chapter text served as a resource. */
  maxResourceBytes: 200_000,
} as const;
