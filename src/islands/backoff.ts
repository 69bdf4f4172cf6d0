// Reconnect pacing after the lab server's socket closes: quick first retries (a server
// restart takes a second or two), then capped so a stopped server is polled, not hammered.

export const FIRST_RETRY_MS = 500;
export const MAX_RETRY_MS = 10_000;

/** attempt 0 is the first retry; `random` in [0,1) adds up to 20 % jitter. */
export function reconnectDelay(attempt: number, random: number = Math.random()): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(attempt, 10)));
  return Math.round(base * (1 + 0.2 * random));
}
