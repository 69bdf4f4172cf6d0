// Two fixes for kafkajs 2.2.4 (unmaintained; its last release is from 2023), imported for
// their effect by everything in the course that talks Kafka through it.
//
// 1. A busy timer. RequestQueue.scheduleCheckPendingRequests schedules its next check at
//    `throttledUntil - now`, which is negative when nothing is throttled, so Node runs it
//    after 1 ms; the check then schedules the next one, forever, once any request has ever
//    waited in the queue. Each open broker connection then wakes the process ~1,000 times a
//    second: the lab server spent 3 % of a core with one idle tab watching the cluster (strace:
//    1,600 epoll waits a second) and every long-lived client paid the same. The check is now
//    only scheduled while a request waits or a throttle is active, which is all it is for.
// 2. The same negative delays made Node 24 print TimeoutNegativeWarning on every run; with
//    (1) they no longer occur, and the warning stays filtered in case another path has one,
//    so learners do not mistake it for a lab failure.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(): void;
}

const require = createRequire(import.meta.url);
// Resolved from kafkajs's own entry point, so this is the module instance kafkajs itself uses.
const queuePath = join(dirname(require.resolve('kafkajs')), 'src', 'network', 'requestQueue', 'index.js');
/** kafkajs's RequestQueue class, patched here (exported for the test of the patch). */
export const RequestQueue = require(queuePath) as { prototype: RequestQueueInternals };
const scheduleOriginal = RequestQueue.prototype.scheduleCheckPendingRequests;
RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleOnlyWhenWaiting(this: RequestQueueInternals): void {
  if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
  scheduleOriginal.call(this);
};

const originalEmitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === 'string' ? (typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type) : warning.name;
  if (name === 'TimeoutNegativeWarning') return;
  // The rest parameters are whatever Node's overloads accept; pass them through untouched.
  (originalEmitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
