// What a check is: a named, zod-validated look at the real services. The engine calls
// `verify` repeatedly until it passes or the step's timeout runs out and reports the last
// result, so each call is one quick, honest look. Checks belong to chapters; a chapter's
// checks reach its services through `context.endpoints`, which the chapter's plug-in supplies
// (the core never knows a broker list or a URL).
import type Docker from 'dockerode';
import { z } from 'zod';
import type { Lab, LabStep } from './labs.ts';
import type { CheckResult } from './wire.ts';

/** Course-wide names a check may need beyond its own chapter (the teardown check does). */
export interface CourseFacts {
  /** The one compose project every chapter's services belong to. */
  project: string;
  /** The shared Docker network. */
  network: string;
  /** Fixed container names of every chapter's services. */
  containers: readonly string[];
}

export interface CheckContext<Endpoints = unknown> {
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
  /** Survives between calls of one check run (baselines, first-seen times). */
  memo: Map<string, unknown>;
  course: CourseFacts;
  /** What the check's chapter says its services are reached at. */
  endpoints: Endpoints;
}

/**
 * The one way a check names the lab terminal whose output it reads (`with: { terminal: ... }`),
 * `main` unless the lab says otherwise. Its value is a terminal name like the lab file's.
 */
export const terminalParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/).default('main');

export interface CheckDefinition<Params, Endpoints = unknown> {
  name: string;
  params: z.ZodType<Params>;
  verify(context: CheckContext<Endpoints>, params: Params): Promise<CheckResult>;
}

/**
 * A chapter's check helper, fixed to its endpoints type: `const defineCheck = checksFor<KafkaEndpoints>()`.
 * (TypeScript cannot infer one type argument and take the other, hence the two steps.)
 */
export function checksFor<Endpoints>() {
  return <Params>(definition: CheckDefinition<Params, Endpoints>): CheckDefinition<Params, Endpoints> => definition;
}

/** A check with its chapter's endpoints bound: what the engine is given. */
export interface EngineCheck {
  name: string;
  params: z.ZodType<unknown>;
  verify(context: Omit<CheckContext, 'endpoints'>, params: unknown): Promise<CheckResult>;
}

/**
 * Binds a chapter's checks to its endpoints. `explain` turns an error a check threw (its
 * service unreachable, say) into a reason the learner can act on; errors it does not know
 * (undefined) go on to the engine's generic explanation.
 */
export function bindChecks<Endpoints>(
  checks: ReadonlyArray<CheckDefinition<never, Endpoints>>,
  endpoints: Endpoints,
  explain?: (message: string) => string | undefined,
): EngineCheck[] {
  return checks.map((check) => ({
    name: check.name,
    params: check.params as z.ZodType<unknown>,
    async verify(context, params) {
      try {
        // The params were parsed by `check.params` just before this call, so they are its Params.
        return await check.verify({ ...context, endpoints }, params as never);
      } catch (error) {
        const reason = explain?.(error instanceof Error ? error.message : String(error));
        if (reason === undefined) throw error;
        return fail(reason);
      }
    },
  }));
}

export const pass = (summary: string, evidence: string[] = [], metrics?: Record<string, number>): CheckResult =>
  metrics ? { ok: true, summary, evidence, metrics } : { ok: true, summary, evidence };

export const fail = (summary: string, evidence: string[] = [], metrics?: Record<string, number>): CheckResult =>
  metrics ? { ok: false, summary, evidence, metrics } : { ok: false, summary, evidence };

/** First time (ms since `since`) a condition was seen true during this check run. */
export function firstSeen(context: Pick<CheckContext, 'memo' | 'since'>, key: string): number {
  const existing = context.memo.get(key);
  if (typeof existing === 'number') return existing;
  const elapsed = Date.now() - context.since;
  context.memo.set(key, elapsed);
  return elapsed;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}초`;
