// The one wire contract between the lab server and the page (and tests).
// Control messages are JSON text frames validated with zod; terminal bytes travel as binary
// frames: [1 byte terminal slot][payload]. The subprotocol carries the version, so an old
// page talking to a new server fails at the handshake instead of mid-lab.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
export const SUBPROTOCOL = `upbit-lab.v${PROTOCOL_VERSION}`;
/** Hard cap on any single frame, text or binary (ws maxPayload). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Cap on one keyboard/paste input frame; larger pastes are refused, not truncated. */
export const MAX_INPUT_BYTES = 64 * 1024;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'id must be lower-case letters, digits and -');
export const LabId = slug;
export const StepId = slug;
export const TerminalName = slug;

const dimension = (max: number) => z.number().int().min(1).max(max);

export const ClientMessage = z.discriminatedUnion('type', [
  /** Attach to (creating if needed) one of a lab's named terminals. */
  z.object({ type: z.literal('terminal.open'), lab: LabId, terminal: TerminalName, cols: dimension(500), rows: dimension(200) }).strict(),
  z.object({ type: z.literal('terminal.resize'), slot: z.number().int().min(0).max(15), cols: dimension(500), rows: dimension(200) }).strict(),
  /** Flow control: the page has written this many more bytes of the slot's output. */
  z.object({ type: z.literal('terminal.ack'), slot: z.number().int().min(0).max(15), bytes: z.number().int().min(1).max(MAX_FRAME_BYTES * 16) }).strict(),
  /** Run a step: the server types the step's own command; the client only names it. */
  z.object({ type: z.literal('step.run'), lab: LabId, step: StepId }).strict(),
  /** Only run the step's check against the current state. */
  z.object({ type: z.literal('step.check'), lab: LabId, step: StepId }).strict(),
  /** Bring the cluster to the state right before this step (solutions of all earlier steps). */
  z.object({ type: z.literal('step.catchup'), lab: LabId, step: StepId }).strict(),
  /** Stop whatever the lab is doing (Ctrl-C to its terminals, abort the check). */
  z.object({ type: z.literal('lab.cancel'), lab: LabId }).strict(),
  z.object({ type: z.literal('lab.reset'), lab: LabId }).strict(),
  /** Live cluster picture for one of the course's topics (an allowlist, not free text). */
  z.object({ type: z.literal('cluster.watch'), on: z.boolean(), topic: z.enum(['upbit-ticker', 'ledger']).default('upbit-ticker') }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
/** What a sender may write (fields with defaults are optional). */
export type ClientMessageInput = z.input<typeof ClientMessage>;

export const StepStatus = z.enum(['idle', 'running', 'checking', 'passed', 'failed']);
export type StepStatus = z.infer<typeof StepStatus>;

export const CheckResult = z.object({
  ok: z.boolean(),
  /** One sentence in Korean: what passed, or what is wrong and what to do. */
  summary: z.string(),
  evidence: z.array(z.string()),
  /** Measured figures worth keeping in reports (e.g. the failover ledger's counts). */
  metrics: z.record(z.string(), z.number()).optional(),
  /** The failure has a known cause that waiting will not fix: stop polling and report now. */
  settled: z.boolean().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const StepState = z.object({
  lab: LabId,
  step: StepId,
  status: StepStatus,
  startedAt: z.number().optional(),
  durationMs: z.number().optional(),
  result: CheckResult.optional(),
});
export type StepState = z.infer<typeof StepState>;

export const BrokerView = z.object({
  id: z.number(),
  container: z.string(),
  state: z.enum(['running', 'stopped', 'missing']),
  registered: z.boolean(),
  memoryBytes: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
});
export const PartitionView = z.object({
  partition: z.number(),
  leader: z.number(),
  replicas: z.array(z.number()),
  isr: z.array(z.number()),
  offline: z.array(z.number()),
});
export const ClusterSnapshot = z.object({
  at: z.number(),
  reachable: z.boolean(),
  controllerId: z.number().nullable(),
  quorumLeaderId: z.number().nullable(),
  brokers: z.array(BrokerView),
  topic: z.string(),
  partitions: z.array(PartitionView),
  /** Human-readable changes since the previous snapshot, in Korean. */
  events: z.array(z.string()),
  note: z.string().optional(),
});
export type ClusterSnapshot = z.infer<typeof ClusterSnapshot>;

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), version: z.literal(PROTOCOL_VERSION), steps: z.array(StepState) }),
  z.object({ type: z.literal('terminal.opened'), lab: LabId, terminal: TerminalName, slot: z.number().int(), replayBytes: z.number().int() }),
  z.object({ type: z.literal('terminal.exited'), slot: z.number().int(), exitCode: z.number().int() }),
  z.object({ type: z.literal('step.state'), state: StepState }),
  z.object({ type: z.literal('cluster.snapshot'), snapshot: ClusterSnapshot }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; reason: string };

/** Parses one text frame. Never throws: the caller closes the socket with 1008 on failure. */
export function parseClientMessage(text: string): ParseResult {
  if (text.length > MAX_FRAME_BYTES) return { ok: false, reason: 'frame too large' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'invalid message' };
  return { ok: true, message: parsed.data };
}

/** Binary frame layout shared by both directions. */
export function encodeTerminalFrame(slot: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(payload.byteLength + 1);
  frame[0] = slot;
  frame.set(payload, 1);
  return frame;
}

export function decodeTerminalFrame(frame: Uint8Array): { slot: number; payload: Uint8Array } | null {
  if (frame.byteLength < 1) return null;
  const slot = frame[0]!;
  if (slot > 15) return null;
  return { slot, payload: frame.subarray(1) };
}
