// Builds the pieces every entry point shares (lab server, headless runner, tests): the lab
// definitions, the terminal pool in the compose workspace, the step engine, and one owner
// (`dispose`) that kills every shell those pieces started.
import type Docker from 'dockerode';
import { loadLabs, type Lab } from '../labs/schema.ts';
import { createDocker } from './cluster-access.ts';
import { LabEngine } from './engine.ts';
import { STATE_DIR, WORKSPACE_DIR } from './paths.ts';
import { ProgressStore } from './progress.ts';
import { TerminalPool } from './terminals/pool.ts';
import { join } from 'node:path';

export interface LabRuntime {
  labs: Lab[];
  docker: Docker;
  pool: TerminalPool;
  engine: LabEngine;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** Keep progress in .lab-state/progress.json (the server does; headless runs do not). */
  persistProgress?: boolean;
  stateDir?: string;
  pollIntervalMs?: number;
  /** Extra environment for the lab shells (tests simulate a stopped engine with DOCKER_HOST). */
  terminalEnv?: Record<string, string>;
}

export function createLabRuntime(options: RuntimeOptions = {}): LabRuntime {
  const stateDir = options.stateDir ?? STATE_DIR;
  const labs = loadLabs();
  const docker = createDocker();
  const pool = new TerminalPool({ cwd: WORKSPACE_DIR, env: { UPBIT_LAB_STATE_DIR: stateDir, UPBIT_LAB_HISTFILE: join(stateDir, 'bash_history'), ...options.terminalEnv } });
  const engineOptions: ConstructorParameters<typeof LabEngine>[0] = { labs, pool, docker, stateDir };
  if (options.persistProgress) engineOptions.progress = new ProgressStore(join(stateDir, 'progress.json'));
  if (options.pollIntervalMs !== undefined) engineOptions.pollIntervalMs = options.pollIntervalMs;
  const engine = new LabEngine(engineOptions);
  return { labs, docker, pool, engine, dispose: () => pool.dispose() };
}
