// Builds the pieces every entry point shares (lab server, headless runner, tests) from the
// course a wiring point loaded: the terminal pool (each lab's shells start in the folder its
// lab says), the step engine with the chapters' checks, the panel hub, and one owner
// (`dispose`) that ends every shell and panel those pieces started.
import type Docker from 'dockerode';
import { join } from 'node:path';
import type { CourseParts } from './course.ts';
import { createDocker } from './docker.ts';
import { LabEngine, type EngineOptions } from './engine.ts';
import type { CourseLab } from './labs.ts';
import { PanelHub } from './panels/hub.ts';
import { REPO_ROOT, STATE_DIR } from './paths.ts';
import { ProgressStore } from './progress.ts';
import { TerminalPool } from './terminals/pool.ts';
import type { ShellRecorder } from './terminals/shell-ledger.ts';

export interface LabRuntime {
  labs: CourseLab[];
  docker: Docker;
  pool: TerminalPool;
  engine: LabEngine;
  panels: PanelHub;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** Keep progress in .lab-state/progress.json (the server does; headless runs do not). */
  persistProgress?: boolean;
  stateDir?: string;
  pollIntervalMs?: number;
  /** Extra environment for the lab shells (tests simulate a stopped engine with DOCKER_HOST). */
  terminalEnv?: Record<string, string>;
  /** The lab server's crash ledger (main.ts); headless runs keep none, so no reaper ever acts on their shells. */
  shellRecorder?: ShellRecorder;
}

export function createLabRuntime(course: CourseParts, options: RuntimeOptions = {}): LabRuntime {
  const stateDir = options.stateDir ?? STATE_DIR;
  const { labs } = course;
  const docker = createDocker();
  const cwdOf = new Map(labs.map((lab) => [lab.id, join(REPO_ROOT, lab.cwd)]));
  const pool = new TerminalPool({
    cwd: (lab) => cwdOf.get(lab) ?? REPO_ROOT,
    env: { UPBIT_LAB_STATE_DIR: stateDir, UPBIT_LAB_HISTFILE: join(stateDir, 'bash_history'), ...options.terminalEnv },
    ...(options.shellRecorder ? { recorder: options.shellRecorder } : {}),
  });
  const engineOptions: EngineOptions = { labs, checks: course.checks, course: course.facts, pool, docker, stateDir };
  if (options.persistProgress) engineOptions.progress = new ProgressStore(join(stateDir, 'progress.json'));
  if (options.pollIntervalMs !== undefined) engineOptions.pollIntervalMs = options.pollIntervalMs;
  const engine = new LabEngine(engineOptions);
  const panels = new PanelHub({ labs, kinds: course.panels, docker, stateDir });
  // A step starting or ending is when the cluster is about to change: live panels that slow
  // down while nothing happens go back to their full pace.
  const stopNudging = engine.onState((state) => {
    if (state.status === 'running' || state.status === 'passed' || state.status === 'failed') panels.nudge();
  });
  return {
    labs, docker, pool, engine, panels,
    dispose: async () => {
      stopNudging();
      await Promise.all([pool.dispose(), panels.dispose()]);
    },
  };
}
