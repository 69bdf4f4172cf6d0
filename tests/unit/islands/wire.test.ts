// The island keeps its own copy of the protocol's runtime values (it may not import server
// code); this test is what keeps the copy honest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protocol from '../../../server/protocol.ts';
import * as wire from '../../../src/islands/wire.ts';

test('subprotocol, version and input cap equal protocol.ts', () => {
  assert.equal(wire.SUBPROTOCOL, protocol.SUBPROTOCOL);
  assert.equal(wire.PROTOCOL_VERSION, protocol.PROTOCOL_VERSION);
  assert.equal(wire.MAX_INPUT_BYTES, protocol.MAX_INPUT_BYTES);
});

test('the slot limit matches what ClientMessage accepts', () => {
  const ack = (slot: number) => protocol.ClientMessage.safeParse({ type: 'terminal.ack', slot, bytes: 1 }).success;
  assert.equal(ack(wire.MAX_SLOT), true);
  assert.equal(ack(wire.MAX_SLOT + 1), false);
});

test('encodeTerminalFrame produces the same bytes as protocol.ts', () => {
  const payloads = [new Uint8Array(), new TextEncoder().encode('ls -al\r'), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
  for (const slot of [0, 1, 7, 15]) {
    for (const payload of payloads) {
      assert.deepEqual(wire.encodeTerminalFrame(slot, payload), protocol.encodeTerminalFrame(slot, payload));
    }
  }
});

test('decodeTerminalFrame agrees with protocol.ts, including rejects', () => {
  const frames = [
    new Uint8Array(),
    Uint8Array.of(0),
    Uint8Array.of(3, 104, 105),
    Uint8Array.of(15, 1, 2, 3),
    Uint8Array.of(16, 1),
    Uint8Array.of(255),
  ];
  for (const frame of frames) {
    const ours = wire.decodeTerminalFrame(frame);
    const theirs = protocol.decodeTerminalFrame(frame);
    assert.deepEqual(ours === null ? null : { slot: ours.slot, payload: [...ours.payload] }, theirs === null ? null : { slot: theirs.slot, payload: [...theirs.payload] });
  }
});

test('decode(encode(x)) round-trips', () => {
  const payload = new TextEncoder().encode('한글 입력 ✓');
  const decoded = wire.decodeTerminalFrame(wire.encodeTerminalFrame(9, payload));
  assert.ok(decoded);
  assert.equal(decoded.slot, 9);
  assert.deepEqual([...decoded.payload], [...payload]);
});
