// The shape every preflight probe returns, shared by `npm run doctor` and the test runner,
// so each caller can print or act on the same verdicts; and what the course asks of a laptop.
import type { ServiceSpec } from '../course.ts';

export type ProbeStatus = 'pass' | 'warn' | 'fail';

/** Groups of probes; one group may report several lines (a port each, an image each). */
export type ProbeId = 'docker-engine' | 'compose-v2' | 'images' | 'ports' | 'resources' | 'node' | 'containers';

export type ProbeResult = {
  /** Stable id; port and image probes add what they look at (`ports:29092`, `image:KAFKA_IMAGE`). */
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

export const DEFAULT_LAB_PORT = 4800;

/**
 * What the course asks of a laptop, taken from the chapters' manifests by the caller
 * (`npm run doctor`, the test runner): the preflight itself knows no chapter.
 */
export type PreflightCourse = {
  /** The compose project every chapter's containers belong to. */
  project: string;
  services: ReadonlyArray<ServiceSpec & { chapter: string }>;
  /** MiB of container memory limits the course needs at once (courseMemoryMiB). */
  memoryMiB: number;
  /** Lines chapters add beyond what their services imply. */
  extra?: ReadonlyArray<{ id: string; title: string; run(): Promise<ProbeResult> }>;
};
