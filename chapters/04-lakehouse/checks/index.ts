// Chapter 4's checks, the names its lab files may use in `check.use` (all prefixed `lakehouse-`).
import type { CheckDefinition } from '../../../server/checks.ts';
import type { LakeEndpoints } from '../lake-access.ts';
import { LAKE_CHECKS as ALL } from './lake.ts';

// Each definition has its own parameter type; the list only needs the common shape.
export const LAKE_CHECKS = ALL as unknown as ReadonlyArray<CheckDefinition<never, LakeEndpoints>>;
