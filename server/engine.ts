// The step runner: the one implementation behind the page's Run / Check / catch-up buttons
// and the headless `npm run lab`. It performs a step's action in the lab's real terminals
// (typing the lab file's command as a learner would), then polls the step's check until it
// passes or the timeout runs out, and reports every state change. One step at a time per lab.
// It knows no chapter: the checks (already bound to their chapter's endpoints) are injected.
import type Docker from 'dockerode';
import type { CheckContext, CourseFacts, EngineCheck } from './checks.ts';
import { findStep, type Lab, type LabStep } from './labs.ts';
import { LabError } from './errors.ts';
import type { CheckResult, StepState } from './wire.ts';
import type { ProgressStore } from './progress.ts';
import type { TerminalPool } from './terminals/pool.ts';

export interface EngineOptions {
  labs: Lab[];
  /** Every check the labs may name, each bound to its chapter's endpoints. */
  checks: readonly EngineCheck[];
  /** Course-wide names checks may need (compose project, network, all container names). */
  course: CourseFacts;
  pool: TerminalPool;
  docker: Docker;
  stateDir: string;
  progress?: ProgressStore;
  pollIntervalMs?: number;
}

type Mode = 'run' | 'check';

/** How long a bare 확인 keeps re-probing a failing check before reporting it. */
const CHECK_ONLY_REPEAT_SEC = 8;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * The promise's value, or null after ms or on abort. Clears its own timer either way: a
 * leftover 300 s timer kept `npm run lab` alive for minutes after the last step.
 */
async function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T | null> {
  const settled = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, AbortSignal.any([signal, settled.signal])).then(() => null)]);
  } finally {
    settled.abort();
  }
}

export class LabEngine {
  readonly labs: Lab[];
  readonly #options: EngineOptions;
  readonly #checks: ReadonlyMap<string, EngineCheck>;
  readonly #states = new Map<string, StepState>();
  readonly #busy = new Map<string, AbortController>();
  /** Per lab: where each terminal's output stood when the latest action began. */
  readonly #marks = new Map<string, { at: number; marks: Map<string, number> }>();
  #listeners: Array<(state: StepState) => void> = [];

  constructor(options: EngineOptions) {
    this.#options = options;
    this.labs = options.labs;
    this.#checks = new Map(options.checks.map((check) => [check.name, check]));
    for (const lab of this.labs) {
      for (const step of lab.steps) {
        if (!this.#checks.has(step.check.use)) throw new LabError('unknown-check', `${lab.id}/${step.id}: check '${step.check.use}'가 없습니다`);
        const saved = options.progress?.get(lab.id, step.id);
        this.#states.set(`${lab.id}/${step.id}`, saved ?? { lab: lab.id, step: step.id, status: 'idle' });
      }
    }
  }

  onState(listener: (state: StepState) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  states(): StepState[] {
    return [...this.#states.values()];
  }

  isBusy(labId: string): boolean {
    return this.#busy.has(labId);
  }

  #emit(state: StepState): StepState {
    this.#states.set(`${state.lab}/${state.step}`, state);
    if (state.status === 'passed' || state.status === 'failed') this.#options.progress?.set(state);
    for (const listener of this.#listeners) listener(state);
    return state;
  }

  #resolve(labId: string, stepId: string) {
    const found = findStep(this.labs, labId, stepId);
    if (!found) throw new LabError('unknown-step', `'${labId}/${stepId}' 단계가 없습니다.`, { status: 404 });
    return found;
  }

  /** Claims the lab for one operation; a second request while one runs is refused. */
  async #exclusive<T>(labId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#busy.has(labId)) {
      throw new LabError('lab-busy', '이 실습에서 이미 다른 단계가 실행 중입니다. 끝나기를 기다리거나 중지 버튼을 누르세요.', { status: 409 });
    }
    const controller = new AbortController();
    this.#busy.set(labId, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.#busy.delete(labId);
      // The operation owns every wait it started; ending it ends them.
      controller.abort();
    }
  }

  run(labId: string, stepId: string): Promise<StepState> {
    const { lab, step } = this.#resolve(labId, stepId);
    return this.#exclusive(labId, (signal) => this.#perform(lab, step, 'run', signal));
  }

  check(labId: string, stepId: string, timeoutSec?: number): Promise<StepState> {
    const { lab, step } = this.#resolve(labId, stepId);
    return this.#exclusive(labId, (signal) => this.#perform(lab, step, 'check', signal, timeoutSec));
  }

  /**
   * Brings the cluster to the state right before `stepId`: the labs this one builds on, then
   * this lab's earlier steps, each by its idempotent solution (or its own action) and check.
   * Stops at the first step whose check fails, and says which.
   */
  catchUp(labId: string, stepId: string): Promise<StepState[]> {
    const { lab, index } = this.#resolve(labId, stepId);
    return this.#exclusive(labId, async (signal) => {
      const done: StepState[] = [];
      const plan: Array<{ lab: Lab; step: LabStep }> = [];
      const seen = new Set<string>();
      const addLab = (id: string) => {
        if (seen.has(id)) return; // also ends a cycle in `requires`
        seen.add(id);
        const required = this.labs.find((l) => l.id === id);
        for (const dependency of required?.requires ?? []) addLab(dependency);
        if (required && id !== lab.id) plan.push(...required.steps.map((step) => ({ lab: required, step })));
      };
      addLab(lab.id);
      plan.push(...lab.steps.slice(0, index).map((step) => ({ lab, step })));
      for (const item of plan) {
        if (signal.aborted) break;
        if (item.step.solution?.length === 0) continue; // demonstration step: nothing to restore
        const state = await this.#perform(item.lab, item.step, 'run', signal, undefined, item.step.solution);
        done.push(state);
        if (state.status !== 'passed') break;
      }
      return done;
    });
  }

  cancel(labId: string): boolean {
    const controller = this.#busy.get(labId);
    controller?.abort();
    return controller !== undefined;
  }

  reset(labId: string): void {
    const lab = this.labs.find((l) => l.id === labId);
    if (!lab) throw new LabError('unknown-lab', `'${labId}' 실습이 없습니다.`, { status: 404 });
    this.#options.progress?.clearLab(labId);
    for (const step of lab.steps) this.#emit({ lab: labId, step: step.id, status: 'idle' });
  }

  async #perform(lab: Lab, step: LabStep, mode: Mode, signal: AbortSignal, timeoutSec?: number, solution?: LabStep['solution']): Promise<StepState> {
    const startedAt = Date.now();
    const base = { lab: lab.id, step: step.id, startedAt };
    const notes: string[] = [];
    if (mode === 'run') {
      this.#emit({ ...base, status: 'running' });
      this.#markTerminals(lab, startedAt);
      try {
        if (solution) {
          for (const item of solution) notes.push(...(await this.#runCommand(lab, item.terminal, item.command, 'exit', [], undefined, step.timeoutSec, signal)));
        } else {
          notes.push(...(await this.#act(lab, step, signal)));
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return this.#emit({ ...base, status: 'failed', durationMs: Date.now() - startedAt, result: { ok: false, summary: message, evidence: notes } });
      }
    }
    if (signal.aborted) return this.#cancelled(base, startedAt);
    this.#emit({ ...base, status: 'checking' });
    // A bare 확인 press asks "is it right now?": poll briefly, not for the whole budget a run
    // gives the cluster to converge, so a wrong state is reported in seconds.
    const budgetSec = timeoutSec ?? step.check.timeoutSec;
    const repeatSec = timeoutSec ?? (mode === 'check' ? Math.min(budgetSec, CHECK_ONLY_REPEAT_SEC) : budgetSec);
    const result = await this.#poll(lab, step, signal, budgetSec, repeatSec);
    if (signal.aborted && !result.ok) return this.#cancelled(base, startedAt);
    const evidence = [...result.evidence, ...notes];
    return this.#emit({ ...base, status: result.ok ? 'passed' : 'failed', durationMs: Date.now() - startedAt, result: { ...result, evidence } });
  }

  #cancelled(base: { lab: string; step: string; startedAt: number }, startedAt: number): StepState {
    return this.#emit({ ...base, status: 'failed', durationMs: Date.now() - startedAt, result: { ok: false, summary: '중지했습니다. 다시 실행하거나 확인을 눌러 이어 가세요.', evidence: [] } });
  }

  #markTerminals(lab: Lab, at: number): void {
    const marks = new Map<string, number>();
    for (const name of lab.terminals) {
      const terminal = this.#options.pool.get(lab.id, name);
      if (terminal) marks.set(name, terminal.mark());
    }
    this.#marks.set(lab.id, { at, marks });
  }

  /** Performs the step's own action; returns notes (exit status) for the evidence list. */
  async #act(lab: Lab, step: LabStep, signal: AbortSignal): Promise<string[]> {
    const action = step.action;
    if (action.kind === 'command') {
      return this.#runCommand(lab, action.terminal, action.command, action.until, action.input, action.waitFor, step.timeoutSec, signal);
    }
    const notes: string[] = [];
    await Promise.all(action.terminals.map(async (name) => {
      const terminal = this.#options.pool.get(lab.id, name);
      if (!terminal || !terminal.busy) {
        notes.push(`${name}: 실행 중인 프로그램 없음`);
        return;
      }
      for (let attempt = 0; attempt < 3 && terminal.busy; attempt++) {
        const exited = terminal.nextExit();
        terminal.interrupt();
        const code = await within(exited, 5000, signal);
        if (code !== null) notes.push(`${name}: Ctrl-C로 종료 (exit ${code})`);
      }
    }));
    return notes;
  }

  async #runCommand(lab: Lab, terminalName: string, command: string, until: 'exit' | 'stream', input: string[], waitFor: string | undefined, timeoutSec: number, signal: AbortSignal): Promise<string[]> {
    const terminal = this.#options.pool.open(lab.id, terminalName);
    await terminal.whenReady();
    if (!this.#marks.get(lab.id)?.marks.has(terminalName)) this.#marks.get(lab.id)?.marks.set(terminalName, terminal.mark());
    if (terminal.busy) {
      throw new LabError('terminal-busy', `터미널 '${terminalName}'에서 다른 프로그램이 아직 실행 중입니다. 그 터미널에서 Ctrl-C로 끝낸 뒤 다시 실행하세요.`, { status: 409 });
    }
    const mark = terminal.mark();
    const exited = terminal.nextExit();
    await terminal.type(command);
    if (until === 'exit') {
      const code = await within(exited, timeoutSec * 1000, signal);
      if (code === null) {
        terminal.interrupt();
        if (signal.aborted) return [];
        throw new LabError('step-timeout', `명령이 ${timeoutSec}초 안에 끝나지 않아 Ctrl-C로 멈췄습니다. 터미널 출력을 확인하세요.`);
      }
      return [`${terminalName}$ ${command} → exit ${code}`];
    }
    if (waitFor) {
      const seen = await terminal.waitForText(waitFor, mark, timeoutSec * 1000, signal);
      if (!seen && !signal.aborted) throw new LabError('step-timeout', `'${waitFor}' 프롬프트가 ${timeoutSec}초 안에 나오지 않았습니다. 터미널 출력을 확인하세요.`);
    }
    for (const line of input) {
      if (signal.aborted) break;
      await sleep(250, signal);
      terminal.typeLine(line);
    }
    return [`${terminalName}$ ${command} (실행 중)`];
  }

  /** Verifies until ok or settled; one call may use the whole budget, repeats stop after repeatSec. */
  async #poll(lab: Lab, step: LabStep, signal: AbortSignal, timeoutSec: number, repeatSec: number): Promise<CheckResult> {
    const repeatUntil = Date.now() + repeatSec * 1000;
    const check = this.#checks.get(step.check.use)!;
    const params = check.params.safeParse(step.check.with);
    if (!params.success) return { ok: false, summary: `lab 정의 오류: ${step.check.use}의 매개변수가 올바르지 않습니다 (${params.error.issues[0]?.message}).`, evidence: [] };
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutSec * 1000)]);
    const recorded = this.#marks.get(lab.id);
    const context: Omit<CheckContext, 'endpoints'> = {
      docker: this.#options.docker,
      lab,
      step,
      since: recorded?.at ?? 0,
      output: (name) => {
        const terminal = this.#options.pool.get(lab.id, name);
        return terminal ? terminal.textSince(recorded?.marks.get(name) ?? 0) : '';
      },
      stateDir: this.#options.stateDir,
      signal: deadline,
      memo: new Map(),
      course: this.#options.course,
    };
    let last: CheckResult = { ok: false, summary: '확인하지 못했습니다.', evidence: [] };
    for (;;) {
      try {
        last = await check.verify(context, params.data);
      } catch (error) {
        last = { ok: false, summary: explainCheckError(error), evidence: [] };
      }
      if (last.ok || last.settled || deadline.aborted || Date.now() >= repeatUntil) return last;
      await sleep(this.#options.pollIntervalMs ?? 1000, deadline);
      if (deadline.aborted) return last;
    }
  }
}

/** Turns infrastructure errors inside a check into a reason a learner can act on. */
export function explainCheckError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT.*docker\.sock|connect ENOENT|ECONNREFUSED.*docker|docker\.sock/i.test(message)) {
    return 'Docker 엔진에 연결할 수 없습니다. Docker Desktop(또는 dockerd)을 켠 뒤 다시 확인하세요.';
  }
  return `확인 중 오류가 났습니다: ${message}`;
}
