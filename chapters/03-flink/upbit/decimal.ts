// Exact decimal sums with 8 fractional digits (scaled BigInt). Flink sums trade_volume as
// DECIMAL(38,8); summing JS doubles would drift in the last digits and an "exact" check
// would then fail for the wrong reason.
export const SCALE = 8;
const FACTOR = 10n ** BigInt(SCALE);

/** A JSON number (or its text) -> units of 1e-8, rounded half away from zero beyond 8 places. */
export function toScaled(value: number | string): bigint {
  let text = typeof value === 'number' ? value.toFixed(12) : value.trim();
  if (/e/i.test(text)) text = Number(text).toFixed(12);
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  const [whole = '0', fraction = ''] = text.split('.');
  const padded = (fraction + '0'.repeat(SCALE + 1)).slice(0, SCALE + 1);
  let units = BigInt(whole || '0') * FACTOR + BigInt(padded.slice(0, SCALE));
  if (Number(padded[SCALE]) >= 5) units += 1n;
  return negative ? -units : units;
}

export function formatScaled(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const text = `${abs / FACTOR}.${(abs % FACTOR).toString().padStart(SCALE, '0')}`;
  return negative ? `-${text}` : text;
}
