// The cluster picture must say everything in shapes and words (not colour alone), escape
// what the server sends, and keep a newest-first timeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterSnapshot } from '../../../chapters/02-kafka/panel/snapshot.ts';
import { ClusterTimeline, describeSnapshot, escapeXml, memoryText, partitionText, renderClusterSvg, TIMELINE_LENGTH } from '../../../chapters/02-kafka/panel/site/view.ts';

const MiB = 1024 * 1024;

function snapshot(overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    kind: 'kafka-cluster',
    at: Date.UTC(2025, 0, 1, 3, 4, 5),
    reachable: true,
    controllerId: 1,
    quorumLeaderId: 1,
    brokers: [
      { id: 2, container: 'kafka-2', state: 'stopped', registered: false, memoryBytes: null, memoryLimitBytes: null },
      { id: 1, container: 'kafka-1', state: 'running', registered: true, memoryBytes: 300 * MiB, memoryLimitBytes: 512 * MiB },
      { id: 3, container: 'kafka-3', state: 'running', registered: true, memoryBytes: 500 * MiB, memoryLimitBytes: null },
    ],
    topic: 'ledger',
    partitions: [
      { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 3], offline: [2] },
      { partition: 1, leader: 3, replicas: [3, 1, 2], isr: [3, 1], offline: [2] },
    ],
    events: [],
    ...overrides,
  };
}

test('brokers: up is a circle, stopped a crossed box, and both are said in words', () => {
  const svg = renderClusterSvg(snapshot(), 't', 'd');
  assert.match(svg, /role="img" aria-labelledby="t d"/);
  assert.match(svg, /<circle class="cl-node cl-node-up"/);
  assert.match(svg, /cl-node-down/);
  assert.match(svg, /cl-node-cross/);
  assert.match(svg, />멈춤</);
  assert.match(svg, />실행 중</);
  assert.match(svg, /★ 쿼럼 리더·컨트롤러/);
  assert.ok(svg.indexOf('data-broker="1"') < svg.indexOf('data-broker="2"'), 'brokers are drawn in id order');
});

test('memory is shown against the limit, 512 MiB when unknown', () => {
  const [stopped, first, third] = snapshot().brokers;
  assert.equal(memoryText(first!), '300 / 512 MiB');
  assert.equal(memoryText(third!), '500 / 512 MiB');
  assert.equal(memoryText(stopped!), '메모리 정보 없음');
  assert.match(renderClusterSvg(snapshot(), 't', 'd'), /cl-mem-high/, 'near the limit is flagged');
});

test('partitions list leader and ISR in text and mark the leader replica', () => {
  const svg = renderClusterSvg(snapshot(), 't', 'd');
  assert.match(svg, /P0/);
  assert.match(svg, /★1/);
  assert.equal(partitionText(snapshot().partitions[0]!), '리더 1 · ISR 1,3 · 오프라인 2');
  assert.equal(partitionText({ partition: 2, leader: -1, replicas: [1], isr: [], offline: [1] }), '리더 없음 · ISR 없음 · 오프라인 1');
});

test('the description covers what a sighted learner sees', () => {
  const text = describeSnapshot(snapshot());
  assert.match(text, /브로커 3대 중 2대/);
  assert.match(text, /쿼럼 리더는 1번/);
  assert.match(text, /kafka-2: 멈춤/);
  assert.match(text, /ISR이 줄어든 파티션 2개/);
  assert.match(describeSnapshot(snapshot({ reachable: false, note: 'docker가 응답하지 않습니다' })), /연결할 수 없습니다\. docker가/);
});

test('server text is escaped', () => {
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  const svg = renderClusterSvg(snapshot({ topic: '<script>' }), 't', 'd');
  assert.ok(!svg.includes('<script>'));
});

test('the timeline is newest first and short', () => {
  const timeline = new ClusterTimeline();
  assert.deepEqual(timeline.add(snapshot({ events: ['kafka-2가 멈췄습니다'] })), ['kafka-2가 멈췄습니다']);
  timeline.add(snapshot({ at: 2, events: ['P0 리더 1 → 3', ''] }));
  assert.deepEqual(timeline.entries.map((e) => e.text), ['P0 리더 1 → 3', 'kafka-2가 멈췄습니다']);
  for (let i = 0; i < 20; i++) timeline.add(snapshot({ events: [`e${i}`] }));
  assert.equal(timeline.entries.length, TIMELINE_LENGTH);
  assert.equal(timeline.entries[0]!.text, 'e19');
});
