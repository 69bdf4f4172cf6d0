// One short-lived, read-only view of the Docker engine shared by several probes, so a doctor
// run asks the engine for /_ping, /version, /info and the container list once each, and every
// call has a deadline: a stopped Docker Desktop must turn into a finding, never a hang.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { demux } from '../docker.ts';

export const DEFAULT_DOCKER_TIMEOUT_MS = 2500;

export type EngineFacts =
  | {
    reachable: true;
    endpoint: string;
    version: string;
    apiVersion: string;
    platform: string;
    /** From /info: on macOS/Windows this is Docker Desktop's VM, which is what the brokers get. */
    memTotalBytes: number | null;
    cpus: number | null;
    operatingSystem: string | null;
  }
  | { reachable: false; endpoint: string; errorCode: string; message: string };

export type ContainerSummary = {
  name: string;
  state: string;
  project: string | null;
  publicPorts: number[];
};

/** Subset of GET /info we read; dockerode types it as `any`. */
type EngineInfo = { MemTotal?: unknown; NCPU?: unknown; OperatingSystem?: unknown };

/**
 * dockerode 5 accepts `{ abortSignal }` on ping/version/info at runtime, but @types/dockerode 4
 * declares them without options; this is the runtime signature we rely on.
 */
type SignalledCall<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/** Where dockerode will connect, in the same order docker-modem resolves it. */
export function describeDockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['DOCKER_HOST'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.platform === 'win32') return 'npipe:////./pipe/docker_engine';
  const desktopSocket = join(homedir(), '.docker', 'run', 'docker.sock');
  return `unix://${existsSync(desktopSocket) ? desktopSocket : '/var/run/docker.sock'}`;
}

function errorCodeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    // Our only abort source is the per-call timeout signal, so an abort means "no answer in time".
    if (name === 'AbortError' || name === 'TimeoutError' || code === 'ABORT_ERR') return 'ETIMEDOUT';
    if (typeof code === 'string') return code;
  }
  return 'UNKNOWN';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DockerSession {
  readonly timeoutMs: number;
  readonly endpoint: string;
  /** Created up front so DOCKER_HOST is read once, when the session is made, like `endpoint`. */
  readonly #docker: Docker | null;
  readonly #setupError: unknown;
  #engine: Promise<EngineFacts> | null = null;
  #containers: Promise<ContainerSummary[] | null> | null = null;

  constructor(timeoutMs: number = DEFAULT_DOCKER_TIMEOUT_MS) {
    this.timeoutMs = timeoutMs;
    this.endpoint = describeDockerEndpoint();
    let docker: Docker | null = null;
    let setupError: unknown = null;
    try {
      // `new Docker(options)` merges options over docker-modem's defaults, so DOCKER_HOST still
      // applies; `timeout` also covers a socket that accepts but never answers.
      docker = new Docker({ timeout: timeoutMs });
    } catch (error) {
      // docker-modem throws synchronously on a malformed DOCKER_HOST; engine() reports it.
      setupError = error;
    }
    this.#docker = docker;
    this.#setupError = setupError;
  }

  #client(): Docker {
    if (this.#docker === null) throw new Error('Docker client unavailable');
    return this.#docker;
  }

  #signal(): AbortSignal {
    // AbortSignal.timeout's timer is unref'd and owned by the runtime: nothing to dispose.
    return AbortSignal.timeout(this.timeoutMs);
  }

  engine(): Promise<EngineFacts> {
    this.#engine ??= this.#readEngine();
    return this.#engine;
  }

  async #readEngine(): Promise<EngineFacts> {
    const endpoint = this.endpoint;
    const docker = this.#docker;
    if (docker === null) return { reachable: false, endpoint, errorCode: 'EINVAL', message: messageOf(this.#setupError) };
    try {
      const ping = docker.ping.bind(docker) as unknown as SignalledCall<unknown>;
      const version = docker.version.bind(docker) as unknown as SignalledCall<Docker.DockerVersion>;
      const info = docker.info.bind(docker) as unknown as SignalledCall<EngineInfo>;
      await ping({ abortSignal: this.#signal() });
      const [versionData, infoData] = await Promise.all([
        version({ abortSignal: this.#signal() }),
        info({ abortSignal: this.#signal() }).catch(() => null),
      ]);
      return {
        reachable: true,
        endpoint,
        version: versionData.Version,
        apiVersion: versionData.ApiVersion,
        platform: `${versionData.Os}/${versionData.Arch}`,
        memTotalBytes: typeof infoData?.MemTotal === 'number' ? infoData.MemTotal : null,
        cpus: typeof infoData?.NCPU === 'number' ? infoData.NCPU : null,
        operatingSystem: typeof infoData?.OperatingSystem === 'string' ? infoData.OperatingSystem : null,
      };
    } catch (error) {
      return { reachable: false, endpoint, errorCode: errorCodeOf(error), message: messageOf(error) };
    }
  }

  /** Every container (running or not), or null when the engine cannot be asked. */
  containers(): Promise<ContainerSummary[] | null> {
    this.#containers ??= this.#listContainers();
    return this.#containers;
  }

  async #listContainers(): Promise<ContainerSummary[] | null> {
    if (!(await this.engine()).reachable) return null;
    try {
      const list = await this.#client().listContainers({ all: true, abortSignal: this.#signal() });
      return list.map((container) => ({
        name: (container.Names[0] ?? container.Id.slice(0, 12)).replace(/^\//, ''),
        state: container.State,
        project: container.Labels['com.docker.compose.project'] ?? null,
        publicPorts: [...new Set(container.Ports.flatMap((port) => (port.PublicPort ? [port.PublicPort] : [])))],
      }));
    } catch {
      return null;
    }
  }

  /** The last `lines` lines a container logged (stdout and stderr), or null when unreadable. */
  async logTail(name: string, lines: number): Promise<string | null> {
    if (!(await this.engine()).reachable) return null;
    try {
      // Container#logs ignores abortSignal too; the socket timeout bounds it.
      const raw: unknown = await this.#client().getContainer(name).logs({ stdout: true, stderr: true, follow: false, tail: lines });
      return demuxLogs(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
    } catch {
      return null;
    }
  }

  /** true/false when the engine answered, null when it could not be asked. */
  async imageExists(reference: string): Promise<boolean | null> {
    if (!(await this.engine()).reachable) return null;
    try {
      // Image#inspect ignores abortSignal; the client's socket timeout bounds it instead.
      await this.#client().getImage(reference).inspect();
      return true;
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      return status === 404 ? false : null;
    }
  }
}

/** Docker frames non-TTY logs as 8-byte headers + payload; a TTY container's logs are plain. */
function demuxLogs(buffer: Buffer): string {
  const framed = buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  return framed ? demux(buffer) : buffer.toString('utf8');
}
