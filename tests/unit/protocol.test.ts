// The wire contract: what the page may send, what is refused, and the binary frame layout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClientMessage } from '../../server/protocol.ts';
import { MAX_FRAME_BYTES, decodeTerminalFrame, encodeTerminalFrame } from '../../server/wire.ts';

test('valid messages parse', () => {
  const run = parseClientMessage(JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: 'compose-up' }));
  assert.deepEqual(run, { ok: true, message: { type: 'step.run', lab: 'cluster-up', step: 'compose-up' } });
  const watch = parseClientMessage(JSON.stringify({ type: 'panel.watch', lab: 'failover', on: true }));
  assert.deepEqual(watch, { ok: true, message: { type: 'panel.watch', lab: 'failover', on: true } });
});

test('anything else is refused with a reason, never thrown', () => {
  const refused = [
    'not json',
    '[]',
    'null',
    JSON.stringify({ type: 'shell.exec', command: 'rm -rf /' }),
    JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: '../etc' }),
    JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: 'a;b' }),
    JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: '$(id)' }),
    JSON.stringify({ type: 'step.run', lab: 'cluster-up', step: 'compose-up', command: 'id' }),
    JSON.stringify({ type: 'terminal.resize', slot: 0, cols: -1, rows: 10 }),
    JSON.stringify({ type: 'terminal.resize', slot: 0, cols: 0, rows: 10 }),
    JSON.stringify({ type: 'terminal.resize', slot: 0, cols: 65536, rows: 10 }),
    '{"type":"terminal.resize","slot":0,"cols":NaN,"rows":10}',
    // The page names a lab only; which topic its panel draws is the server's to say.
    JSON.stringify({ type: 'panel.watch', lab: 'failover', on: true, topic: '__consumer_offsets' }),
    JSON.stringify({ type: 'panel.watch', on: true }),
    JSON.stringify({ type: 'cluster.watch', on: true }),
    '{"__proto__":{"polluted":1},"type":"lab.reset","lab":"topics"}',
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ' '.repeat(MAX_FRAME_BYTES + 1),
  ];
  for (const text of refused) {
    const result = parseClientMessage(text);
    assert.equal(result.ok, false, text.slice(0, 80));
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('binary frames carry the slot in the first byte', () => {
  const frame = encodeTerminalFrame(3, new TextEncoder().encode('ls\r'));
  assert.deepEqual([...frame.subarray(0, 1)], [3]);
  const decoded = decodeTerminalFrame(frame);
  assert.ok(decoded);
  assert.equal(decoded.slot, 3);
  assert.equal(new TextDecoder().decode(decoded.payload), 'ls\r');
  assert.equal(decodeTerminalFrame(new Uint8Array()), null);
  assert.equal(decodeTerminalFrame(new Uint8Array([16, 1])), null);
});
