// The `flink-jobs` panel kind: one poller per lab server, reading the JobManager's REST API
// every 2 s only while some tab watches (and never twice at once), pushing a snapshot to each
// watcher when what it shows changed. The timer and in-flight request are the source's own:
// the last watcher leaving stops them, dispose() ends them for good.
import { z } from 'zod';
import type { PanelKind, PanelSource } from '../../../server/course.ts';
import type { FlinkEndpoints } from '../flink-access.ts';
import { describeChanges, readFlinkJobs, sameView } from './reader.ts';
import { FLINK_JOBS_KIND, type FlinkJobsSnapshot } from './snapshot.ts';

const Options = z.object({ job: z.string().min(1).max(200).optional() }).strict();
const POLL_MS = 2000;

interface Watcher { job: string | undefined; listener: (snapshot: FlinkJobsSnapshot) => void; last?: Omit<FlinkJobsSnapshot, 'events'> }

export function flinkJobsPanel(endpoints: FlinkEndpoints): PanelKind {
  return {
    kind: FLINK_JOBS_KIND,
    options: Options,
    create(): PanelSource {
      const watchers = new Set<Watcher>();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let inFlight: AbortController | null = null;
      let disposed = false;

      const tick = async () => {
        timer = null;
        if (disposed || watchers.size === 0) return;
        inFlight = new AbortController();
        const jobs = new Set([...watchers].map((w) => w.job));
        try {
          const reads = new Map(await Promise.all([...jobs].map(async (job) => [job, await readFlinkJobs(endpoints.rest, inFlight!.signal, job)] as const)));
          for (const watcher of watchers) {
            const next = reads.get(watcher.job)!;
            if (watcher.last && sameView(watcher.last, next)) continue;
            const events = describeChanges(watcher.last, next);
            watcher.last = next;
            watcher.listener({ ...next, events });
          }
        } catch {
          // A failed read shows as "unreachable" in the next successful one; nothing to push now.
        } finally {
          inFlight = null;
        }
        if (!disposed && watchers.size > 0) timer = setTimeout(() => void tick(), POLL_MS);
      };

      return {
        watch(options, listener) {
          const watcher: Watcher = { job: Options.parse(options).job, listener };
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
        },
      };
    },
  };
}
