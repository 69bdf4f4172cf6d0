// Which live panel a lab shows, and one running source per panel kind. A page asks by lab
// id only (`panel.watch { lab }`); the hub looks up the lab's declared panel (kind and
// options, from its lab file or chapter), starts that kind's source on first use and hands
// back the watcher's stop function. Disposing the hub disposes every source it started.
import type Docker from 'dockerode';
import type { PanelKind, PanelSource } from '../course.ts';
import type { CourseLab } from '../labs.ts';
import type { PanelSnapshot } from '../wire.ts';

export interface PanelHubOptions {
  labs: readonly CourseLab[];
  kinds: readonly PanelKind[];
  docker: Docker;
  /** The lab state folder, handed to every source (a panel may read what lab clients report there). */
  stateDir: string;
}

export class PanelHub {
  readonly #labs: ReadonlyMap<string, CourseLab>;
  readonly #kinds: ReadonlyMap<string, PanelKind>;
  readonly #docker: Docker;
  readonly #stateDir: string;
  readonly #sources = new Map<string, PanelSource>();
  #disposed = false;

  constructor(options: PanelHubOptions) {
    this.#labs = new Map(options.labs.map((lab) => [lab.id, lab]));
    this.#kinds = new Map(options.kinds.map((kind) => [kind.kind, kind]));
    this.#docker = options.docker;
    this.#stateDir = options.stateDir;
  }

  /** The lab's panel kind, or null when it shows none (or is unknown). */
  kindOf(labId: string): string | null {
    return this.#labs.get(labId)?.panel?.kind ?? null;
  }

  /** Starts watching the lab's panel; null when the lab has no panel. */
  watch(labId: string, listener: (snapshot: PanelSnapshot) => void): (() => void) | null {
    if (this.#disposed) return null;
    const panel = this.#labs.get(labId)?.panel;
    if (!panel) return null;
    const kind = this.#kinds.get(panel.kind);
    if (!kind) return null;
    let source = this.#sources.get(kind.kind);
    if (!source) {
      source = kind.create({ docker: this.#docker, stateDir: this.#stateDir });
      this.#sources.set(kind.kind, source);
    }
    return source.watch(panel.with, listener);
  }

  /** Tells every running source that a lab step started or ended. */
  nudge(): void {
    for (const source of this.#sources.values()) source.nudge?.();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    const sources = [...this.#sources.values()];
    this.#sources.clear();
    await Promise.allSettled(sources.map((source) => source.dispose()));
  }
}
