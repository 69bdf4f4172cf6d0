// The stand-in's data: a seeded, generated trade tape per market (NOT real Upbit data) and
// the ticker book that turns each trade into a full 33-field Upbit ticker. The tape is a
// pure function of (seed, market parameters): same seed, same sequence of gaps, prices,
// volumes and sides. Only the wall-clock stamp of each trade depends on when it is served.
//
// Model, per market: a GARCH(1,1) variance on the per-trade log return of an unrounded mid
// price (volatility clusters: calm stretches and bursts), Student-t-like shocks, a trade rate
// that rises with volatility, trades printed at the KRW tick grid on the bid or ask side of
// the mid, and log-normal trade sizes whose mean follows the market's daily traded value.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roundToKrwTick, krwTickBand } from '../upbit/tick-size.ts';
import { formatScaled, toScaled } from '../upbit/decimal.ts';
import type { Ticker } from '../upbit/ticker-schema.ts';

export interface MarketDef {
  market: string;
  korean_name: string;
  english_name: string;
  refPrice: number;
  tradesPerSec: number;
  dailyNotionalKrw: number;
  dailyVol: number;
  warning?: boolean;
}

export const MARKETS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'markets.json');
export function loadMarkets(file = MARKETS_FILE): { seed: number; markets: MarketDef[] } {
  return JSON.parse(readFileSync(file, 'utf8')) as { seed: number; markets: MarketDef[] };
}

/** sfc32: small, fast, good enough for synthetic data, and identical on every platform. */
export function prng(seedText: string): () => number {
  let h = 1779033703 ^ seedText.length;
  for (let i = 0; i < seedText.length; i++) {
    h = Math.imul(h ^ seedText.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next32 = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next32(), b = next32(), c = next32(), d = next32();
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** One generated trade, before it is stamped with a time. */
export interface TapeTrade {
  /** Gap since the previous trade of this market at speed 1, whole ms >= 1. */
  gapMs: number;
  price: number;
  volume: number;
  side: 'ASK' | 'BID';
}

const ALPHA = 0.06;
const BETA = 0.92;

export class MarketTape {
  readonly def: MarketDef;
  readonly random: () => number;
  #logMid: number;
  #variance: number;
  readonly #meanVariance: number;
  readonly #meanNotional: number;
  readonly startPrice: number;

  constructor(def: MarketDef, seed: number) {
    this.def = def;
    this.random = prng(`${seed}:${def.market}`);
    const tradesPerDay = def.tradesPerSec * 86_400;
    this.#meanVariance = (def.dailyVol * def.dailyVol) / tradesPerDay;
    this.#variance = this.#meanVariance;
    this.#meanNotional = def.dailyNotionalKrw / tradesPerDay;
    this.startPrice = roundToKrwTick(def.refPrice * Math.exp(0.012 * gaussian(this.random)));
    this.#logMid = Math.log(this.startPrice);
  }

  next(): TapeTrade {
    const random = this.random;
    const intensity = Math.min(5, Math.max(0.3, Math.sqrt(this.#variance / this.#meanVariance)));
    const gapMs = Math.max(1, Math.round((-Math.log(Math.max(random(), 1e-12)) / (this.def.tradesPerSec * intensity)) * 1000));
    // Student-t with 4 degrees of freedom (scaled to unit variance): fat tails like real returns.
    let chi = 0;
    for (let i = 0; i < 4; i++) chi += gaussian(random) ** 2;
    const shock = (gaussian(random) / Math.sqrt(chi / 4)) * Math.SQRT1_2;
    const ret = Math.sqrt(this.#variance) * shock;
    this.#variance = (1 - ALPHA - BETA) * this.#meanVariance + ALPHA * ret * ret + BETA * this.#variance;
    this.#logMid += ret;
    const mid = Math.exp(this.#logMid);
    const side: 'ASK' | 'BID' = random() < 0.5 + Math.max(-0.2, Math.min(0.2, ret / (4 * Math.sqrt(this.#meanVariance)))) ? 'BID' : 'ASK';
    // A buy (BID) lifts the ask half a tick above the mid, a sell hits the bid below it.
    const halfTick = krwTickBand(mid).tick / 2;
    const price = roundToKrwTick(side === 'BID' ? mid + halfTick : mid - halfTick);
    const notional = this.#meanNotional * Math.sqrt(intensity) * Math.exp(1.1 * gaussian(random) - 0.605);
    const volume = Math.max(1e-8, Number((notional / price).toFixed(8)));
    return { gapMs, price, volume, side };
  }
}

const DAY_MS = 86_400_000;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round8 = (value: number) => Number(value.toFixed(8));

/** Per-minute aggregates of served trades: REST candles and the 24h rolling sums. */
export interface MinuteBar { start: number; open: number; high: number; low: number; close: number; lastTs: number; volume: number; value: number }

/**
 * The market's running ticker state: day open/high/low, previous close, accumulations since
 * UTC midnight (Upbit resets at 00:00 UTC = 09:00 KST), rolling 24h sums and 52-week
 * extremes, all updated by exactly the trades that were served.
 */
export class MarketBook {
  readonly def: MarketDef;
  readonly startedAt: number;
  #date: string;
  #prevClose: number;
  #open: number;
  #high: number;
  #low: number;
  #accVolume: bigint;
  #accAsk: bigint;
  #accBid: bigint;
  #accPrice: number;
  readonly #prior24hVolume: number;
  readonly #prior24hPrice: number;
  #h52: number; #h52Date: string; #l52: number; #l52Date: string;
  readonly bars = new Map<number, MinuteBar>();
  last: Ticker;
  lastTs = 0;
  #closedKey = -1; #closedVolume = 0; #closedValue = 0;
  served = 0;

  constructor(tape: MarketTape, startedAt: number) {
    const r = tape.random;
    const def = tape.def;
    this.def = def;
    this.startedAt = startedAt;
    this.#date = utcDate(startedAt);
    this.#prevClose = roundToKrwTick(def.refPrice);
    const p0 = tape.startPrice;
    this.#open = roundToKrwTick(this.#prevClose * Math.exp(0.008 * gaussian(r)));
    this.#high = roundToKrwTick(Math.max(this.#open, p0) * (1 + 0.006 * Math.abs(gaussian(r))));
    this.#low = roundToKrwTick(Math.min(this.#open, p0) * (1 - 0.006 * Math.abs(gaussian(r))));
    const dayFraction = (startedAt % DAY_MS) / DAY_MS;
    const dailyVolume = def.dailyNotionalKrw / p0;
    const accVolume = round8(dailyVolume * dayFraction * (0.8 + 0.4 * r()));
    const askShare = 0.4 + 0.2 * r();
    this.#accVolume = toScaled(accVolume);
    this.#accAsk = toScaled(round8(accVolume * askShare));
    this.#accBid = this.#accVolume - this.#accAsk;
    this.#accPrice = accVolume * (this.#open + p0) / 2;
    this.#prior24hVolume = dailyVolume * (0.85 + 0.3 * r());
    this.#prior24hPrice = this.#prior24hVolume * (this.#prevClose + p0) / 2;
    this.#h52 = roundToKrwTick(Math.max(this.#high, def.refPrice * (1.3 + 0.5 * r())));
    this.#h52Date = utcDate(startedAt - Math.floor((20 + 300 * r()) * DAY_MS));
    this.#l52 = roundToKrwTick(Math.min(this.#low, def.refPrice * (0.45 + 0.25 * r())));
    this.#l52Date = utcDate(startedAt - Math.floor((20 + 300 * r()) * DAY_MS));
    // The snapshot a client gets before the first served trade: the seeded last trade.
    this.last = this.#ticker(p0, 0, 'BID', startedAt - 1000, startedAt - 1000, 'SNAPSHOT');
  }

  /** Applies one served trade at `tradeTs` (ms) and returns its REALTIME ticker. */
  apply(trade: Pick<TapeTrade, 'price' | 'volume' | 'side'>, tradeTs: number, now: number): Ticker {
    const date = utcDate(tradeTs);
    if (date > this.#date) {
      // A new UTC day: yesterday's last price becomes the previous close and the day resets.
      this.#date = date;
      this.#prevClose = this.last.trade_price;
      this.#open = this.#high = this.#low = trade.price;
      this.#accVolume = this.#accAsk = this.#accBid = 0n;
      this.#accPrice = 0;
    }
    this.#high = Math.max(this.#high, trade.price);
    this.#low = Math.min(this.#low, trade.price);
    if (trade.price > this.#h52) { this.#h52 = trade.price; this.#h52Date = date; }
    if (trade.price < this.#l52) { this.#l52 = trade.price; this.#l52Date = date; }
    const units = toScaled(trade.volume);
    this.#accVolume += units;
    if (trade.side === 'ASK') this.#accAsk += units; else this.#accBid += units;
    this.#accPrice += trade.price * trade.volume;
    const minute = Math.floor(tradeTs / 60_000) * 60_000;
    const bar = this.bars.get(minute);
    if (bar) {
      bar.high = Math.max(bar.high, trade.price);
      bar.low = Math.min(bar.low, trade.price);
      if (tradeTs >= bar.lastTs) { bar.close = trade.price; bar.lastTs = tradeTs; }
      bar.volume += trade.volume;
      bar.value += trade.price * trade.volume;
    } else {
      this.bars.set(minute, { start: minute, open: trade.price, high: trade.price, low: trade.price, close: trade.price, lastTs: tradeTs, volume: trade.volume, value: trade.price * trade.volume });
      // Keep one day of minutes: enough for the 24h sums and for every candle the course asks for.
      for (const key of this.bars.keys()) { if (key < minute - DAY_MS) this.bars.delete(key); else break; }
    }
    this.served++;
    this.lastTs = Math.max(this.lastTs, tradeTs);
    this.last = this.#ticker(trade.price, trade.volume, trade.side, tradeTs, now, 'REALTIME');
    return this.last;
  }

  #ticker(price: number, volume: number, side: 'ASK' | 'BID', tradeTs: number, now: number, stream: 'SNAPSHOT' | 'REALTIME'): Ticker {
    const diff = price - this.#prevClose;
    const decimals = krwTickBand(this.#prevClose).decimals;
    const signedChange = Number(diff.toFixed(decimals));
    const rate = this.#prevClose > 0 ? Number((diff / this.#prevClose).toFixed(8)) : 0;
    const iso = new Date(tradeTs).toISOString();
    // Rolling 24h: served trades of the last 24 h plus the seeded prior day, fading out
    // linearly as served time replaces it.
    const minuteNow = Math.floor(now / 60_000) * 60_000;
    if (this.#closedKey !== minuteNow) {
      // Sum the finished minutes once per minute, not once per trade (matters at 10x and above).
      this.#closedKey = minuteNow;
      this.#closedVolume = 0; this.#closedValue = 0;
      for (const bar of this.bars.values()) if (bar.start > now - DAY_MS && bar.start < minuteNow) { this.#closedVolume += bar.volume; this.#closedValue += bar.value; }
    }
    let volume24 = this.#closedVolume, value24 = this.#closedValue;
    const current = this.bars.get(minuteNow);
    if (current) { volume24 += current.volume; value24 += current.value; }
    const fade = Math.max(0, 1 - (now - this.startedAt) / DAY_MS);
    return {
      type: 'ticker',
      code: this.def.market,
      opening_price: this.#open,
      high_price: Math.max(this.#high, price),
      low_price: Math.min(this.#low, price),
      trade_price: price,
      prev_closing_price: this.#prevClose,
      change: diff > 0 ? 'RISE' : diff < 0 ? 'FALL' : 'EVEN',
      change_price: Math.abs(signedChange),
      signed_change_price: signedChange,
      change_rate: Math.abs(rate),
      signed_change_rate: rate,
      trade_volume: volume,
      acc_trade_volume: Number(formatScaled(this.#accVolume)),
      acc_trade_volume_24h: round8(Math.max(volume, this.#prior24hVolume * fade + volume24)),
      acc_trade_price: round8(this.#accPrice),
      acc_trade_price_24h: round8(this.#prior24hPrice * fade + value24),
      trade_date: iso.slice(0, 10).replaceAll('-', ''),
      trade_time: iso.slice(11, 19).replaceAll(':', ''),
      trade_timestamp: tradeTs,
      ask_bid: side,
      acc_ask_volume: Number(formatScaled(this.#accAsk)),
      acc_bid_volume: Number(formatScaled(this.#accBid)),
      highest_52_week_price: this.#h52,
      highest_52_week_date: this.#h52Date,
      lowest_52_week_price: this.#l52,
      lowest_52_week_date: this.#l52Date,
      market_state: 'ACTIVE',
      is_trading_suspended: false,
      delisting_date: null,
      market_warning: this.def.warning ? 'CAUTION' : 'NONE',
      timestamp: now,
      stream_type: stream,
    };
  }
}
