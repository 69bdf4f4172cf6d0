// Turns a preflight report into the table an instructor reads on each laptop. Pure (colour
// is a parameter) so the layout is unit-tested; Hangul is two columns wide in a terminal,
// so padding counts display width, not string length.
import type { PreflightReport, ProbeStatus } from './types.ts';

const SYMBOL: Record<ProbeStatus, string> = { pass: '✓', warn: '!', fail: '✗' };
const COLOUR: Record<ProbeStatus, string> = { pass: '\u001b[32m', warn: '\u001b[33m', fail: '\u001b[31m' };
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';
const TITLE_COLUMN_MAX = 38;
const FIX_LABEL = '→ 해결:';

function isWide(codePoint: number): boolean {
  return (codePoint >= 0x1100 && codePoint <= 0x115f)
    || (codePoint >= 0x2e80 && codePoint <= 0xa4cf)
    || (codePoint >= 0xac00 && codePoint <= 0xd7a3)
    || (codePoint >= 0xf900 && codePoint <= 0xfaff)
    || (codePoint >= 0xfe30 && codePoint <= 0xfe4f)
    || (codePoint >= 0xff00 && codePoint <= 0xff60)
    || (codePoint >= 0xffe0 && codePoint <= 0xffe6);
}

/** Terminal columns a string occupies (East Asian wide characters count 2). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += isWide(character.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export type FormatOptions = { color: boolean };

export function summarize(report: PreflightReport): string {
  const count = (status: ProbeStatus) => report.results.filter((result) => result.status === status).length;
  const [passed, warned, failed] = [count('pass'), count('warn'), count('fail')];
  const seconds = (report.durationMs / 1000).toFixed(1);
  const tally = `통과 ${passed}, 경고 ${warned}, 실패 ${failed} (${seconds}초)`;
  if (failed > 0) return `${tally}: 실패한 항목의 해결 방법을 따른 뒤 npm run doctor를 다시 실행하세요`;
  if (warned > 0) return `${tally}: 실습을 시작할 수 있지만 경고 항목을 확인하세요`;
  return `${tally}: 모든 점검을 통과했습니다. 실습을 시작할 수 있습니다`;
}

export function formatReport(report: PreflightReport, options: FormatOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${RESET}` : text);
  const titleWidth = Math.min(TITLE_COLUMN_MAX, Math.max(0, ...report.results.map((result) => displayWidth(result.title))));
  const indent = ' '.repeat(2 + titleWidth + 2);
  const lines = ['실습 환경 점검 (npm run doctor)', ''];
  for (const result of report.results) {
    const symbol = paint(COLOUR[result.status], SYMBOL[result.status]);
    const title = displayWidth(result.title) > titleWidth ? result.title : padEnd(result.title, titleWidth);
    lines.push(`${symbol} ${title}  ${result.detail}`);
    // A fix of several lines (the Node probe's per-platform steps) keeps its lines under the first one.
    if (result.fix !== undefined) lines.push(`${indent}${paint(DIM, FIX_LABEL)} ${result.fix.split('\n').join(`\n${indent}${' '.repeat(displayWidth(FIX_LABEL) + 1)}`)}`);
  }
  lines.push('');
  const worst: ProbeStatus = report.results.some((result) => result.status === 'fail')
    ? 'fail'
    : report.results.some((result) => result.status === 'warn') ? 'warn' : 'pass';
  lines.push(`${paint(COLOUR[worst], SYMBOL[worst])} ${summarize(report)}`);
  return lines.join('\n');
}
