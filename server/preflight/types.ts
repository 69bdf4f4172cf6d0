// The shape every preflight probe returns, shared by `npm run doctor`, the lab server's
// start-up and the test runner, so each caller can print or act on the same verdicts.

export type ProbeStatus = 'pass' | 'warn' | 'fail';

export type ProbeId = 'docker-engine' | 'compose-v2' | 'kafka-image' | 'ports' | 'resources' | 'node' | 'containers' | 'brokers';

export type ProbeResult = {
  /** Stable id; port probes add the port (`ports:29092`) so several can be told apart. */
  id: string;
  /** Short Korean label shown in the table. */
  title: string;
  status: ProbeStatus;
  /** Korean: what was found. */
  detail: string;
  /** Korean: exactly what to do. Present whenever status is not 'pass'. */
  fix?: string;
};

export type PreflightReport = {
  ok: boolean;
  results: ProbeResult[];
  durationMs: number;
};

/** The compose project and container names the course's cluster uses (compose/docker-compose.yml). */
export const COMPOSE_PROJECT = 'upbit-pipeline';
export const KAFKA_CONTAINERS = ['kafka-1', 'kafka-2', 'kafka-3'] as const;
export const KAFKA_EXTERNAL_PORTS = [29092, 29093, 29094] as const;
export const KAFKA_UI_PORT = 8080;
export const DEFAULT_LAB_PORT = 4800;
