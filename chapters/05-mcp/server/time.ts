// Times in and out. Upbit and Flink count in UTC; a Korean learner thinks in KST. Every time
// a tool returns carries both, spelled out, so neither the AI nor the reader has to guess.
import { badInput } from './errors.ts';

const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

export interface DualTime {
  utc: string;
  kst: string;
  epochMs: number;
}

/** 2026-11-30T05:01:00.000Z and 2026-11-30T14:01:00+09:00 for one instant. */
export function dual(epochMs: number): DualTime {
  const utc = new Date(epochMs).toISOString();
  const kst = new Date(epochMs + KST_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+09:00').replace('Z', '+09:00');
  return { utc, kst, epochMs };
}

/**
 * Accepted time inputs: an ISO 8601 instant with its zone (`2026-11-30T14:00:00+09:00`,
 * `...Z`), a KST wall time without zone (`2026-11-30 14:00`, read as Asia/Seoul, the
 * learner's clock), or `now` / `now-90m` / `now-2h`. Nothing else: the pattern is strict so
 * free text never reaches a query.
 */
export const TIME_INPUT = /^(now(-\d{1,4}[mhd])?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)$/;

export function parseTime(value: string, now: number = Date.now()): number {
  if (!TIME_INPUT.test(value)) {
    throw badInput(`시각 형식이 아닙니다: ${JSON.stringify(value.slice(0, 40))} (예: 2026-11-30T14:00+09:00, now-1h)`,
      `not a time: ${JSON.stringify(value.slice(0, 40))} (e.g. 2026-11-30T14:00+09:00, now-1h)`);
  }
  if (value.startsWith('now')) {
    const match = /^now-(\d+)([mhd])$/.exec(value);
    if (!match) return now;
    const unit = match[2] === 'm' ? 60_000 : match[2] === 'h' ? 3_600_000 : 86_400_000;
    return now - Number(match[1]) * unit;
  }
  const text = value.replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}+09:00`;
  const epoch = Date.parse(zoned);
  // Date.parse rolls 2026-02-30 over to March 2nd; a date that does not exist is an error.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!Number.isFinite(epoch) || month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw badInput(`없는 날짜나 시각입니다: ${value}`, `not a valid date or time: ${value}`);
  }
  return epoch;
}
