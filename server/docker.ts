// The lab server's Docker access, the same engine a learner's `docker` talks to: container
// state, logs and `docker exec` with a deadline. Nothing here knows which containers a
// chapter has; checks and panels pass the names they got from their chapter.
import Docker from 'dockerode';

export function createDocker(): Docker {
  return new Docker();
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
export async function execInContainer(docker: Docker, container: string, argv: string[], timeoutSec = 20, env: string[] = []): Promise<ExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: ['timeout', String(timeoutSec), ...argv],
    Env: env,
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

export async function containerLogs(docker: Docker, container: string, sinceSec?: number, untilSec?: number): Promise<string> {
  // A bounded window (until) is read whole; otherwise the last 2,000 lines.
  const options: Docker.ContainerLogsOptions & { follow?: false } = { stdout: true, stderr: true, follow: false, ...(untilSec === undefined ? { tail: 2000 } : { until: untilSec }) };
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
