// The attendee side of the class link, inside the lab server (`npm start -- --class host:port CODE`):
// joins the instructor's class server and reports, outbound only, the display name, doctor
// results and every step status change (ids, status, the sanitized Korean failure sentence:
// never terminal output, paths or tokens). The class server is someone else's laptop on a
// shaky Wi-Fi, so nothing here may hurt the lab server: every call returns at once, the queue
// is bounded (the oldest events go first, and the host is told how many), failures retry with
// capped exponential backoff, and `leave()` stops everything it started.
import {
  HEARTBEAT_MS, JoinRequest, MAX_EVENTS_PER_REPORT, sanitizeSummary,
  type ClassEvent, type DoctorEvent, type JoinAck, type StepEvent,
} from './protocol.ts';

export interface StepChange {
  lab: string;
  step: string;
  status: StepEvent['status'];
  result?: { summary: string } | undefined;
}

export interface DoctorResults {
  ok: boolean;
  results: ReadonlyArray<{ id: string; title: string; status: 'pass' | 'warn' | 'fail' }>;
}

export interface ReporterOptions {
  /** The class server, host:port (IPv6 in brackets). */
  server: string;
  code: string;
  name: string;
  maxQueue?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  heartbeatMs?: number;
  /** Gathers events arriving together into one report. */
  batchDelayMs?: number;
  requestTimeoutMs?: number;
  log?(line: string): void;
}

export interface ReporterStats {
  joined: boolean;
  queued: number;
  /** Events dropped on this side (queue full, or a report the host refused as malformed). */
  dropped: number;
  sentReports: number;
  failures: number;
  stopped: boolean;
}

type Answer = { status: number; body: unknown; retryAfterMs: number | undefined };

/** Checks the options a learner typed before anything starts, with a Korean reason. */
export function checkReporterOptions(server: string, name: string): string | null {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(server)) return `수업 서버 주소 '${server}'는 호스트:포트 형식이 아닙니다 (예: 192.168.0.10:4900).`;
  const parsed = JoinRequest.shape.name.safeParse(name);
  if (!parsed.success) return `표시 이름은 1~32자, 줄바꿈이나 제어 문자 없이 적어 주세요.`;
  return null;
}

export class ClassReporter {
  readonly #options: Required<Omit<ReporterOptions, 'log'>> & Pick<ReporterOptions, 'log'>;
  readonly #base: string;
  #queue: ClassEvent[] = [];
  #inflight: ClassEvent[] | null = null;
  #token: string | null = null;
  #seq = 0;
  #unsentDropped = 0;
  #dropped = 0;
  #sent = 0;
  #failures = 0;
  #backoffMs: number;
  #stopped = false;
  #pumping = false;
  #timer: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  /** Aborts the request in flight when the attendee leaves. */
  readonly #abort = new AbortController();

  constructor(options: ReporterOptions) {
    this.#options = {
      maxQueue: 200, initialBackoffMs: 1000, maxBackoffMs: 30_000, heartbeatMs: HEARTBEAT_MS, batchDelayMs: 50, requestTimeoutMs: 5000,
      ...options,
    };
    this.#base = `http://${options.server}/api/attendee`;
    this.#backoffMs = this.#options.initialBackoffMs;
  }

  /** Joins in the background; the lab server never waits for the class server. */
  start(): void {
    this.#schedule(0);
    this.#heartbeat = setInterval(() => this.#schedule(0), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  step(change: StepChange): void {
    const event: StepEvent = { kind: 'step', lab: change.lab, step: change.step, status: change.status, at: Date.now() };
    const summary = change.status === 'failed' && change.result ? sanitizeSummary(change.result.summary) : '';
    if (summary) event.summary = summary;
    this.#enqueue(event);
  }

  doctor(report: DoctorResults): void {
    const event: DoctorEvent = {
      kind: 'doctor', ok: report.ok, at: Date.now(),
      results: report.results.slice(0, 80).map((r) => ({ id: r.id.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 64) || 'probe', status: r.status, title: sanitizeSummary(r.title).slice(0, 40) || '점검' })),
    };
    // Only the latest doctor run matters; an older one still queued is replaced.
    this.#queue = this.#queue.filter((queued) => queued.kind !== 'doctor');
    this.#enqueue(event);
  }

  stats(): ReporterStats {
    return { joined: this.#token !== null, queued: this.#queue.length + (this.#inflight?.length ?? 0), dropped: this.#dropped, sentReports: this.#sent, failures: this.#failures, stopped: this.#stopped };
  }

  /** Leaves the class: stops every timer and request, then tells the host (best effort, bounded). */
  async leave(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#abort.abort();
    this.#queue = [];
    this.#inflight = null;
    const token = this.#token;
    this.#token = null;
    if (token === null) return;
    await this.#post('leave', {}, token, AbortSignal.timeout(2000)).catch(() => undefined);
  }

  #enqueue(event: ClassEvent): void {
    if (this.#stopped) return;
    this.#queue.push(event);
    if (this.#queue.length > this.#options.maxQueue) {
      const excess = this.#queue.length - this.#options.maxQueue;
      this.#queue.splice(0, excess);
      this.#dropped += excess;
      this.#unsentDropped += excess;
    }
    this.#schedule(this.#options.batchDelayMs);
  }

  /** One pump at a time; a nearer wake-up replaces a later one, never the other way round. */
  #schedule(delayMs: number): void {
    if (this.#stopped || this.#pumping) return;
    if (this.#timer) {
      if (delayMs >= this.#options.batchDelayMs) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#pump();
    }, delayMs);
  }

  #retryLater(reason: string, retryAfterMs?: number): void {
    this.#failures++;
    const wait = Math.max(retryAfterMs ?? 0, this.#backoffMs * (0.75 + Math.random() * 0.5));
    if (this.#failures === 1 || this.#failures % 20 === 0) this.#options.log?.(`수업 서버에 보고하지 못했습니다 (${reason}). ${Math.round(wait / 1000)}초 뒤 다시 시도합니다. 실습은 그대로 계속하면 됩니다.`);
    this.#backoffMs = Math.min(this.#options.maxBackoffMs, this.#backoffMs * 2);
    this.#pumping = false;
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#pump();
    }, wait);
  }

  async #pump(): Promise<void> {
    if (this.#stopped || this.#pumping) return;
    this.#pumping = true;
    try {
      if (this.#token === null) {
        const answer = await this.#post('join', { code: this.#options.code, name: this.#options.name });
        if (this.#stopped) return;
        const ack = answer.body as Partial<JoinAck> | null;
        if (answer.status === 200 && typeof ack?.token === 'string') {
          this.#token = ack.token;
          this.#seq = 0;
          this.#options.log?.('수업에 참가했습니다. 단계 상태와 점검 결과만 강사에게 보고합니다 (터미널 내용은 보내지 않습니다).');
        } else if (answer.status === 403 || answer.status === 400) {
          // A wrong code or name will not fix itself by retrying: say so once and stop.
          this.#options.log?.(`수업에 참가하지 못했습니다: ${(answer.body as { message?: string } | null)?.message ?? answer.status}. 보고를 멈춥니다. 실습은 그대로 할 수 있습니다.`);
          this.#stopped = true;
          if (this.#heartbeat) clearInterval(this.#heartbeat);
          this.#queue = [];
          return;
        } else {
          return this.#retryLater(`참가 ${answer.status}`, answer.retryAfterMs);
        }
      }
      // Heartbeat or events: one report, retried with the same seq until acknowledged.
      if (this.#inflight === null) {
        this.#inflight = this.#queue.splice(0, MAX_EVENTS_PER_REPORT);
        this.#seq++;
      }
      const dropped = this.#unsentDropped;
      const answer = await this.#post('report', { seq: this.#seq, ...(dropped ? { dropped } : {}), events: this.#inflight }, this.#token ?? '');
      if (this.#stopped) return;
      if (answer.status === 200) {
        this.#sent++;
        this.#unsentDropped -= dropped;
        this.#inflight = null;
        this.#backoffMs = this.#options.initialBackoffMs;
        this.#failures = 0;
      } else if (answer.status === 401) {
        // The host restarted or forgot us: join again, then resend (with a fresh seq).
        this.#token = null;
        this.#seq = 0;
        return this.#retryLater('참가 정보가 없어 다시 참가합니다', 0);
      } else if (answer.status === 400 || answer.status === 413) {
        // The host will never accept this batch (e.g. a step it does not know): drop it, counted.
        this.#dropped += this.#inflight.length;
        this.#unsentDropped += this.#inflight.length;
        this.#inflight = null;
      } else {
        return this.#retryLater(`보고 ${answer.status}`, answer.retryAfterMs);
      }
      this.#pumping = false;
      if (this.#queue.length > 0) this.#schedule(0);
    } catch (error) {
      this.#retryLater(error instanceof Error ? error.message : String(error));
    }
  }

  async #post(path: string, body: unknown, token?: string, signal?: AbortSignal): Promise<Answer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token) headers['Authorization'] = `Bearer ${token}`;
    const response = await fetch(`${this.#base}/${path}`, {
      method: 'POST', headers, body: JSON.stringify(body),
      signal: signal ?? AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#options.requestTimeoutMs)]),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return { status: response.status, body: parsed, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }
}
