// Public surface of the preflight probes, so the lab server and the test runner import one
// module instead of reaching into each probe file.
export { probeBrokerExits } from './broker-exits.ts';
export { probeComposeV2, parseComposeVersion } from './compose.ts';
export { probeContainers } from './containers.ts';
export { probeDockerEngine, START_DOCKER_FIX } from './docker-engine.ts';
export { DockerSession, describeDockerEndpoint } from './docker-session.ts';
export { formatReport, summarize } from './format.ts';
export { probeKafkaImage, resolveKafkaImage } from './kafka-image.ts';
export { probeNodeVersion, supportsTypeStripping } from './node-version.ts';
export { checkPortFree, findPortHolders, probePort, type PortProbeOptions } from './ports.ts';
export { probeResources } from './resources.ts';
export { ALL_PROBES, labPortFromEnv, runPreflight, type PreflightOptions } from './run.ts';
export type { PreflightReport, ProbeId, ProbeResult, ProbeStatus } from './types.ts';
