// Bounded SQL through the Flink SQL gateway's REST API: open a session, run the session's
// setup (catalog, batch mode), submit one statement, page through its result until the end
// or a row/time limit, close the operation and the session. Chapter 4's checks and panel
// read Paimon's tables and system tables with it; chapter 5's MCP server and chart reuse it.
//
// Safety: statements are `SqlStatement` values, made only by the `sql` template tag from
// text written in code. A plain string cannot be passed (the type says so, and `sql` checks
// at run time that it was really called as a tag). Values from outside go in through
// `sqlString` (quoted, escaped) or `sqlIdentifier` (validated, back-quoted), never raw.
//
// REST shapes used (Flink 2.0 gateway, paths under /v1 and /v2):
//   POST   /v1/sessions                                        -> { sessionHandle }
//   POST   /v2/sessions/:s/configure-session  { statement }    (SET, CREATE CATALOG, USE ...; v2+)
//   POST   /v1/sessions/:s/statements         { statement, executionConfig? } -> { operationHandle }
//   GET    /v2/sessions/:s/operations/:o/result/:token?rowFormat=JSON
//          -> { resultType: NOT_READY|PAYLOAD|EOS, results: { columns, data }, nextResultUri, jobID }
//   DELETE /v1/sessions/:s/operations/:o/close
//   DELETE /v1/sessions/:s
//   errors: non-2xx with { errors: [summary, stack trace] }

declare const statementBrand: unique symbol;

/** SQL text written by the program. Construct with the `sql` tag only. */
export type SqlStatement = { readonly text: string; readonly [statementBrand]: true };

/** What may be interpolated into `sql`: other statements/fragments and plain numbers. */
export type SqlPart = SqlStatement | number | bigint | boolean;

function makeStatement(text: string): SqlStatement {
  // The brand exists only in the type system; the object is frozen so nobody edits the text later.
  return Object.freeze({ text }) as SqlStatement;
}

const statements = new WeakSet<object>();

/**
 * Tag for SQL written in code: sql`SELECT * FROM ${sqlIdentifier(t)} LIMIT ${n}`.
 * Throws when called with anything but a real template (e.g. sql([userText] as never)).
 */
export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): SqlStatement {
  if (!Array.isArray(strings) || !Object.isFrozen(strings) || !('raw' in strings)) {
    throw new TypeError('sql must be used as a template tag on text written in code');
  }
  let text = strings[0] ?? '';
  parts.forEach((part, index) => {
    text += renderPart(part) + (strings[index + 1] ?? '');
  });
  const statement = makeStatement(text);
  statements.add(statement);
  return statement;
}

function renderPart(part: SqlPart): string {
  if (typeof part === 'number') {
    if (!Number.isFinite(part)) throw new RangeError(`not a finite number: ${part}`);
    return String(part);
  }
  if (typeof part === 'bigint') return part.toString();
  if (typeof part === 'boolean') return part ? 'TRUE' : 'FALSE';
  if (typeof part === 'object' && part !== null && statements.has(part)) return part.text;
  throw new TypeError('only sql fragments, sqlString(), sqlIdentifier() and numbers can be interpolated');
}

/** A string literal: single quotes doubled, control characters refused. */
export function sqlString(value: string): SqlStatement {
  if (/[\u0000-\u001f]/.test(value)) throw new RangeError('control characters are not allowed in a SQL literal');
  const statement = makeStatement(`'${value.replaceAll("'", "''")}'`);
  statements.add(statement);
  return statement;
}

/**
 * An identifier, optionally dotted (catalog.db.table) and with a system-table suffix
 * (candles_1m$snapshots): each part must be a plain name; the result is back-quoted.
 */
export function sqlIdentifier(name: string): SqlStatement {
  const parts = name.split('.');
  if (parts.length === 0 || parts.length > 3 || !parts.every((part) => /^[A-Za-z_][A-Za-z0-9_]*(\$[a-z_]+)?$/.test(part))) {
    throw new RangeError(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  const statement = makeStatement(parts.map((part) => `\`${part}\``).join('.'));
  statements.add(statement);
  return statement;
}

/** JSON values as the gateway returns them with rowFormat=JSON. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };
export type SqlColumn = { name: string; type: string; nullable: boolean };
/** `kind` is the changelog flag of each row (INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE). */
export type SqlRow = { kind: string; fields: SqlValue[] };

export type QueryResult = {
  columns: SqlColumn[];
  rows: SqlRow[];
  /** Stopped at maxRows while the statement still had rows (an unbounded query, or a big one). */
  truncated: boolean;
  jobId: string | null;
  elapsedMs: number;
};

export type QueryOptions = {
  /** Stop after this many rows (default 1000) and close the operation. */
  maxRows?: number;
  /** Give up (close the operation, throw SqlGatewayTimeoutError) after this long (default: the signal's deadline, else 60 s). */
  timeoutMs?: number;
  /** Per-statement configuration (`executionConfig`), e.g. { 'execution.runtime-mode': 'batch' }. */
  config?: Record<string, string>;
  signal?: AbortSignal;
};

export class SqlGatewayError extends Error {
  readonly status: number;
  /** Root cause line from the gateway's stack trace, when there is one. */
  readonly rootCause: string | null;
  constructor(message: string, status: number, rootCause: string | null) {
    super(rootCause ? `${message}: ${rootCause}` : message);
    this.name = 'SqlGatewayError';
    this.status = status;
    this.rootCause = rootCause;
  }
}

export class SqlGatewayTimeoutError extends Error {
  constructor(timeoutMs: number, what: string) {
    super(`SQL 게이트웨이가 ${Math.round(timeoutMs / 1000)}초 안에 ${what} 끝내지 못했습니다`);
    this.name = 'SqlGatewayTimeoutError';
  }
}

/**
 * The caller gave up (its signal aborted, e.g. a check's time ran out) while the query still
 * ran. A timeout to callers that handle timeouts (the MCP backend words its own budget), but
 * its message no longer names this query's unused 24-hour budget.
 */
export class SqlGatewayAbortedError extends SqlGatewayTimeoutError {
  constructor() {
    super(0, '질의를');
    this.message = '질의가 끝나기 전에 기다릴 시간이 다 되어 멈췄습니다(게이트웨이나 TaskManager가 바쁩니다)';
    this.name = 'SqlGatewayAbortedError';
  }
}

/** The last "Caused by:" line of a Java stack trace: usually the message a human needs. */
export function rootCauseOf(trace: string): string | null {
  const causes = [...trace.matchAll(/Caused by: ([^\n]+)/g)].map((match) => (match[1] ?? '').trim());
  const last = causes.at(-1);
  if (last !== undefined) return last;
  const first = trace.split('\n')[0]?.trim();
  return first ? first : null;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type GatewayOptions = {
  /** e.g. http://127.0.0.1:8083 (host) or http://sql-gateway:8083 (inside the network). */
  baseUrl: string;
  /** Per HTTP request (default 30 s: creating a catalog on S3 can take that long on a busy laptop); a query's overall budget is QueryOptions.timeoutMs. */
  requestTimeoutMs?: number;
  fetch?: FetchLike;
};

/** Thin typed REST client; one SqlGateway can open many sessions. */
export class SqlGateway {
  readonly baseUrl: string;
  readonly #requestTimeoutMs: number;
  readonly #fetch: FetchLike;

  constructor(options: GatewayOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** `GET /v1/info`: { productName, version } — a cheap "is the gateway up" probe. */
  async info(signal?: AbortSignal): Promise<{ productName: string; version: string }> {
    const body = await this.request('GET', '/v1/info', undefined, signal);
    return { productName: String(field(body, 'productName') ?? ''), version: String(field(body, 'version') ?? '') };
  }

  /**
   * Opens a session and runs `setup` in it (configure-session: SET, CREATE CATALOG, USE ...).
   * If setup fails the session is closed before the error is thrown.
   */
  async openSession(
    options: { properties?: Record<string, string>; setup?: readonly SqlStatement[]; signal?: AbortSignal } = {},
  ): Promise<SqlSession> {
    const body = await this.request('POST', '/v1/sessions', { properties: options.properties ?? {} }, options.signal);
    const handle = field(body, 'sessionHandle');
    if (typeof handle !== 'string') throw new SqlGatewayError('SQL 게이트웨이가 세션 번호를 돌려주지 않았습니다', 0, null);
    const session = new SqlSession(this, handle);
    try {
      for (const statement of options.setup ?? []) await session.configure(statement, options.signal);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  /** One HTTP exchange with its own deadline; non-2xx becomes SqlGatewayError. */
  async request(method: string, path: string, payload?: unknown, signal?: AbortSignal): Promise<unknown> {
    const deadline = AbortSignal.timeout(this.#requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const init: RequestInit = { method, signal: combined };
    if (payload !== undefined) {
      init.body = JSON.stringify(payload);
      init.headers = { 'content-type': 'application/json' };
    }
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, init);
    } catch (error) {
      if (deadline.aborted && !signal?.aborted) throw new SqlGatewayTimeoutError(this.#requestTimeoutMs, `${method} ${path.split('?')[0]} 요청을`);
      throw error;
    }
    const text = await response.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const errors = field(body, 'errors');
      const list = Array.isArray(errors) ? errors.map(String) : [typeof body === 'string' ? body : ''];
      const trace = list.slice(1).join('\n') || list[0] || '';
      throw new SqlGatewayError(`SQL 게이트웨이 ${method} ${path.split('?')[0]} 실패 (HTTP ${response.status})`, response.status, rootCauseOf(trace));
    }
    return body;
  }
}

export class SqlSession {
  readonly gateway: SqlGateway;
  readonly handle: string;
  #closed = false;

  constructor(gateway: SqlGateway, handle: string) {
    this.gateway = gateway;
    this.handle = handle;
  }

  /** SET / RESET / CREATE CATALOG / USE ...: changes the session, returns nothing. */
  async configure(statement: SqlStatement, signal?: AbortSignal): Promise<void> {
    assertStatement(statement);
    await this.gateway.request('POST', `/v2/sessions/${this.handle}/configure-session`, { statement: statement.text }, signal);
  }

  /**
   * Runs one statement and collects its rows, bounded by maxRows and timeoutMs. Whatever
   * happens, the operation is closed afterwards, which also cancels a still-running query job.
   */
  async query(statement: SqlStatement, options: QueryOptions = {}): Promise<QueryResult> {
    assertStatement(statement);
    const maxRows = options.maxRows ?? 1000;
    // Without an explicit budget a caller's signal is the deadline; with neither, 60 s.
    const timeoutMs = options.timeoutMs ?? (options.signal ? 24 * 3600_000 : 60_000);
    const started = Date.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const payload: Record<string, unknown> = { statement: statement.text };
    if (options.config !== undefined) payload['executionConfig'] = options.config;

    const submitted = await this.gateway.request('POST', `/v1/sessions/${this.handle}/statements`, payload, signal);
    const operation = field(submitted, 'operationHandle');
    if (typeof operation !== 'string') throw new SqlGatewayError('SQL 게이트웨이가 작업 번호를 돌려주지 않았습니다', 0, null);

    const columns: SqlColumn[] = [];
    const rows: SqlRow[] = [];
    let jobId: string | null = null;
    let truncated = false;
    let next: string | null = `/v2/sessions/${this.handle}/operations/${operation}/result/0?rowFormat=JSON`;
    let idleWaitMs = 100;
    try {
      while (next !== null) {
        const page = await this.gateway.request('GET', next, undefined, signal).catch((error: unknown) => {
          if (deadline.aborted) throw new SqlGatewayTimeoutError(timeoutMs, '질의를');
          throw error;
        });
        const kind = field(page, 'resultType');
        const id = field(page, 'jobID');
        if (typeof id === 'string') jobId = id;
        const results = field(page, 'results');
        if (columns.length === 0) columns.push(...parseColumns(field(results, 'columns')));
        for (const row of parseRows(field(results, 'data'))) {
          if (rows.length >= maxRows) {
            truncated = true;
            break;
          }
          rows.push(row);
        }
        if (kind === 'EOS' || truncated) break;
        const uri = field(page, 'nextResultUri');
        next = typeof uri === 'string' ? uri : null;
        if (kind === 'NOT_READY' || rows.length === 0) {
          await sleep(idleWaitMs, signal).catch(() => {
            if (deadline.aborted) throw new SqlGatewayTimeoutError(timeoutMs, '질의를');
            // The caller's signal, not this query's budget: say so instead of "within 86400 s".
            throw new SqlGatewayAbortedError();
          });
          idleWaitMs = Math.min(idleWaitMs * 2, 1000);
        } else {
          idleWaitMs = 100;
        }
      }
    } finally {
      // Closing cancels the job behind a streaming or unfinished query; ignore "already gone".
      await this.gateway.request('DELETE', `/v1/sessions/${this.handle}/operations/${operation}/close`).catch(() => undefined);
    }
    return { columns, rows, truncated, jobId, elapsedMs: Date.now() - started };
  }

  /** Idempotent; never throws (a gateway that went away has dropped the session anyway). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.gateway.request('DELETE', `/v1/sessions/${this.handle}`).catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The common case in one call: open a session with `setup`, run `statement`, close.
 * For several statements, open a session yourself and reuse it.
 */
export async function queryOnce(
  gateway: SqlGateway,
  setup: readonly SqlStatement[],
  statement: SqlStatement,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const session = await gateway.openSession({ setup, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    return await session.query(statement, options);
  } finally {
    await session.close();
  }
}

/** Rows as objects keyed by column name: easier to read in checks than positional fields. */
export function rowObjects(result: Pick<QueryResult, 'columns' | 'rows'>): Record<string, SqlValue>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column.name, row.fields[index] ?? null])));
}

function assertStatement(statement: SqlStatement): void {
  if (!statements.has(statement)) throw new TypeError('statements must be made with the sql template tag');
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}

function parseColumns(value: unknown): SqlColumn[] {
  if (!Array.isArray(value)) return [];
  return value.map((column) => {
    const logical = field(column, 'logicalType');
    return {
      name: String(field(column, 'name') ?? ''),
      type: String(field(logical, 'type') ?? ''),
      nullable: field(logical, 'nullable') !== false,
    };
  });
}

function parseRows(value: unknown): SqlRow[] {
  if (!Array.isArray(value)) return [];
  return value.map((row) => {
    const fields = field(row, 'fields');
    return {
      kind: String(field(row, 'kind') ?? 'INSERT'),
      // JSON.parse output is already JSON-shaped; the cast only names that shape.
      fields: Array.isArray(fields) ? (fields as SqlValue[]) : [],
    };
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
