// Chapter 2's check helpers: `defineCheck` fixed to the Kafka endpoints, and the context type
// its helper functions take.
import { checksFor, type CheckContext } from '../../../server/checks.ts';
import type { KafkaEndpoints } from '../kafka-access.ts';

export const defineCheck = checksFor<KafkaEndpoints>();
export type KafkaCheckContext = CheckContext<KafkaEndpoints>;
