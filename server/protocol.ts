// The server's guard on the wire (wire.ts): zod schemas for everything a page may send, and
// for progress files read back from disk. Every text frame passes `parseClientMessage`
// before the lab logic sees it. The schemas are checked at compile time to produce exactly
// the plain types in wire.ts, so the page and the server cannot drift apart.
import { z } from 'zod';
import { MAX_FRAME_BYTES, MAX_SLOT, type CheckResult as WireCheckResult, type ClientMessage as WireClientMessage, type StepState as WireStepState } from './wire.ts';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'id must be lower-case letters, digits and -');
export const LabId = slug;
export const StepId = slug;
export const TerminalName = slug;

const dimension = (max: number) => z.number().int().min(1).max(max);
const slot = z.number().int().min(0).max(MAX_SLOT);

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('terminal.open'), lab: LabId, terminal: TerminalName, cols: dimension(500), rows: dimension(200) }).strict(),
  z.object({ type: z.literal('terminal.resize'), slot, cols: dimension(500), rows: dimension(200) }).strict(),
  z.object({ type: z.literal('terminal.ack'), slot, bytes: z.number().int().min(1).max(MAX_FRAME_BYTES * 16) }).strict(),
  z.object({ type: z.literal('step.run'), lab: LabId, step: StepId }).strict(),
  z.object({ type: z.literal('step.check'), lab: LabId, step: StepId }).strict(),
  z.object({ type: z.literal('step.catchup'), lab: LabId, step: StepId }).strict(),
  z.object({ type: z.literal('lab.cancel'), lab: LabId }).strict(),
  z.object({ type: z.literal('lab.reset'), lab: LabId }).strict(),
  z.object({ type: z.literal('panel.watch'), lab: LabId, on: z.boolean() }).strict(),
]);

export const StepStatus = z.enum(['idle', 'running', 'checking', 'passed', 'failed']);

export const CheckResult = z.object({
  ok: z.boolean(),
  summary: z.string(),
  evidence: z.array(z.string()),
  metrics: z.record(z.string(), z.number()).optional(),
  settled: z.boolean().optional(),
});

export const StepState = z.object({
  lab: LabId,
  step: StepId,
  status: StepStatus,
  startedAt: z.number().optional(),
  durationMs: z.number().optional(),
  result: CheckResult.optional(),
});

/** Compile-time proof that a schema parses to exactly the wire type (both directions). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proofs: [
  Same<z.infer<typeof ClientMessage>, WireClientMessage>,
  Same<z.infer<typeof StepState>, WireStepState>,
  Same<z.infer<typeof CheckResult>, WireCheckResult>,
] = [true, true, true];
void proofs;

export type ParseResult = { ok: true; message: WireClientMessage } | { ok: false; reason: string };

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
