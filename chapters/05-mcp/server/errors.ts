// Errors a tool can return to the AI: each names the part of the pipeline that is missing,
// in Korean and English, and says what to do. They become `isError` tool results, never a
// crash and never a stack trace (which could carry paths or configuration).
export type PipelinePart = 'kafka' | 'flink' | 'sql-gateway' | 'object-store' | 'paimon' | 'upbit-replay' | 'lab-state';

export class ToolFailure extends Error {
  readonly part: PipelinePart | 'input';
  readonly ko: string;
  readonly en: string;
  constructor(part: PipelinePart | 'input', ko: string, en: string) {
    super(`${ko} / ${en}`);
    this.name = 'ToolFailure';
    this.part = part;
    this.ko = ko;
    this.en = en;
  }
}

/** What each part is called and how to bring it back, for "X is not running" failures. */
const MISSING: Record<PipelinePart, { ko: string; en: string }> = {
  kafka: {
    ko: 'Kafka 브로커에 접속할 수 없습니다: 2편의 클러스터를 올리세요 (compose/ 에서 docker compose up -d --wait)',
    en: "Kafka brokers are not reachable: start chapter 2's cluster (docker compose up -d --wait in compose/)",
  },
  flink: {
    ko: 'Flink JobManager(REST :8081)가 돌고 있지 않습니다: 3편의 서비스를 올리세요 (docker compose --profile flink up -d --wait)',
    en: "Flink JobManager (REST :8081) is not running: start chapter 3's services (docker compose --profile flink up -d --wait)",
  },
  'sql-gateway': {
    ko: 'Flink SQL 게이트웨이(:8083)가 돌고 있지 않습니다: 3편의 서비스를 올리세요 (docker compose up -d --wait sql-gateway)',
    en: "Flink SQL gateway is not running: start chapter 3's services (docker compose up -d --wait sql-gateway)",
  },
  'object-store': {
    ko: '오브젝트 스토어(S3, :9000)가 돌고 있지 않습니다: 4편의 서비스를 올리세요 (docker compose --profile lakehouse up -d --wait object-store)',
    en: "The object store (S3, :9000) is not running: start chapter 4's services (docker compose --profile lakehouse up -d --wait object-store)",
  },
  paimon: {
    ko: 'Paimon 테이블을 읽지 못했습니다: 4편의 테이블과 스트리밍 잡(lakehouse-tables, lakehouse-stream 실습)이 있는지 보세요',
    en: "Could not read the Paimon table: check chapter 4's tables and streaming job (labs lakehouse-tables, lakehouse-stream)",
  },
  'upbit-replay': {
    ko: 'upbit-replay(:8765)가 돌고 있지 않습니다: 3편의 시세 원본을 올리세요 (docker compose up -d upbit-replay)',
    en: "upbit-replay (:8765) is not running: start chapter 3's ticker source (docker compose up -d upbit-replay)",
  },
  'lab-state': {
    ko: '실습 기록(.lab-state/progress.json)이 없습니다: 실습 서버(npm start)에서 단계를 한 번 확인하세요',
    en: 'No lab progress (.lab-state/progress.json) yet: run a step from the lab server (npm start) first',
  },
};

export function missing(part: PipelinePart, detail?: string): ToolFailure {
  const text = MISSING[part];
  const suffix = detail ? ` (${detail})` : '';
  return new ToolFailure(part, text.ko + suffix, text.en + suffix);
}

export function badInput(ko: string, en: string): ToolFailure {
  return new ToolFailure('input', ko, en);
}

/** True for the errors fetch/kafkajs throw when nothing listens or the call ran out of time. */
export function isUnreachable(error: unknown): boolean {
  const text = describe(error);
  return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|fetch failed|socket hang up|aborted|timeout|timed out|Connection error|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|KafkaJSBrokerNotFound|KafkaJSRequestTimeoutError|This socket has been ended/i.test(text);
}

/** The error's message and its causes in one line, without stack frames. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' <- ');
}

/**
 * Strips what must never leave the server: anything shaped like a key or secret, and bearer
 * tokens. The tools never read secrets, but a backend's error text might echo configuration.
 */
export function redact(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/-]+=*/g, 'Bearer [redacted]')
    .replace(/(secret[_-]?key|access[_-]?key|password|credential|token)(["'\s:=]+)[^\s"',;]+/gi, '$1$2[redacted]')
    .replace(/\b(AKIA|lab)[0-9a-f]{16,}\b/gi, '[redacted]');
}
