// Which markets exist. The source of truth is the ticker source's market list (upbit-replay's
// REST `GET /v1/market/all`, the same call as Upbit's own), cached for a few minutes; when
// the source is down, the markets that already have candles in Paimon. Tools use it to turn
// a well-formed but unknown code (KRW-NOPE) into a clear error instead of an empty answer.
import { describe, missing } from '../errors.ts';
import { MARKET_PATTERN } from '../inputs.ts';

export interface MarketInfo {
  market: string;
  korean_name: string | null;
  english_name: string | null;
  warning: boolean;
}

const TTL_MS = 5 * 60 * 1000;

export class MarketDirectory {
  readonly #replay: string;
  readonly #timeoutMs: number;
  #cache: { at: number; markets: MarketInfo[] } | null = null;

  constructor(replayUrl: string, timeoutMs: number) {
    this.#replay = replayUrl.replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
  }

  /** The source's list; throws the "start upbit-replay" failure when it cannot be read. */
  async list(now = Date.now()): Promise<MarketInfo[]> {
    if (this.#cache && now - this.#cache.at < TTL_MS) return this.#cache.markets;
    let body: unknown;
    try {
      const response = await fetch(`${this.#replay}/v1/market/all?is_details=true`, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw missing('upbit-replay', describe(error).slice(0, 120));
    }
    const markets = (Array.isArray(body) ? body : [])
      .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
      .map((entry) => ({
        market: String(entry['market'] ?? ''),
        korean_name: typeof entry['korean_name'] === 'string' ? entry['korean_name'] : null,
        english_name: typeof entry['english_name'] === 'string' ? entry['english_name'] : null,
        warning: isWarned(entry['market_event'] ?? entry['market_warning']),
      }))
      .filter((entry) => MARKET_PATTERN.test(entry.market))
      .slice(0, 500);
    this.#cache = { at: now, markets };
    return markets;
  }

  /**
   * True / false when the list is known; null when it cannot be read (the caller then lets
   * the data answer: no records for that key).
   */
  async known(market: string): Promise<boolean | null> {
    try {
      return (await this.list()).some((entry) => entry.market === market);
    } catch {
      return null;
    }
  }
}

function isWarned(value: unknown): boolean {
  if (value === 'CAUTION') return true;
  if (typeof value === 'object' && value !== null && 'warning' in value) return (value as { warning: unknown }).warning === true;
  return false;
}
