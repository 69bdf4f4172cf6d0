// DOM side of CandleChartPanel.astro. The chart library (lightweight-charts, Apache-2.0) is
// imported dynamically on the first snapshot, i.e. when the learner opens the panel, so it
// never weighs on the chapter page or the lab island. Keeps the picked market, swaps chart and
// table views, marks each minute, shows KST with UTC on hover and announces new verdicts.
import type { CandlestickData, HistogramData, WhitespaceData, IChartApi, ISeriesApi, ISeriesMarkersPluginApi, SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts';
import type { PanelView } from '../../../../src/islands/panels.ts';
import type { CandleChartSnapshot, ChartCandle } from '../chart-snapshot.ts';
import { candleLook, describeChart, formatPrice, formatVolume, kstLabel, problemsHtml, tableHtml, totalsText, utcLabel } from './chart-view.ts';

type ChartLibrary = typeof import('lightweight-charts');

interface Drawing {
  chart: IChartApi;
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
  markers: ISeriesMarkersPluginApi<Time>;
  dark: boolean;
}

/** Korean convention: rising candles red, falling blue. Two shades each, for light and dark. */
const PALETTE = {
  light: { up: '#c62828', down: '#1565c0', text: '#23262f', grid: '#e6e6e6', ok: '#1b7f3b', bad: '#b00020', wait: '#6b6f7a' },
  dark: { up: '#ff6b6b', down: '#5aa9ff', text: '#dfe3ea', grid: '#2b303b', ok: '#5fd08a', bad: '#ff7b8a', wait: '#9aa0ab' },
};

const isDark = () => document.documentElement.dataset['theme'] !== 'light';

export class CandleChartPanelView implements PanelView<CandleChartSnapshot> {
  readonly #element: HTMLElement;
  readonly #picker: HTMLSelectElement | null;
  readonly #status: HTMLElement | null;
  readonly #canvas: HTMLElement | null;
  readonly #hover: HTMLElement | null;
  readonly #table: HTMLElement | null;
  readonly #tableBody: HTMLElement | null;
  readonly #caption: HTMLElement | null;
  readonly #problems: HTMLElement | null;
  readonly #live: HTMLElement | null;
  readonly #idBase: string;
  #snapshot: CandleChartSnapshot | undefined;
  #market = '';
  #view: 'chart' | 'table' = 'chart';
  #library: Promise<ChartLibrary> | undefined;
  #drawing: Drawing | undefined;
  #announcedFirst = false;

  constructor(element: HTMLElement, idBase: string) {
    this.#element = element;
    this.#idBase = idBase;
    this.#picker = element.querySelector<HTMLSelectElement>('[data-chart-market]');
    this.#status = element.querySelector<HTMLElement>('[data-chart-status]');
    this.#canvas = element.querySelector<HTMLElement>('[data-chart-canvas]');
    this.#hover = element.querySelector<HTMLElement>('[data-chart-hover]');
    this.#table = element.querySelector<HTMLElement>('[data-chart-table]');
    this.#tableBody = element.querySelector<HTMLElement>('[data-chart-table-body]');
    this.#caption = element.querySelector<HTMLElement>('[data-chart-caption]');
    this.#problems = element.querySelector<HTMLElement>('[data-chart-problems]');
    this.#live = element.querySelector<HTMLElement>('[data-chart-live]');
    this.#picker?.addEventListener('change', () => {
      this.#market = this.#picker?.value ?? '';
      this.#draw();
    });
    for (const button of element.querySelectorAll<HTMLButtonElement>('[data-chart-view]')) {
      button.addEventListener('click', () => this.#setView(button.dataset['chartView'] === 'table' ? 'table' : 'chart'));
    }
  }

  render(snapshot: CandleChartSnapshot): void {
    this.#snapshot = snapshot;
    const names = snapshot.markets.map((m) => m.market);
    if (!names.includes(this.#market)) this.#market = names.find((name) => (snapshot.markets.find((m) => m.market === name)?.candles.length ?? 0) > 0) ?? names[0] ?? '';
    this.#fillPicker(names);
    if (this.#status) this.#status.textContent = snapshot.problem ?? totalsText(snapshot);
    if (this.#problems) this.#problems.innerHTML = problemsHtml(snapshot) || '<li class="cc-muted">아직 없습니다</li>';
    this.#draw();
    if (!this.#live) return;
    if (!this.#announcedFirst) {
      this.#announcedFirst = true;
      this.#live.textContent = describeChart(snapshot, this.#market);
    } else if (snapshot.events.length > 0) {
      this.#live.textContent = snapshot.events.join(' ');
    }
  }

  resetAnnouncements(): void {
    this.#announcedFirst = false;
  }

  #fillPicker(names: string[]): void {
    const picker = this.#picker;
    if (!picker) return;
    const current = [...picker.options].map((o) => o.value).join(',');
    if (current !== names.join(',')) {
      picker.replaceChildren(...names.map((name) => new Option(name, name)));
    }
    picker.value = this.#market;
  }

  #setView(view: 'chart' | 'table'): void {
    this.#view = view;
    for (const button of this.#element.querySelectorAll<HTMLButtonElement>('[data-chart-view]')) {
      button.setAttribute('aria-pressed', String(button.dataset['chartView'] === view));
    }
    if (this.#canvas) this.#canvas.hidden = view !== 'chart';
    if (this.#table) this.#table.hidden = view !== 'table';
    this.#draw();
  }

  #draw(): void {
    const snapshot = this.#snapshot;
    if (!snapshot) return;
    const market = snapshot.markets.find((m) => m.market === this.#market);
    // The table is redrawn even while hidden: switching to it must show the same minutes at once.
    this.#drawTable();
    if (this.#view === 'chart' && market) void this.#drawChart(snapshot, market.candles);
  }

  #drawTable(): void {
    const market = this.#snapshot?.markets.find((m) => m.market === this.#market);
    if (!market || !this.#tableBody) return;
    if (this.#caption) this.#caption.textContent = `${market.market} 1분 캔들 표 (최신순, 시각은 KST)`;
    this.#tableBody.innerHTML = tableHtml(market, this.#snapshot?.lake !== 'off', `${this.#idBase}-caption`);
  }

  async #drawChart(snapshot: CandleChartSnapshot, candles: readonly ChartCandle[]): Promise<void> {
    const drawing = await this.#ensureChart();
    if (!drawing || this.#snapshot !== snapshot) return;
    const colors = PALETTE[drawing.dark ? 'dark' : 'light'];
    const gaps = snapshot.markets.find((m) => m.market === this.#market)?.gaps ?? [];
    // A missing minute is a blank slot on the time axis (whitespace data), so the gap shows as
    // a hole with its mark instead of the neighbours closing up over it.
    const bars: Array<CandlestickData | WhitespaceData> = [
      ...candles.map((c) => ({ time: c.time as UTCTimestamp, open: c.open, high: c.high, low: c.low, close: c.close })),
      ...gaps.map((g) => ({ time: g.time as UTCTimestamp })),
    ].sort((a, b) => Number(a.time) - Number(b.time));
    const volumes: HistogramData[] = candles.map((c) => ({ time: c.time as UTCTimestamp, value: Number(c.volume), color: c.close >= c.open ? colors.up : colors.down }));
    drawing.candles.setData(bars);
    // While a lab's first minutes come in, spread them over the width (at most 24 px a bar)
    // instead of three thin bars at the right edge; later the chart scrolls as bars arrive.
    if (bars.length <= 40) drawing.chart.timeScale().fitContent();
    drawing.volume.setData(volumes);
    // Judged minutes only: a small circle when they agree, a square with ✕ when not (shape and
    // symbol, not colour, tell them apart); a pending minute has no mark until it is judged.
    const marks: SeriesMarker<Time>[] = candles.flatMap((c): SeriesMarker<Time>[] => {
      const look = candleLook(c);
      if (look.tone === 'wait') return [];
      return [look.tone === 'bad'
        ? { time: c.time as UTCTimestamp, position: 'aboveBar', shape: 'square', color: colors.bad, text: look.symbol, size: 1.4 }
        : { time: c.time as UTCTimestamp, position: 'aboveBar', shape: 'circle', color: colors.ok, size: 0.5 }];
    });
    // KRW prices of BTC run to nine digits, DOGE's to three: decimals only where they say something.
    const last = candles[candles.length - 1];
    const precision = last && last.close < 100 ? 4 : last && last.close < 1000 ? 2 : 0;
    drawing.candles.applyOptions({ priceFormat: { type: 'price', precision, minMove: 1 / 10 ** precision } });
    for (const gap of gaps) marks.push({ time: gap.time as UTCTimestamp, position: 'belowBar', shape: 'square', color: colors.bad, text: '✕ 빠짐' });
    marks.sort((a, b) => Number(a.time) - Number(b.time));
    drawing.markers.setMarkers(marks);
    if (last) {
      this.#canvas?.setAttribute('aria-label', `${this.#market} 캔들 차트, 마지막 ${kstLabel(last.time)} 종가 ${formatPrice(last.close)}. 같은 내용이 표 보기에 있습니다.`);
      this.#element.dataset['chartDrawn'] = `${this.#market}|${last.minute}`;
      // For the browser test and the bench: when a minute's candle reached the screen.
      this.#element.dispatchEvent(new CustomEvent('lab-chart-drawn', { detail: { market: this.#market, minute: last.minute, seenAt: last.seenAt, drawnAt: Date.now() } }));
    }
  }

  #ensureChart(): Promise<Drawing | undefined> {
    const canvas = this.#canvas;
    if (!canvas) return Promise.resolve(undefined);
    if (this.#drawing) {
      if (this.#drawing.dark !== isDark()) this.#applyTheme(this.#drawing);
      return Promise.resolve(this.#drawing);
    }
    this.#library ??= import('lightweight-charts');
    return this.#library.then((lib) => {
      if (this.#drawing) return this.#drawing;
      const chart = lib.createChart(canvas, {
        autoSize: true,
        localization: { locale: 'ko-KR', timeFormatter: (time: Time) => `${kstLabel(Number(time), true)} KST` },
        timeScale: { timeVisible: true, secondsVisible: false, maxBarSpacing: 24, tickMarkFormatter: (time: Time) => kstLabel(Number(time)) },
        rightPriceScale: { scaleMargins: { top: 0.15, bottom: 0.3 } },
      });
      const candles = chart.addSeries(lib.CandlestickSeries, { borderVisible: false });
      const volume = chart.addSeries(lib.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
      chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.75, bottom: 0 } });
      const markers = lib.createSeriesMarkers(candles, []);
      const drawing: Drawing = { chart, candles, volume, markers, dark: isDark() };
      this.#applyTheme(drawing);
      chart.subscribeCrosshairMove((param) => this.#showHover(param.time === undefined ? undefined : Number(param.time)));
      this.#drawing = drawing;
      return drawing;
    }, () => {
      // The chunk did not load (server gone mid-way): the table still shows every candle.
      this.#library = undefined;
      this.#setView('table');
      return undefined;
    });
  }

  #applyTheme(drawing: Drawing): void {
    drawing.dark = isDark();
    const colors = PALETTE[drawing.dark ? 'dark' : 'light'];
    drawing.chart.applyOptions({
      layout: { background: { color: 'transparent' }, textColor: colors.text, attributionLogo: false },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
    });
    drawing.candles.applyOptions({ upColor: colors.up, downColor: colors.down, wickUpColor: colors.up, wickDownColor: colors.down });
  }

  /** The crosshair's minute in words: KST first, the UTC beside it, the numbers and the marks. */
  #showHover(timeSec: number | undefined): void {
    if (!this.#hover) return;
    const candle = timeSec === undefined ? undefined : this.#snapshot?.markets.find((m) => m.market === this.#market)?.candles.find((c) => c.time === timeSec);
    if (!candle) {
      this.#hover.textContent = '';
      return;
    }
    const look = candleLook(candle);
    this.#hover.textContent = `${kstLabel(candle.time, true)} KST (${utcLabel(candle.time)}) 시 ${formatPrice(candle.open)} 고 ${formatPrice(candle.high)} 저 ${formatPrice(candle.low)} 종 ${formatPrice(candle.close)} · 체결 ${candle.ticks}건 · 거래량 ${formatVolume(candle.volume)} · ${look.symbol} ${look.word}`;
  }
}
