// The replay ring stays bounded and keeps whole chunks; plain text drops escape sequences
// (including the shell-integration markers) so checks read what a learner sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputRing, toPlainText } from '../../../server/terminals/ring-buffer.ts';
import { demux } from '../../../server/docker.ts';
import { parseQuorumStatus } from '../../../chapters/02-kafka/kafka-access.ts';

test('the ring keeps the newest whole chunks within its capacity', () => {
  const ring = new OutputRing(10);
  for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dddd']) ring.push(chunk);
  assert.equal(ring.snapshot(), 'ccccdddd');
  assert.ok(ring.size <= 10);
});

test('plain text has no colours, cursor moves or OSC markers', () => {
  assert.equal(toPlainText('\u001b[1;32mok\u001b[0m\r\n\u001b]633;D;0;abc\u0007$ '), 'ok\n$ ');
});

test('quorum status output is parsed for leader and voters', () => {
  const parsed = parseQuorumStatus('LeaderId:              2\nCurrentVoters:          [{"id": 1, "endpoints": []}, {"id": 2}, {"id": 3}]\n');
  assert.deepEqual(parsed && { leader: parsed.leaderId, voters: parsed.voters }, { leader: 2, voters: [1, 2, 3] });
  assert.equal(parseQuorumStatus('LeaderId: -1\nCurrentVoters: [1,2,3]')?.leaderId, null);
  assert.equal(parseQuorumStatus('Timed out'), null);
});

test('docker exec output frames are demultiplexed', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };
  assert.equal(demux(Buffer.concat([frame(1, 'out '), frame(2, 'err')])), 'out err');
});
