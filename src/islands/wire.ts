// The runtime half of server/protocol.ts that the browser needs. Islands never import server
// code (it would drag zod into the bundle), so these few values are copied here and
// tests/unit/islands/wire.test.ts proves they still equal the originals.

export const PROTOCOL_VERSION = 1;
export const SUBPROTOCOL = `upbit-lab.v${PROTOCOL_VERSION}`;
/** The server refuses larger keyboard/paste frames; the page says so instead of sending. */
export const MAX_INPUT_BYTES = 64 * 1024;
/** Highest slot a binary frame can name (ClientMessage caps slot at 15). */
export const MAX_SLOT = 15;

/** Binary frame layout shared by both directions: [1 byte terminal slot][payload]. */
/** Typed over a plain ArrayBuffer so the result can go straight to WebSocket.send(). */
export function encodeTerminalFrame(slot: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(payload.byteLength + 1);
  frame[0] = slot;
  frame.set(payload, 1);
  return frame;
}

export function decodeTerminalFrame(frame: Uint8Array): { slot: number; payload: Uint8Array } | null {
  if (frame.byteLength < 1) return null;
  const slot = frame[0]!;
  if (slot > MAX_SLOT) return null;
  return { slot, payload: frame.subarray(1) };
}
