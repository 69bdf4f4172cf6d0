// Chapter 3's check helpers: `defineCheck` fixed to the Flink chapter's endpoints.
import { checksFor, type CheckContext } from '../../../server/checks.ts';
import type { FlinkEndpoints } from '../flink-access.ts';

export const defineCheck = checksFor<FlinkEndpoints>();
export type FlinkCheckContext = CheckContext<FlinkEndpoints>;
