// The shape most panel kinds share: read something every few seconds, only while a tab
// watches and never twice at once, and push a snapshot to each watcher when what it shows
// changed (with the changes described). Watchers whose options ask for the same reading share
// one read per tick. The timer and the in-flight read belong to the source: the last watcher
// leaving stops the timer, dispose() ends both for good and runs the kind's own cleanup.
import type { PanelSource } from '../course.ts';
import type { PanelSnapshot } from '../wire.ts';

export interface PollingSpec<Options, View extends PanelSnapshot> {
  pollMs: number;
  /** Validates a watcher's options (the lab's `panel.with`); throws on bad input. */
  parse(options: Record<string, unknown>): Options;
  /** Watchers with the same key see the same reading. */
  keyOf(options: Options): string;
  read(options: Options, signal: AbortSignal): Promise<View>;
  same(previous: View, next: View): boolean;
  changes(previous: View | undefined, next: View): string[];
  /** Releases what the kind holds besides the timer and the read (an S3 client, say). */
  onDispose?(): void;
}

interface Watcher<Options, View> { options: Options; key: string; listener: (snapshot: PanelSnapshot) => void; last?: View }

export function pollingPanelSource<Options, View extends PanelSnapshot>(spec: PollingSpec<Options, View>): PanelSource {
  const watchers = new Set<Watcher<Options, View>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: AbortController | null = null;
  let disposed = false;

  const tick = async () => {
    timer = null;
    if (disposed || watchers.size === 0) return;
    const controller = new AbortController();
    inFlight = controller;
    const byKey = new Map<string, Options>();
    for (const watcher of watchers) if (!byKey.has(watcher.key)) byKey.set(watcher.key, watcher.options);
    try {
      const reads = new Map(await Promise.all([...byKey].map(async ([key, options]) => [key, await spec.read(options, controller.signal)] as const)));
      for (const watcher of watchers) {
        const next = reads.get(watcher.key);
        if (!next || (watcher.last && spec.same(watcher.last, next))) continue;
        const events = spec.changes(watcher.last, next);
        watcher.last = next;
        watcher.listener({ ...next, events });
      }
    } catch {
      // A failed read shows as "unreachable" in the next successful one; nothing to push now.
    } finally {
      inFlight = null;
    }
    if (!disposed && watchers.size > 0) timer = setTimeout(() => void tick(), spec.pollMs);
  };

  return {
    watch(raw, listener) {
      const options = spec.parse(raw);
      const watcher: Watcher<Options, View> = { options, key: spec.keyOf(options), listener };
      watchers.add(watcher);
      if (!timer && !inFlight && !disposed) timer = setTimeout(() => void tick(), 0);
      return () => {
        watchers.delete(watcher);
        if (watchers.size === 0 && timer) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
    async dispose() {
      disposed = true;
      watchers.clear();
      if (timer) clearTimeout(timer);
      timer = null;
      inFlight?.abort();
      spec.onDispose?.();
    },
  };
}
