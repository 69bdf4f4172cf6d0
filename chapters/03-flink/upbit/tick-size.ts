// Upbit's KRW order-price unit (호가 단위) by price band, as published for the KRW market
// from 31 July 2025 (docs.upbit.com "원화(KRW) 마켓 주문 가격 단위"). The stand-in rounds
// every generated price onto this grid so its prices look like the exchange's. Bands below
// 10 KRW follow the earlier published table (the 2025 page did not change them as far as we
// could read); none of the shipped markets trades there.
export interface TickBand { readonly from: number; readonly tick: number; readonly decimals: number }

export const KRW_TICK_TABLE: readonly TickBand[] = [
  { from: 1_000_000, tick: 1000, decimals: 0 },
  { from: 500_000, tick: 500, decimals: 0 },
  { from: 100_000, tick: 100, decimals: 0 },
  { from: 50_000, tick: 50, decimals: 0 },
  { from: 10_000, tick: 10, decimals: 0 },
  { from: 5_000, tick: 5, decimals: 0 },
  { from: 100, tick: 1, decimals: 0 },
  { from: 10, tick: 0.01, decimals: 2 },
  { from: 1, tick: 0.001, decimals: 3 },
  { from: 0.1, tick: 0.0001, decimals: 4 },
  { from: 0.01, tick: 0.00001, decimals: 5 },
  { from: 0.001, tick: 0.000001, decimals: 6 },
  { from: 0.0001, tick: 0.0000001, decimals: 7 },
  { from: 0, tick: 0.00000001, decimals: 8 },
];

export function krwTickBand(price: number): TickBand {
  return KRW_TICK_TABLE.find((band) => price >= band.from) ?? KRW_TICK_TABLE.at(-1)!;
}

/** Rounds to the nearest valid KRW price; the result is re-banded so 99,999.x -> 100,000. */
export function roundToKrwTick(price: number): number {
  const band = krwTickBand(price);
  const rounded = Number((Math.round(price / band.tick) * band.tick).toFixed(band.decimals));
  const again = krwTickBand(rounded);
  return again === band ? rounded : Number((Math.round(rounded / again.tick) * again.tick).toFixed(again.decimals));
}

/** True when `price` sits exactly on its band's grid. */
export function isOnKrwTick(price: number): boolean {
  const band = krwTickBand(price);
  const steps = price / band.tick;
  return Math.abs(steps - Math.round(steps)) < 1e-6;
}
