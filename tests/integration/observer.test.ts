// The cluster observer against the real 3-node cluster: the first picture, kafka-2 stopped
// and started again (the failover lab's moment), and what watching costs with 1 and 5 tabs.
// The only test allowed to stop a broker: it stops kafka-2 alone and always starts it again.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { compose, requireDocker, teardownCluster, waitForBrokers } from '../helpers/cluster.ts';
import { withAdmin } from '../../chapters/02-kafka/kafka-access.ts';
import { ClusterObserver } from '../../chapters/02-kafka/panel/observer.ts';
import type { ClusterSnapshot } from '../../chapters/02-kafka/panel/snapshot.ts';
import { ensureTopic } from '../../chapters/02-kafka/clients/common.ts';
import { createDocker } from '../../server/docker.ts';
import { KAFKA } from '../helpers/cluster.ts';

const run = promisify(execFile);
const TOPIC = 'upbit-ticker';

/** Collects one watcher's snapshots and lets the test wait for a picture. */
class Recorder {
  readonly seen: { at: number; snapshot: ClusterSnapshot }[] = [];
  #waiters: { match: (s: ClusterSnapshot) => boolean; resolve: (s: { at: number; snapshot: ClusterSnapshot }) => void }[] = [];

  readonly listener = (snapshot: ClusterSnapshot): void => {
    const entry = { at: Date.now(), snapshot };
    this.seen.push(entry);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(snapshot)) return true;
      w.resolve(entry);
      return false;
    });
  };

  /** Resolves with the first snapshot (already seen after `since`, or future) that matches. */
  waitFor(match: (s: ClusterSnapshot) => boolean, withinMs: number, what: string, since = 0): Promise<{ at: number; snapshot: ClusterSnapshot }> {
    const already = this.seen.find((e) => e.at >= since && match(e.snapshot));
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== wrapped);
        const last = this.seen.at(-1)?.snapshot;
        reject(new Error(`${what}: not seen within ${withinMs} ms; last snapshot ${JSON.stringify(last)}`));
      }, withinMs);
      const wrapped = (entry: { at: number; snapshot: ClusterSnapshot }) => {
        clearTimeout(timer);
        resolve(entry);
      };
      this.#waiters.push({ match, resolve: wrapped });
    });
  }
}

const kafka2 = (s: ClusterSnapshot) => s.brokers.find((b) => b.container === 'kafka-2');
const healthy = (s: ClusterSnapshot) =>
  s.reachable && s.brokers.length === 3 && s.brokers.every((b) => b.state === 'running' && b.registered)
  && s.partitions.length === 3 && s.partitions.every((p) => p.isr.length === 3);

// Each cluster suite starts its own cluster and leaves nothing behind.
before(async () => {
  await requireDocker();
  await compose(['up', '-d']);
  await waitForBrokers();
});
after(teardownCluster);

/** The lab clients' own helper: it waits out a new topic's metadata reaching every broker. */
async function prepareTopic(): Promise<void> {
  await withAdmin(KAFKA, (admin) => ensureTopic(admin, TOPIC));
}

async function kafka2Running(): Promise<boolean> {
  const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Running}}', 'kafka-2']);
  return stdout.trim() === 'true';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('observer: first picture, kafka-2 down and back, cost with 1 and 5 tabs', { timeout: 300_000 }, async () => {
  await prepareTopic();
  const observer = new ClusterObserver({ docker: createDocker(), endpoints: KAFKA });
  const recorder = new Recorder();
  const stopWatching = observer.watch(TOPIC, recorder.listener);
  const figures: Record<string, number | string> = {};
  try {
    const first = await recorder.waitFor(healthy, 60_000, 'a healthy first picture (3 running, registered brokers, ISR 3)');
    assert.equal(first.snapshot.topic, TOPIC);

    // Cost: admin requests per second over 10 s with one tab, then with five, both at the idle
    // pace (an unchanged picture slows the loop to 4 s after about 15 s; joining tabs of a
    // watched topic does not speed it up).
    await sleep(20_000);
    const rate = async (): Promise<{ admin: number; docker: number; polls: number }> => {
      const before = observer.stats();
      await sleep(10_000);
      const after = observer.stats();
      return { admin: (after.adminRequests - before.adminRequests) / 10, docker: (after.dockerRequests - before.dockerRequests) / 10, polls: (after.polls - before.polls) / 10 };
    };
    const one = await rate();
    const extra = [0, 1, 2, 3].map(() => observer.watch(TOPIC, () => undefined));
    const five = await rate();
    for (const stop of extra) stop();
    // Memory (every 5 s) and the quorum leader (every 10 s) have had time to arrive.
    const settled = recorder.seen.at(-1)?.snapshot;
    assert.ok(settled && settled.brokers.every((b) => b.memoryBytes !== null && b.memoryLimitBytes !== null), JSON.stringify(settled?.brokers));
    assert.ok(settled.quorumLeaderId !== null, 'quorum leader read');
    figures.memoryMiB = settled.brokers.map((b) => `${b.container} ${Math.round((b.memoryBytes ?? 0) / 2 ** 20)}/${Math.round((b.memoryLimitBytes ?? 0) / 2 ** 20)}`).join(', ');
    figures.quorumLeaderId = settled.quorumLeaderId;
    Object.assign(figures, {
      adminPerSec1Tab: one.admin, adminPerSec5Tabs: five.admin,
      dockerPerSec1Tab: one.docker, dockerPerSec5Tabs: five.docker,
      pollsPerSec1Tab: one.polls, pollsPerSec5Tabs: five.polls,
    });
    assert.ok(one.admin > 0);
    assert.ok(Math.abs(five.admin - one.admin) <= Math.max(1, one.admin * 0.25), `5 tabs ${five.admin}/s vs 1 tab ${one.admin}/s: same loop`);

    // kafka-2 goes down: the picture must show it within 15 s of `docker stop` returning.
    const stopIssued = Date.now();
    await run('docker', ['stop', 'kafka-2']);
    const stopReturned = Date.now();
    const down = await recorder.waitFor(
      (s) => s.reachable && (kafka2(s)?.state === 'stopped' || kafka2(s)?.registered === false) && s.partitions.length > 0 && s.partitions.every((p) => p.leader !== 2),
      15_000, 'kafka-2 down and no partition led by 2', stopIssued);
    figures.stopCommandMs = stopReturned - stopIssued;
    figures.downSeenAfterStopReturnedMs = down.at - stopReturned;
    const stoppedState = await recorder.waitFor((s) => kafka2(s)?.state === 'stopped', 15_000, 'kafka-2 container stopped', stopIssued);
    figures.stoppedStateSeenAfterStopReturnedMs = stoppedState.at - stopReturned;

    // kafka-2 comes back: registered again, then every ISR back to 3 within 90 s.
    const startIssued = Date.now();
    await run('docker', ['start', 'kafka-2']);
    const registered = await recorder.waitFor((s) => s.reachable && kafka2(s)?.state === 'running' && kafka2(s)?.registered === true, 90_000, 'kafka-2 registered again', startIssued);
    const caughtUp = await recorder.waitFor(healthy, 90_000, 'ISR back to 3 everywhere', startIssued);
    figures.registeredAfterStartMs = registered.at - startIssued;
    figures.isrRestoredAfterStartMs = caughtUp.at - startIssued;

    const events = recorder.seen.filter((e) => e.at >= stopIssued).flatMap((e) => e.snapshot.events.map((text) => `+${((e.at - stopIssued) / 1000).toFixed(1)}s ${text}`));
    assert.ok(events.some((e) => e.endsWith('kafka-2 중지')), events.join('\n'));
    assert.ok(events.some((e) => e.endsWith('kafka-2 다시 시작')), events.join('\n'));
    const stats = observer.stats();
    figures.snapshotsDelivered = recorder.seen.length;
    figures.polls = stats.polls;
    console.log(`observer figures ${JSON.stringify(figures)}`);
    console.log(`observer events since docker stop:\n  ${events.join('\n  ')}`);
  } finally {
    stopWatching();
    await observer.dispose();
    if (!(await kafka2Running())) await run('docker', ['start', 'kafka-2']);
  }
});
