// Contract test of the offline stand-in: the same subscriptions a client sends to Upbit,
// every message checked against the zod schema of Upbit's ticker (both formats) and the
// rules a real ticker obeys; errors, status, idle close and REST computed from served trades.
// Runs with node alone (no Docker), about 15 s.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startReplay, type Replay } from '../../chapters/03-flink/upbit-replay/replay.ts';
import { TickerDefault, TickerSimple, fromSimple, tickerInconsistencies, tickerIdentity, type Ticker } from '../../chapters/03-flink/upbit/ticker-schema.ts';
import { isOnKrwTick } from '../../chapters/03-flink/upbit/tick-size.ts';

let replay: Replay;

before(async () => {
  replay = await startReplay({ port: 0, speed: 20, idleTimeoutMs: 1500, statusIntervalMs: 300, log: () => undefined });
});
after(async () => { await replay.close(); });

interface Frame { binary: boolean; text: string }

/** Opens a socket, sends `request` (if any), collects frames for `ms`, closes. */
async function collect(request: string | undefined, ms: number): Promise<{ frames: Frame[]; closed: number | undefined }> {
  const ws = new WebSocket(replay.wsUrl);
  const frames: Frame[] = [];
  let closed: number | undefined;
  ws.on('message', (data, binary) => frames.push({ binary, text: (data as Buffer).toString('utf8') }));
  ws.on('close', (code) => { closed = code; });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  if (request !== undefined) ws.send(request);
  await new Promise((resolve) => setTimeout(resolve, ms));
  ws.terminate();
  return { frames, closed };
}

const request = (codes: string[], format = 'DEFAULT', extra: Record<string, unknown> = {}) =>
  JSON.stringify([{ ticket: 'contract-test' }, { type: 'ticker', codes, ...extra }, { format }]);

function checkTicker(t: Ticker) {
  assert.deepEqual(tickerInconsistencies(t), [], `${t.code} ${t.trade_timestamp}`);
  for (const field of ['trade_price', 'opening_price', 'high_price', 'low_price', 'prev_closing_price'] as const) {
    assert.ok(isOnKrwTick(t[field]), `${t.code} ${field} ${t[field]} is off the KRW tick grid`);
  }
}

describe('upbit-replay speaks Upbit\'s ticker protocol', () => {
  test('DEFAULT: binary frames, one SNAPSHOT per code first, then REALTIME, all valid and ordered', async () => {
    const codes = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-DOGE'];
    const { frames } = await collect(request(codes), 2500);
    assert.ok(frames.length > codes.length + 20, `only ${frames.length} frames`);
    assert.ok(frames.every((f) => f.binary), 'Upbit sends binary frames');
    const tickers = frames.map((f) => TickerDefault.parse(JSON.parse(f.text)));
    assert.deepEqual(tickers.slice(0, codes.length).map((t) => [t.code, t.stream_type]), codes.map((c) => [c, 'SNAPSHOT']));
    assert.ok(tickers.slice(codes.length).every((t) => t.stream_type === 'REALTIME'));
    const last = new Map<string, number>();
    const seen = new Set<string>();
    for (const t of tickers) {
      checkTicker(t);
      assert.ok(codes.includes(t.code));
      if (t.stream_type === 'REALTIME') {
        assert.ok(t.trade_timestamp > (last.get(t.code) ?? 0), `${t.code} trade_timestamp went backwards`);
        last.set(t.code, t.trade_timestamp);
        assert.ok(!seen.has(tickerIdentity(t)), 'identity must be unique');
        seen.add(tickerIdentity(t));
      }
    }
  });

  test('SIMPLE and the list formats carry the same fields under Upbit\'s short keys', async () => {
    const simple = await collect(request(['KRW-BTC', 'KRW-SOL'], 'SIMPLE'), 1200);
    assert.ok(simple.frames.length >= 3);
    for (const frame of simple.frames) {
      const message = TickerSimple.parse(JSON.parse(frame.text));
      checkTicker(TickerDefault.parse(fromSimple(message)));
    }
    const list = await collect(request(['KRW-BTC'], 'SIMPLE_LIST'), 600);
    const first = JSON.parse(list.frames[0]!.text) as unknown[];
    assert.ok(Array.isArray(first) && first.length === 1);
    TickerSimple.parse(first[0]);
    const jsonList = await collect(request(['KRW-BTC'], 'JSON_LIST'), 600);
    TickerDefault.parse((JSON.parse(jsonList.frames[0]!.text) as unknown[])[0]);
  });

  test('is_only_snapshot and is_only_realtime', async () => {
    const snap = await collect(request(['KRW-BTC', 'KRW-ETH'], 'DEFAULT', { is_only_snapshot: true }), 1000);
    assert.equal(snap.frames.length, 2);
    assert.ok(snap.frames.every((f) => TickerDefault.parse(JSON.parse(f.text)).stream_type === 'SNAPSHOT'));
    const live = await collect(request(['KRW-BTC'], 'DEFAULT', { is_only_realtime: true }), 1000);
    assert.ok(live.frames.length > 0 && live.frames.every((f) => TickerDefault.parse(JSON.parse(f.text)).stream_type === 'REALTIME'));
  });

  test('malformed requests get Upbit\'s documented error objects', async () => {
    const cases: [string, string][] = [
      ['not json', 'WRONG_FORMAT'],
      ['{"ticket":"x"}', 'WRONG_FORMAT'],
      [JSON.stringify([{ type: 'ticker', codes: ['KRW-BTC'] }]), 'NO_TICKET'],
      [JSON.stringify([{ ticket: 'x' }, { format: 'DEFAULT' }]), 'NO_TYPE'],
      [JSON.stringify([{ ticket: 'x' }, { type: 'ticker' }]), 'NO_CODES'],
      [request(['KRW-BTC'], 'BOGUS'), 'INVALID_PARAM'],
    ];
    for (const [text, name] of cases) {
      const { frames } = await collect(text, 250);
      assert.equal(frames.length, 1, text);
      const body = JSON.parse(frames[0]!.text) as { error: { name: string; message: string } };
      assert.equal(body.error.name, name, text);
      assert.ok(body.error.message.length > 0);
    }
  });

  test('unknown or lower-case codes are silently ignored, as on Upbit', async () => {
    const { frames } = await collect(request(['KRW-NOPE', 'krw-btc']), 800);
    assert.equal(frames.length, 0);
  });

  test('text PING gets {"status":"UP"} and then one every status interval', async () => {
    const { frames } = await collect('PING', 1000);
    assert.ok(frames.length >= 3, `${frames.length} status frames`);
    assert.ok(frames.every((f) => f.text === '{"status":"UP"}'));
  });

  test('a silent connection is closed after the idle timeout', async () => {
    const { frames, closed } = await collect(undefined, 3500);
    assert.equal(frames.length, 0);
    assert.equal(closed, 1000);
  });

  test('REST market/all, ticker and minute candles agree with the trades served', async () => {
    const markets = await (await fetch(`${replay.url}/v1/market/all?is_details=true`)).json() as { market: string; korean_name: string; market_event: { warning: boolean } }[];
    assert.ok(markets.filter((m) => m.market.startsWith('KRW-')).length >= 10);
    assert.ok(markets.every((m) => m.korean_name && typeof m.market_event.warning === 'boolean'));
    const rest = await (await fetch(`${replay.url}/v1/ticker?markets=KRW-BTC,KRW-ETH`)).json() as { market: string; trade_price: number }[];
    assert.deepEqual(rest.map((t) => t.market), ['KRW-BTC', 'KRW-ETH']);
    assert.equal((await fetch(`${replay.url}/v1/ticker?markets=KRW-NOPE`)).status, 404);

    const state = replay.state() as { served: Record<string, number> };
    const candles = await (await fetch(`${replay.url}/v1/candles/minutes/1?market=KRW-BTC&count=200`)).json() as { candle_acc_trade_volume: number; high_price: number; low_price: number; opening_price: number; trade_price: number; candle_date_time_utc: string; unit: number }[];
    assert.ok(candles.length >= 1);
    assert.ok(candles.every((c) => c.unit === 1 && c.low_price <= Math.min(c.opening_price, c.trade_price) && c.high_price >= Math.max(c.opening_price, c.trade_price)));
    for (let i = 1; i < candles.length; i++) assert.ok(candles[i - 1]!.candle_date_time_utc > candles[i]!.candle_date_time_utc, 'newest first');
    assert.ok(state.served['KRW-BTC']! > 0);
    const five = await (await fetch(`${replay.url}/v1/candles/minutes/5?market=KRW-BTC&count=1`)).json() as { candle_acc_trade_volume: number }[];
    assert.equal(five.length, 1);
    assert.equal((await fetch(`${replay.url}/v1/candles/minutes/7?market=KRW-BTC`)).status, 400);
  });

  test('candles equal the REALTIME trades a subscriber saw from the very first trade', async () => {
    const fresh = await startReplay({ port: 0, speed: 20, startDelayMs: 400, log: () => undefined });
    try {
      const ws = new WebSocket(fresh.wsUrl);
      const seen: Ticker[] = [];
      ws.on('message', (data) => seen.push(TickerDefault.parse(JSON.parse((data as Buffer).toString()))));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(request(['KRW-XRP'], 'DEFAULT', { is_only_realtime: true }));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      fresh.setSpeed(0.0001); // effectively stops the tape, so nothing is served unseen
      await new Promise((resolve) => setTimeout(resolve, 300));
      ws.terminate();
      assert.equal((fresh.state() as { served: Record<string, number> }).served['KRW-XRP'], seen.length);
      assert.ok(seen.length > 50, `${seen.length} trades`);
      const candles = await (await fetch(`${fresh.url}/v1/candles/minutes/1?market=KRW-XRP&count=200`)).json() as { candle_acc_trade_volume: number; opening_price: number; trade_price: number; high_price: number; low_price: number; candle_date_time_utc: string }[];
      let covered = 0;
      for (const candle of candles) {
        const start = Date.parse(`${candle.candle_date_time_utc}Z`);
        const inMinute = seen.filter((t) => t.trade_timestamp >= start && t.trade_timestamp < start + 60_000);
        covered += inMinute.length;
        assert.ok(Math.abs(inMinute.reduce((a, t) => a + t.trade_volume, 0) - candle.candle_acc_trade_volume) < 1e-6);
        assert.equal(candle.opening_price, inMinute[0]!.trade_price);
        assert.equal(candle.trade_price, inMinute.at(-1)!.trade_price);
        assert.equal(candle.high_price, Math.max(...inMinute.map((t) => t.trade_price)));
        assert.equal(candle.low_price, Math.min(...inMinute.map((t) => t.trade_price)));
      }
      assert.equal(covered, seen.length);
    } finally {
      await fresh.close();
    }
  });

  test('control: late ticks are stamped in the past, faults reach subscribers, loopback only', async () => {
    const ws = new WebSocket(replay.wsUrl);
    const frames: string[] = [];
    ws.on('message', (data) => frames.push((data as Buffer).toString('utf8')));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(request(['KRW-BTC'], 'DEFAULT', { is_only_realtime: true }));
    const late = await fetch(`${replay.url}/_replay/late?market=KRW-BTC&offsetSec=90&count=1`, { method: 'POST' });
    assert.equal(late.status, 200);
    await fetch(`${replay.url}/_replay/fault?kind=garbage`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    ws.terminate();
    const parsed = frames.map((f) => { try { return JSON.parse(f) as Ticker; } catch { return undefined; } });
    assert.ok(parsed.includes(undefined), 'the garbage frame arrived');
    const lateOne = parsed.find((t) => t && t.timestamp - t.trade_timestamp > 80_000);
    assert.ok(lateOne, 'a tick 90 s late arrived');
    assert.equal((await fetch(`${replay.url}/_replay/fault?kind=nope`, { method: 'POST' })).status, 400);
  });
});
