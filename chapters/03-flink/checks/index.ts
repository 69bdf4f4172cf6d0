// Chapter 3's checks, the names its lab files may use in `check.use` (all prefixed `flink-`).
import type { CheckDefinition } from '../../../server/checks.ts';
import type { FlinkEndpoints } from '../flink-access.ts';
import { FLINK_JOB_CHECKS } from './flink.ts';
import { SAVEPOINT_CHECKS } from './savepoint.ts';
import { SOURCE_CHECKS } from './source.ts';

// Each definition has its own parameter type; the list only needs the common shape.
export const FLINK_CHECKS = [...SOURCE_CHECKS, ...FLINK_JOB_CHECKS, ...SAVEPOINT_CHECKS] as unknown as ReadonlyArray<CheckDefinition<never, FlinkEndpoints>>;
