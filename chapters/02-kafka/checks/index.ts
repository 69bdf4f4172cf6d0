// The registry of checks that lab files may name in `check.use`.
import type { CheckDefinition } from './types.ts';
import { clusterReady, composePsOutput, containersRunning, nothingLeft, quorumHealthy, serverStartedLogs } from './cluster.ts';
import { brokerFailedOver, isrRestored, ledgerProgressing, ledgerVerified, writesBlocked } from './failover.ts';
import { groupActive, groupCaughtUp, groupEmpty, groupLagOutput, groupRebalanced } from './groups.ts';
import { consoleRoundtrip, producerReport } from './records.ts';
import { topicDescribeOutput, topicShape } from './topics.ts';
import { advertisedListenerError, clusterIdMismatch } from './troubleshoot.ts';

// Each definition has its own parameter type; the registry only needs the common shape.
type AnyCheck = CheckDefinition<never>;

export const CHECKS: ReadonlyMap<string, AnyCheck> = new Map(
  ([
    containersRunning, composePsOutput, serverStartedLogs, quorumHealthy, clusterReady, nothingLeft,
    topicShape, topicDescribeOutput,
    groupActive, groupEmpty, groupCaughtUp, groupLagOutput, groupRebalanced,
    consoleRoundtrip, producerReport,
    ledgerProgressing, brokerFailedOver, writesBlocked, isrRestored, ledgerVerified,
    clusterIdMismatch, advertisedListenerError,
  ] as unknown as AnyCheck[]).map((check) => [check.name, check]),
);
