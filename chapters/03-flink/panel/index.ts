// The `flink-jobs` panel kind: the JobManager's REST API read every 2 s while some tab watches
// (server/panels/polling.ts owns the timer and the in-flight read); tabs watching the same job
// share one read.
import { z } from 'zod';
import type { PanelKind } from '../../../server/course.ts';
import { pollingPanelSource } from '../../../server/panels/polling.ts';
import type { FlinkEndpoints } from '../flink-access.ts';
import { describeChanges, readFlinkJobs, sameView } from './reader.ts';
import { FLINK_JOBS_KIND } from './snapshot.ts';

const Options = z.object({ job: z.string().min(1).max(200).optional() }).strict();

export function flinkJobsPanel(endpoints: FlinkEndpoints): PanelKind {
  return {
    kind: FLINK_JOBS_KIND,
    options: Options,
    create: () => pollingPanelSource({
      pollMs: 2000,
      parse: (options) => Options.parse(options),
      keyOf: (options) => options.job ?? '',
      read: (options, signal) => readFlinkJobs(endpoints.rest, signal, options.job),
      same: sameView,
      changes: describeChanges,
    }),
  };
}
