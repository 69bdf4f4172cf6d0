// Opt-in (UPBIT_LIVE=1, never in CI): a few real messages from Upbit in both formats, checked
// against the same schemas the stand-in is held to, and the stand-in's field set compared
// with Upbit's, so a change on Upbit's side shows up as a failing test here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DEFAULT_KEYS, SIMPLE_KEYS, TickerDefaultLoose, fromSimple } from '../../chapters/03-flink/upbit/ticker-schema.ts';

const live = process.env['UPBIT_LIVE'] === '1';

async function sample(format: 'DEFAULT' | 'SIMPLE', count: number): Promise<Record<string, unknown>[]> {
  const ws = new WebSocket('wss://api.upbit.com/websocket/v1');
  const out: Record<string, unknown>[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${out.length} messages in 20 s`)), 20_000);
      ws.on('open', () => ws.send(JSON.stringify([{ ticket: `upbit-lab-live-${Date.now()}` }, { type: 'ticker', codes: ['KRW-BTC', 'KRW-ETH', 'KRW-XRP'] }, { format }])));
      ws.on('message', (data) => {
        out.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>);
        if (out.length >= count) { clearTimeout(timer); resolve(); }
      });
      ws.on('error', reject);
    });
  } finally {
    ws.terminate();
  }
  return out;
}

test('real Upbit tickers match the schemas the stand-in is tested with', { skip: live ? false : 'set UPBIT_LIVE=1 on a machine that can reach api.upbit.com' }, async () => {
  for (const message of await sample('DEFAULT', 5)) {
    TickerDefaultLoose.parse(message);
    const missing = DEFAULT_KEYS.filter((key) => !(key in message));
    const extra = Object.keys(message).filter((key) => !(DEFAULT_KEYS as string[]).includes(key));
    assert.deepEqual(missing, [], 'fields the stand-in sends but Upbit no longer does');
    if (extra.length > 0) console.log(`Upbit sends fields the stand-in does not: ${extra.join(', ')}`);
  }
  for (const message of await sample('SIMPLE', 5)) {
    const simpleKeys = Object.values(SIMPLE_KEYS) as string[];
    assert.deepEqual(simpleKeys.filter((key) => !(key in message)), []);
    TickerDefaultLoose.parse(fromSimple(message));
  }
});
