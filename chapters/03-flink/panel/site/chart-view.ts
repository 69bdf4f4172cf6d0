// Words and markup for the candle chart panel: KST times with the UTC for hover, the Korean
// names of the agreement marks (told by symbol and word, never by colour alone), the table
// view's rows and the screen-reader summary. Pure strings (escaped HTML), testable in node.
import { escapeHtml } from '../../../../src/islands/panel-text.ts';
import type { CandleChartSnapshot, ChartCandle, ChartMarket, LakeVerdict, LedgerVerdict } from '../chart-snapshot.ts';

const KST_OFFSET_MS = 9 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** `MM-dd HH:mm` in Korea time (UTC+9, no daylight saving) for epoch seconds: the same in any browser locale. */
export function kstLabel(timeSec: number, withDate = false): string {
  const d = new Date(timeSec * 1000 + KST_OFFSET_MS);
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return withDate ? `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock}` : clock;
}

/** The UTC time shown on hover (the collector and Flink key minutes in UTC). */
export function utcLabel(timeSec: number): string {
  return `${new Date(timeSec * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export interface MarkLook {
  /** One symbol, also drawn on the chart: the mark is readable without colour. */
  symbol: string;
  word: string;
  /** CSS class: colour is extra, the symbol and word carry the meaning. */
  tone: 'ok' | 'bad' | 'wait';
}

const LEDGER_LOOK: Readonly<Record<LedgerVerdict, MarkLook>> = {
  agree: { symbol: '✓', word: '일치', tone: 'ok' },
  disagree: { symbol: '✕', word: '다름', tone: 'bad' },
  duplicate: { symbol: '✕', word: '중복', tone: 'bad' },
  extra: { symbol: '✕', word: '보고서에 없음', tone: 'bad' },
  pending: { symbol: '…', word: '대기', tone: 'wait' },
  unjudged: { symbol: '–', word: '대조 안 함', tone: 'wait' },
};

const LAKE_LOOK: Readonly<Record<LakeVerdict, MarkLook>> = {
  agree: { symbol: '✓', word: 'Paimon 일치', tone: 'ok' },
  disagree: { symbol: '✕', word: 'Paimon 다름', tone: 'bad' },
  missing: { symbol: '✕', word: 'Paimon 없음', tone: 'bad' },
  pending: { symbol: '…', word: 'Paimon 대기', tone: 'wait' },
  off: { symbol: '', word: '', tone: 'wait' },
};

export const ledgerLook = (verdict: LedgerVerdict): MarkLook => LEDGER_LOOK[verdict];
export const lakeLook = (verdict: LakeVerdict): MarkLook => LAKE_LOOK[verdict];

/** The worst of a candle's two marks: what its marker on the chart shows. */
export function candleLook(candle: ChartCandle): MarkLook {
  const ledger = ledgerLook(candle.ledger);
  const lake = lakeLook(candle.lake);
  if (lake.tone === 'bad') return ledger.tone === 'bad' ? ledger : lake;
  return ledger;
}

export function formatPrice(value: number): string {
  return value.toLocaleString('ko-KR', { maximumFractionDigits: value < 100 ? 4 : 0 });
}

/** Volume text as sent (exact decimals), trailing zeros trimmed for reading. */
export function formatVolume(volume: string): string {
  return volume.includes('.') ? volume.replace(/\.?0+$/, '') || '0' : volume;
}

function markCell(candle: ChartCandle): string {
  const ledger = ledgerLook(candle.ledger);
  const numbers = candle.expected
    ? ` (보고서 체결 ${candle.expected.ticks}건, 거래량 ${escapeHtml(formatVolume(candle.expected.volume))}${candle.copies > 1 ? `, 캔들 ${candle.copies}개` : ''})`
    : candle.copies > 1 ? ` (캔들 ${candle.copies}개)` : '';
  return `<span class="cc-mark" data-tone="${ledger.tone}"><span aria-hidden="true">${ledger.symbol}</span> ${ledger.word}${numbers}</span>`;
}

function lakeCell(candle: ChartCandle): string {
  const look = lakeLook(candle.lake);
  const row = candle.lakeRow ? ` (Paimon 체결 ${candle.lakeRow.ticks}건, 거래량 ${escapeHtml(formatVolume(candle.lakeRow.volume))}, 종가 ${formatPrice(candle.lakeRow.close)})` : '';
  return `<span class="cc-mark" data-tone="${look.tone}"><span aria-hidden="true">${look.symbol}</span> ${look.word}${row}</span>`;
}

function timeCell(timeSec: number): string {
  const iso = new Date(timeSec * 1000).toISOString();
  return `<th scope="row"><time datetime="${iso}" title="${utcLabel(timeSec)}">${kstLabel(timeSec, true)}</time></th>`;
}

/** The table view of one market: newest minute first, gaps as rows of their own. */
export function tableHtml(market: ChartMarket, withLake: boolean, captionId: string): string {
  const rows: Array<{ time: number; html: string }> = market.candles.map((c) => ({
    time: c.time,
    // The marks come right after the time: in a narrow panel they must not need a sideways scroll.
    html: `<tr data-minute="${escapeHtml(c.minute)}" data-tone="${candleLook(c).tone}">${timeCell(c.time)}`
      + `<td>${markCell(c)}</td>${withLake ? `<td>${lakeCell(c)}</td>` : ''}`
      + `<td>${c.ticks}</td><td>${escapeHtml(formatVolume(c.volume))}</td>`
      + `<td>${formatPrice(c.close)}</td><td>${formatPrice(c.open)}</td><td>${formatPrice(c.high)}</td><td>${formatPrice(c.low)}</td></tr>`,
  }));
  for (const gap of market.gaps) {
    rows.push({
      time: gap.time,
      html: `<tr data-minute="${escapeHtml(gap.minute)}" data-tone="bad">${timeCell(gap.time)}`
        + `<td><span class="cc-mark" data-tone="bad"><span aria-hidden="true">✕</span> 빠짐 (보고서 체결 ${gap.expected.ticks}건, 거래량 ${escapeHtml(formatVolume(gap.expected.volume))})</span></td>${withLake ? '<td>–</td>' : ''}`
        + '<td colspan="6">캔들 없음</td></tr>',
    });
  }
  rows.sort((a, b) => b.time - a.time);
  const head = ['시각(KST)', '보고서 대조', ...(withLake ? ['Paimon 대조'] : []), '체결 수', '거래량', '종가', '시가', '고가', '저가']
    .map((label) => `<th scope="col"${label.endsWith('대조') ? ' class="cc-mark-col"' : ''}>${label}</th>`).join('');
  const body = rows.length > 0 ? rows.map((r) => r.html).join('') : `<tr><td colspan="${withLake ? 9 : 8}">아직 캔들이 없습니다.</td></tr>`;
  return `<table class="cc-table" aria-labelledby="${escapeHtml(captionId)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** One line: how many closed minutes agree, for the status line and the first announcement. */
export function totalsText(snapshot: CandleChartSnapshot): string {
  const t = snapshot.totals;
  if (!snapshot.ledger.present) return '수집기 보고서가 없어 대조하지 않습니다. 수집기를 켜면 닫힌 분마다 대조합니다.';
  const lake = snapshot.lake === 'read' ? ` Paimon 대조 ${t.lakeJudged}분 중 다름 ${t.lakeDisagree}.` : snapshot.lake === 'unreachable' ? ' Paimon을 읽지 못했습니다(SQL 게이트웨이 확인).' : '';
  return `보고서와 대조한 닫힌 분 ${t.judged}개: 일치 ${t.agree}, 다름 ${t.disagree}.${lake}`;
}

export function describeChart(snapshot: CandleChartSnapshot, market: string): string {
  if (snapshot.problem) return snapshot.problem;
  const series = snapshot.markets.find((m) => m.market === market);
  const last = series?.candles[series.candles.length - 1];
  const head = last ? `${market} 마지막 캔들 ${kstLabel(last.time)} 종가 ${formatPrice(last.close)}, 체결 ${last.ticks}건.` : `${market} 캔들이 아직 없습니다.`;
  return `${head} ${totalsText(snapshot)}`;
}

/** Disagreeing minutes of every market, with their numbers (shown under the chart). */
export function problemsHtml(snapshot: CandleChartSnapshot): string {
  const items: string[] = [];
  for (const market of snapshot.markets) {
    for (const c of market.candles) {
      const look = candleLook(c);
      if (look.tone !== 'bad') continue;
      const cell = c.ledger === 'disagree' || c.ledger === 'duplicate' || c.ledger === 'extra' ? markCell(c) : lakeCell(c);
      items.push(`<li><strong>${escapeHtml(market.market)}</strong> <time datetime="${new Date(c.time * 1000).toISOString()}" title="${utcLabel(c.time)}">${kstLabel(c.time)}</time>: 캔들 체결 ${c.ticks}건, 거래량 ${escapeHtml(formatVolume(c.volume))} — ${cell}</li>`);
    }
    for (const gap of market.gaps) {
      items.push(`<li><strong>${escapeHtml(market.market)}</strong> <time datetime="${new Date(gap.time * 1000).toISOString()}" title="${utcLabel(gap.time)}">${kstLabel(gap.time)}</time>: 캔들 없음 — 보고서 체결 ${gap.expected.ticks}건, 거래량 ${escapeHtml(formatVolume(gap.expected.volume))}</li>`);
    }
  }
  return items.slice(-20).join('');
}
