// What a check is: a named probe with zod-validated parameters. The engine calls `probe`
// repeatedly until it passes or the step's timeout runs out, and reports the last result,
// so each probe is one quick, honest look at the real cluster.
import type Docker from 'dockerode';
import type { z } from 'zod';
import type { Lab, LabStep } from '../../labs/schema.ts';
import type { CheckResult } from '../protocol.ts';

export interface CheckContext {
  docker: Docker;
  lab: Lab;
  step: LabStep;
  /** When the step's action started (or the check, for a plain check). */
  since: number;
  /** Plain text a lab terminal printed since `since`. */
  output(terminal: string): string;
  /** Folder for lab runtime files (.lab-state), shared with the lab clients. */
  stateDir: string;
  signal: AbortSignal;
  /** Survives between polls of one check run (baselines, first-seen times). */
  memo: Map<string, unknown>;
}

export interface CheckDefinition<Params> {
  name: string;
  params: z.ZodType<Params>;
  probe(context: CheckContext, params: Params): Promise<CheckResult>;
}

export function defineCheck<Params>(definition: CheckDefinition<Params>): CheckDefinition<Params> {
  return definition;
}

export const pass = (summary: string, evidence: string[] = [], metrics?: Record<string, number>): CheckResult =>
  metrics ? { ok: true, summary, evidence, metrics } : { ok: true, summary, evidence };

export const fail = (summary: string, evidence: string[] = [], metrics?: Record<string, number>): CheckResult =>
  metrics ? { ok: false, summary, evidence, metrics } : { ok: false, summary, evidence };

/** First time (ms since `since`) a condition was seen true during this check run. */
export function firstSeen(context: CheckContext, key: string): number {
  const existing = context.memo.get(key);
  if (typeof existing === 'number') return existing;
  const elapsed = Date.now() - context.since;
  context.memo.set(key, elapsed);
  return elapsed;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}초`;
