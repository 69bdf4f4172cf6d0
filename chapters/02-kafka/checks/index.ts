// Chapter 2's checks, the names its lab files may use in `check.use`.
import { clusterReady, composePsOutput, containersRunning, nothingLeft, quorumHealthy, serverStartedLogs } from './cluster.ts';
import { brokerFailedOver, isrRestored, ledgerProgressing, ledgerVerified, writesBlocked } from './failover.ts';
import { groupActive, groupCaughtUp, groupEmpty, groupLagOutput, groupRebalanced } from './groups.ts';
import { consoleRoundtrip, producerReport } from './records.ts';
import { topicDescribeOutput, topicShape } from './topics.ts';
import { advertisedListenerError, clusterIdMismatch } from './troubleshoot.ts';
import type { CheckDefinition } from '../../../server/checks.ts';
import type { KafkaEndpoints } from '../kafka-access.ts';

// Each definition has its own parameter type; the list only needs the common shape.
export const KAFKA_CHECKS = [
  containersRunning, composePsOutput, serverStartedLogs, quorumHealthy, clusterReady, nothingLeft,
  topicShape, topicDescribeOutput,
  groupActive, groupEmpty, groupCaughtUp, groupLagOutput, groupRebalanced,
  consoleRoundtrip, producerReport,
  ledgerProgressing, brokerFailedOver, writesBlocked, isrRestored, ledgerVerified,
  clusterIdMismatch, advertisedListenerError,
] as unknown as ReadonlyArray<CheckDefinition<never, KafkaEndpoints>>;
