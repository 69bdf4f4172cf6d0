// One error type for everything the lab server expects to go wrong (port taken, bad request,
// missing build). It carries an HTTP status for the door's final error handler and a Korean
// hint that tells the learner what to do next, so no caller has to invent its own wording and
// no response ever needs a stack trace to be useful.

export interface LabErrorOptions {
  /** HTTP status used when this error ends an HTTP request. */
  status?: number;
  /** One sentence in Korean: what to do about it (a command to run, a setting to change). */
  hint?: string;
  cause?: unknown;
}

export class LabError extends Error {
  /** Stable, machine-readable kebab-case identifier (tests and the page match on it). */
  readonly code: string;
  readonly status: number;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: LabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.status = options.status ?? 500;
    this.hint = options.hint;
  }

  /** The only shape that ever leaves the process: no stack, no cause chain. */
  toBody(): { error: string; message: string; hint?: string } {
    return this.hint === undefined
      ? { error: this.code, message: this.message }
      : { error: this.code, message: this.message, hint: this.hint };
  }
}

export function isLabError(value: unknown): value is LabError {
  return value instanceof LabError;
}

/**
 * Turns a failed `listen()` into a LabError. The learner meets this on their first
 * `npm start` when something else already holds the port, so it names the port and the fix.
 */
export function listenError(error: unknown, host: string, port: number): LabError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const otherPort = port === 4801 ? 4802 : 4801;
  const pickAnother = `다른 포트를 쓰려면 LAB_PORT=${otherPort} npm start 처럼 실행하세요.`;
  switch (code) {
    case 'EADDRINUSE':
      return new LabError('port-in-use', `포트 ${port}번은 이미 다른 프로그램이 쓰고 있어 ${hostPort}에서 실습 서버를 열 수 없습니다. ${pickAnother}`, {
        hint: '이미 실행 중인 실습 서버가 있다면 npm run stop으로 끄세요.',
        cause: error,
      });
    case 'EACCES':
      return new LabError('port-denied', `포트 ${port}번을 열 권한이 없습니다 (${hostPort}).`, {
        hint: `1024 이상의 포트를 고르세요. ${pickAnother}`,
        cause: error,
      });
    case 'EADDRNOTAVAIL':
      return new LabError('host-unavailable', `이 컴퓨터에는 ${host} 주소가 없어 포트 ${port}번을 열 수 없습니다.`, {
        hint: 'LAB_HOST를 지우고 기본값 127.0.0.1로 실행하세요.',
        cause: error,
      });
    default:
      return new LabError('listen-failed', `${hostPort}에서 실습 서버를 열지 못했습니다 (${code ?? 'unknown'}).`, {
        hint: pickAnother,
        cause: error,
      });
  }
}
