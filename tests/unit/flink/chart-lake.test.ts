// Chapter 4's Paimon source for the candle chart without a gateway: the statement holds only
// the lab's bounds (quoted market codes, numbers), refuses anything else, and gateway rows
// become lake rows keyed by UTC minute like the ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyStatement, lakeRows } from '../../../chapters/04-lakehouse/panel/candle-history.ts';

test('the Paimon statement carries only the bounds, quoted', () => {
  const now = Date.parse('2026-11-30T03:10:30Z');
  const statement = historyStatement({ markets: ['KRW-BTC', 'KRW-ETH'], minutes: 10 }, now);
  assert.match(statement.text, /FROM `upbit`\.`candles_1m`/);
  assert.ok(statement.text.includes(`TO_TIMESTAMP_LTZ(${Date.parse('2026-11-30T03:00:00Z')}, 3)`), 'ten whole minutes back');
  assert.match(statement.text, /market IN \('KRW-BTC', 'KRW-ETH'\)/);
  assert.throws(() => historyStatement({ markets: ["KRW-BTC') OR ('1'='1"], minutes: 10 }, now), RangeError);
  assert.throws(() => historyStatement({ markets: ['KRW-BTC'], minutes: 100_000 }, now), RangeError);
  assert.throws(() => historyStatement({ markets: [], minutes: 10 }, now), RangeError);
});

test('gateway rows become lake rows with UTC minute keys and exact volume text', () => {
  assert.deepEqual(lakeRows([{ market: 'KRW-BTC', minute_utc: '2026-11-30 03:04', open_price: 1, high_price: 2, low_price: 0.5, close_price: 1.5, ticks: 7, volume: '0.10000000' }]), [
    { market: 'KRW-BTC', minute: '2026-11-30T03:04Z', open: 1, high: 2, low: 0.5, close: 1.5, ticks: 7, volume: '0.10000000' },
  ]);
});
