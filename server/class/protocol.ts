// The class link's wire: what an attendee's lab server may send the instructor's class server,
// as zod schemas, plus the limits both sides share. Attendees are not trusted by the host (a
// name is hostile input, a report may be forged or replayed), so every field has a type, a
// length and a charset, and nothing here can carry terminal contents, paths or tokens: a step
// event is ids + status + one sanitized sentence, a doctor result is id + status + title.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The class server refuses the 101st attendee: one instructor cannot watch more anyway. */
export const MAX_ATTENDEES = 100;
/** Any request body above this is refused before it is parsed. */
export const MAX_BODY_BYTES = 16 * 1024;
export const MAX_EVENTS_PER_REPORT = 50;
export const MAX_SUMMARY_CHARS = 200;
export const MAX_NAME_CHARS = 32;
/** An attendee sends at least this often (an empty report) so the host can tell it is still there. */
export const HEARTBEAT_MS = 30_000;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/);
/** Control and format characters (newlines, bidi overrides) would let a name fake the layout. */
const plainText = (max: number) => z.string().min(1).max(max * 4).transform((text) => text.normalize('NFC').trim())
  .pipe(z.string().min(1).max(max).regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u, 'control characters are not allowed'));

export const JoinRequest = z.object({
  code: z.string().min(1).max(64),
  name: plainText(MAX_NAME_CHARS),
}).strict();
export type JoinRequest = z.infer<typeof JoinRequest>;

export const ClassStepStatus = z.enum(['idle', 'running', 'checking', 'passed', 'failed']);
export type ClassStepStatus = z.infer<typeof ClassStepStatus>;

const timestamp = z.number().int().min(0).max(8.64e15);

export const StepEvent = z.object({
  kind: z.literal('step'),
  lab: slug,
  step: slug,
  status: ClassStepStatus,
  summary: plainText(MAX_SUMMARY_CHARS).optional(),
  at: timestamp,
}).strict();
export type StepEvent = z.infer<typeof StepEvent>;

export const DoctorEvent = z.object({
  kind: z.literal('doctor'),
  ok: z.boolean(),
  results: z.array(z.object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
    status: z.enum(['pass', 'warn', 'fail']),
    title: plainText(40),
  }).strict()).max(80),
  at: timestamp,
}).strict();
export type DoctorEvent = z.infer<typeof DoctorEvent>;

export const ClassEvent = z.discriminatedUnion('kind', [StepEvent, DoctorEvent]);
export type ClassEvent = z.infer<typeof ClassEvent>;

export const Report = z.object({
  /** Strictly increasing per attendee: a report at or below the last one is a replay and is not applied. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Events the attendee's bounded queue had to drop since its last report (the host shows it). */
  dropped: z.number().int().min(0).max(1e9).optional(),
  events: z.array(ClassEvent).max(MAX_EVENTS_PER_REPORT),
}).strict();
export type Report = z.infer<typeof Report>;

/** The host's only answers: acknowledgements and refusals, never anything to act on. */
export type JoinAck = { id: string; token: string; heartbeatMs: number };
export type ReportAck = { ok: true; seq: number; duplicate?: true };
export type Refusal = { error: string; message: string };

const PATH = /(?:[A-Za-z]:\\|~\/|\/(?:home|Users|root|tmp|var|opt|etc|mnt|private|workspace|work)\/)[A-Za-z0-9_.@+~/\\-]*/g;
const LONG_SECRET = /[A-Za-z0-9_+/=-]{32,}/g;

/**
 * A check's Korean summary made fit to leave the laptop: paths and anything that looks like a
 * token or key become '…', and it is cut to one bounded line. The host validates the result
 * again; this only keeps an honest attendee from sending what it must not.
 */
export function sanitizeSummary(summary: string): string {
  const line = summary.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(PATH, '…').replace(LONG_SECRET, '…').replace(/\s+/g, ' ').trim();
  return line.length > MAX_SUMMARY_CHARS ? `${line.slice(0, MAX_SUMMARY_CHARS - 1)}…` : line;
}

/** Join codes are typed by people: case, spaces and dashes do not matter. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Constant-time comparison of a typed join code with the real one: both are hashed first, so
 * neither the length nor the first differing character shows in the timing.
 */
export function codeMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(normalizeCode(expected)).digest();
  const b = createHash('sha256').update(normalizeCode(given)).digest();
  return timingSafeEqual(a, b);
}

/** Crockford-style base32 without look-alikes (no I, L, O, U): 16 characters = 80 random bits. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export function formatJoinCode(random: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CODE_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{1,4}/g)?.join('-') ?? out;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
