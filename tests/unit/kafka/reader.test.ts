// Unit tests for the probe's pure readers (server/observer/probe.ts): the KRaft quorum-state
// file and Docker's memory figures, which the observer reads without starting a JVM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokerIdOf, memoryFromStats, pickQuorumLeader } from '../../../chapters/02-kafka/panel/reader.ts';

const file = (leaderId: number, leaderEpoch: number) =>
  `{"clusterId":"","leaderId":${leaderId},"leaderEpoch":${leaderEpoch},"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}\n`;

test('the quorum leader comes from the newest epoch any running node has seen', () => {
  assert.equal(pickQuorumLeader([file(3, 6), file(3, 6), file(3, 6)]), 3);
  // kafka-2 just restarted and still holds the file from before the election.
  assert.equal(pickQuorumLeader([file(1, 8), file(3, 6), file(1, 8)]), 1);
  // A candidate after losing the majority: no leader.
  assert.equal(pickQuorumLeader([file(-1, 9), file(1, 8)]), null);
  assert.equal(pickQuorumLeader(['', 'cat: No such file or directory', '{"leaderId":"x"}']), null);
  assert.equal(pickQuorumLeader([]), null);
});

test('memory in use leaves out reclaimable page cache, as docker stats does', () => {
  const MiB = 1024 * 1024;
  const v1 = { memory_stats: { usage: 400 * MiB, limit: 512 * MiB, stats: { total_inactive_file: 10 * MiB, inactive_file: 3 * MiB } } };
  assert.deepEqual(memoryFromStats(v1), { usageBytes: 390 * MiB, limitBytes: 512 * MiB });
  const v2 = { memory_stats: { usage: 400 * MiB, limit: 512 * MiB, stats: { inactive_file: 4 * MiB } } };
  assert.deepEqual(memoryFromStats(v2), { usageBytes: 396 * MiB, limitBytes: 512 * MiB });
  assert.equal(memoryFromStats({ memory_stats: {} }), null, 'a stopped container reports no figures');
  assert.equal(memoryFromStats({}), null);
});

test('broker id from the container name', () => {
  assert.equal(brokerIdOf('kafka-2'), 2);
  assert.ok(Number.isNaN(brokerIdOf('kafka-ui')));
});
