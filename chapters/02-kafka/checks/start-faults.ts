// Reads why a broker died at start from the last lines of its log, so the cluster-up check
// and `npm run doctor` can name the fault and its fix instead of only "not running".
// Today: java.lang.OutOfMemoryError (issue 20: the log cleaner's 128 MiB dedupe buffer did
// not fit a 256 MiB heap on some starts). Pure text in, verdict out, so it is unit-tested
// on real log text.
import { withJosa } from '../../../server/korean.ts';

export type OutOfMemoryKind = 'heap' | 'metaspace' | 'direct' | 'other';

export interface OutOfMemoryFinding {
  kind: OutOfMemoryKind;
  /** The `java.lang.OutOfMemoryError: ...` line as logged. */
  line: string;
  /** True when the stack shows the log cleaner's start-up allocation (the issue-20 crash). */
  logCleaner: boolean;
}

/** The OutOfMemoryError in a broker's log, or null when there is none. */
export function findOutOfMemory(logs: string): OutOfMemoryFinding | null {
  const lines = logs.split('\n');
  const index = lines.findIndex((l) => l.includes('java.lang.OutOfMemoryError'));
  if (index < 0) return null;
  const line = lines[index]!.trim();
  const kind: OutOfMemoryKind = /Java heap space|Requested array size/i.test(line) ? 'heap'
    : /Metaspace/i.test(line) ? 'metaspace'
    : /Direct buffer memory/i.test(line) ? 'direct'
    : 'other';
  // The stack follows the error line; the cleaner's buffer is SkimpyOffsetMap in LogCleaner.startup.
  const stack = lines.slice(index, index + 20).join('\n');
  const context = lines.slice(Math.max(0, index - 3), index).join('\n');
  const logCleaner = /SkimpyOffsetMap|LogCleaner\.startup|LogCleaner\$CleanerThread/.test(stack) || /Starting the log cleaner/.test(context);
  return { kind, line, logCleaner };
}

/** The fix as the chapter teaches it (02-kafka-kraft: 메모리 설정, 문제 해결). */
export const OOM_FIX =
  'compose 파일의 브로커 환경 변수에 KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE: 8388608(8MiB)이 있는지 확인하고(없으면 로그 클리너가 힙에 128MiB를 한 번에 잡습니다), docker compose up -d로 멈춘 브로커를 다시 띄우세요.';

const OTHER_OOM_FIX = 'compose 파일의 KAFKA_HEAP_OPTS와 메모리 한도(512M)를 장의 값으로 되돌린 뒤 docker compose up -d로 다시 띄우세요.';

/** What happened, in Korean, for stopped brokers whose logs end in an OutOfMemoryError. */
export function summarizeOutOfMemory(found: Array<{ name: string; finding: OutOfMemoryFinding }>): string {
  const names = found.map((f) => f.name).join(', ');
  const first = found[0]!.finding;
  if (first.kind === 'heap' && first.logCleaner) {
    return `${withJosa(names, '이/가')} 시작하다가 힙 메모리가 모자라 종료됐습니다(java.lang.OutOfMemoryError: Java heap space, 로그 클리너 시작 중). 로그 클리너의 중복 제거 버퍼(기본 128MiB)가 256MB 힙 안에 한 덩어리로 들어갈 자리를 찾지 못한 것입니다.`;
  }
  if (first.kind === 'heap') return `${withJosa(names, '이/가')} 힙 메모리가 모자라 종료됐습니다(${first.line}). KAFKA_HEAP_OPTS의 -Xmx를 장의 값(256m)보다 줄이지 않았는지도 확인하세요.`;
  return `${withJosa(names, '이/가')} JVM 메모리가 모자라 종료됐습니다(${first.line}).`;
}

/** What to do about it. */
export function outOfMemoryFix(found: Array<{ name: string; finding: OutOfMemoryFinding }>): string {
  return found[0]!.finding.kind === 'heap' ? OOM_FIX : OTHER_OOM_FIX;
}

/** Both, as one check message: what is wrong and what to do. */
export function describeOutOfMemory(found: Array<{ name: string; finding: OutOfMemoryFinding }>): string {
  return `${summarizeOutOfMemory(found)} ${outOfMemoryFix(found)}`;
}
