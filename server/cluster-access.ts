// How the lab server reaches the cluster from the host, the same way a learner's own code
// does: kafkajs through the published EXTERNAL listeners, dockerode for containers.
// Clients are short-lived with small timeouts so a check against a broken cluster fails in
// seconds with a reason instead of hanging.
import Docker from 'dockerode';
import '../labs/clients/quiet-kafkajs.ts';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export const PROJECT = 'upbit-pipeline';
export const BROKER_CONTAINERS = ['kafka-1', 'kafka-2', 'kafka-3'] as const;
// UPBIT_LAB_BOOTSTRAP lets a test point the checks at a private cluster (other ports) when the
// shared one is busy; the course itself always uses the published 29092-29094.
export const HOST_BOOTSTRAP = process.env['UPBIT_LAB_BOOTSTRAP']?.split(',') ?? ['localhost:29092', 'localhost:29093', 'localhost:29094'];

export function createDocker(): Docker {
  return new Docker();
}

export function createKafka(clientId = 'upbit-lab-check'): Kafka {
  return new Kafka({
    clientId,
    brokers: HOST_BOOTSTRAP,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 8000,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
  });
}

/** Runs `use` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafka().admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface ExecResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/**
 * Runs a command inside a container (like `docker exec`) with a deadline. The command is
 * wrapped in `timeout` so a tool waiting on a dead quorum cannot outlive the check.
 */
export async function execInContainer(docker: Docker, container: string, argv: string[], timeoutSec = 20): Promise<ExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: ['timeout', String(timeoutSec), ...argv],
    // A tool JVM would inherit the broker's -Xms128m heap and share its 512M limit; a small
    // heap keeps a check from pushing the broker it inspects into the OOM killer.
    Env: ['KAFKA_HEAP_OPTS=-Xmx64m -Xms16m'],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    const guard = setTimeout(() => {
      stream.destroy();
      resolve();
    }, (timeoutSec + 5) * 1000);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      clearTimeout(guard);
      resolve();
    });
    stream.on('error', () => {
      clearTimeout(guard);
      resolve();
    });
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode, output: demux(Buffer.concat(chunks)), timedOut: info.ExitCode === 124 };
}

/** Docker multiplexes stdout/stderr in 8-byte-header frames when there is no TTY. */
export function demux(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

export async function containerLogs(docker: Docker, container: string, sinceSec?: number): Promise<string> {
  const options: Docker.ContainerLogsOptions & { follow?: false } = { stdout: true, stderr: true, follow: false, tail: 2000 };
  if (sinceSec !== undefined) options.since = sinceSec;
  const raw = await docker.getContainer(container).logs(options);
  return demux(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
}

export interface ContainerState {
  name: string;
  exists: boolean;
  running: boolean;
  status: string;
  exitCode: number | null;
  startedAt: number | null;
  env: string[];
}

export async function containerState(docker: Docker, name: string): Promise<ContainerState> {
  try {
    const info = await docker.getContainer(name).inspect();
    return {
      name,
      exists: true,
      running: info.State.Running,
      status: info.State.Status,
      exitCode: info.State.ExitCode,
      startedAt: Date.parse(info.State.StartedAt) || null,
      env: info.Config.Env ?? [],
    };
  } catch {
    return { name, exists: false, running: false, status: 'missing', exitCode: null, startedAt: null, env: [] };
  }
}

export interface QuorumStatus {
  leaderId: number | null;
  voters: number[];
  raw: string;
}

export function parseQuorumStatus(output: string): QuorumStatus | null {
  const leader = /LeaderId:\s*(-?\d+)/.exec(output);
  const voters = /CurrentVoters:\s*(.*)/.exec(output);
  if (!leader || !voters) return null;
  const ids = [...voters[1]!.matchAll(/"id":\s*(\d+)|(?:^|[\[,\s])(\d+)(?=[,\]\s])/g)].map((m) => Number(m[1] ?? m[2]));
  const leaderId = Number(leader[1]);
  return { leaderId: leaderId >= 0 ? leaderId : null, voters: [...new Set(ids)].sort(), raw: output };
}

/** Asks a running broker for the controller quorum; null when no node can answer. */
export async function describeQuorum(docker: Docker, timeoutSec = 20): Promise<QuorumStatus | null> {
  for (const container of BROKER_CONTAINERS) {
    const state = await containerState(docker, container);
    if (!state.running) continue;
    const result = await execInContainer(docker, container,
      ['/opt/kafka/bin/kafka-metadata-quorum.sh', '--bootstrap-server', 'localhost:9092', 'describe', '--status'], timeoutSec);
    const parsed = parseQuorumStatus(result.output);
    if (parsed) return parsed;
  }
  return null;
}
