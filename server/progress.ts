// Lab progress that survives page reloads and server restarts: the last finished state of
// every step, in .lab-state/progress.json. Written atomically; a damaged file is set aside
// (never silently lost) and the course starts from a clean slate.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { StepState as StepStateSchema } from './protocol.ts';
import type { StepState } from './wire.ts';

const ProgressFile = z.object({ version: z.literal(1), steps: z.record(z.string(), StepStateSchema) });

export class ProgressStore {
  readonly #path: string;
  #steps: Record<string, StepState> = {};

  constructor(path: string) {
    this.#path = path;
    if (!existsSync(path)) return;
    try {
      this.#steps = ProgressFile.parse(JSON.parse(readFileSync(path, 'utf8'))).steps;
    } catch {
      renameSync(path, `${path}.broken-${Date.now()}`);
    }
  }

  get(lab: string, step: string): StepState | undefined {
    return this.#steps[`${lab}/${step}`];
  }

  set(state: StepState): void {
    this.#steps[`${state.lab}/${state.step}`] = state;
    this.#save();
  }

  clearLab(lab: string): void {
    for (const key of Object.keys(this.#steps)) if (key.startsWith(`${lab}/`)) delete this.#steps[key];
    this.#save();
  }

  #save(): void {
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, JSON.stringify({ version: 1, steps: this.#steps }, null, 2));
    renameSync(temporary, this.#path);
  }
}
