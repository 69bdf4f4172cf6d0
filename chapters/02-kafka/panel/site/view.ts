// Turns a kafka-cluster panel snapshot into what the cluster panel shows: an SVG picture (brokers,
// quorum leader and controller, memory against the 512 MB limit, the topic's partitions with
// leader and ISR), a text description for screen readers, and a short newest-first timeline.
// State is carried by shape and words, never by colour alone. Pure strings, testable in node.
import type { BrokerView as Broker, ClusterSnapshot, PartitionView as Partition } from '../snapshot.ts';

/** docker-compose.yml limits every node to 512M. */
export const DEFAULT_MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
export const TIMELINE_LENGTH = 8;

const WIDTH = 360;
const COLUMN = WIDTH / 3;
const BROKER_BLOCK = 156;
const PARTITION_ROW = 28;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

type BrokerCondition = 'up' | 'starting' | 'down' | 'missing';

export function brokerCondition(broker: Broker): BrokerCondition {
  if (broker.state === 'missing') return 'missing';
  if (broker.state === 'stopped') return 'down';
  return broker.registered ? 'up' : 'starting';
}

const CONDITION_LABEL: Readonly<Record<BrokerCondition, string>> = {
  up: '실행 중',
  starting: '실행 중·미등록',
  down: '멈춤',
  missing: '컨테이너 없음',
};

export function roleLabel(snapshot: ClusterSnapshot, brokerId: number): string {
  const leader = snapshot.quorumLeaderId === brokerId;
  const controller = snapshot.controllerId === brokerId;
  if (leader && controller) return '쿼럼 리더·컨트롤러';
  if (leader) return '쿼럼 리더';
  if (controller) return '컨트롤러';
  return '';
}

function mib(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

export function memoryText(broker: Broker): string {
  if (broker.memoryBytes === null) return '메모리 정보 없음';
  const limit = broker.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
  return `${mib(broker.memoryBytes)} / ${mib(limit)} MiB`;
}

function brokerShape(condition: BrokerCondition, cx: number, cy: number, id: number): string {
  const label = `<text class="cl-node-id" x="${cx}" y="${cy + 5}" text-anchor="middle">${id}</text>`;
  if (condition === 'up') return `<circle class="cl-node cl-node-up" cx="${cx}" cy="${cy}" r="22"/>${label}`;
  if (condition === 'starting') return `<circle class="cl-node cl-node-starting" cx="${cx}" cy="${cy}" r="22" stroke-dasharray="5 4"/>${label}`;
  const box = `<rect class="cl-node cl-node-${condition}" x="${cx - 20}" y="${cy - 20}" width="40" height="40" rx="3"${condition === 'missing' ? ' stroke-dasharray="4 4"' : ''}/>`;
  // A stopped node is crossed out so "down" reads without colour.
  const cross = condition === 'down'
    ? `<path class="cl-node-cross" d="M${cx - 20} ${cy - 20} L${cx + 20} ${cy + 20} M${cx + 20} ${cy - 20} L${cx - 20} ${cy + 20}"/>`
    : '';
  return `${box}${cross}${label}`;
}

function brokerBlock(snapshot: ClusterSnapshot, broker: Broker, column: number): string {
  const cx = column * COLUMN + COLUMN / 2;
  const condition = brokerCondition(broker);
  const role = roleLabel(snapshot, broker.id);
  const parts: string[] = [];
  if (role) {
    const width = Math.min(COLUMN - 8, 18 + role.length * 11);
    parts.push(
      `<rect class="cl-role" x="${cx - width / 2}" y="4" width="${width}" height="20" rx="10"/>`,
      `<text class="cl-role-text" x="${cx}" y="18" text-anchor="middle">★ ${escapeXml(role)}</text>`,
    );
  }
  parts.push(brokerShape(condition, cx, 56, broker.id));
  parts.push(`<text class="cl-name" x="${cx}" y="98" text-anchor="middle">${escapeXml(broker.container)}</text>`);
  parts.push(`<text class="cl-state cl-state-${condition}" x="${cx}" y="114" text-anchor="middle">${CONDITION_LABEL[condition]}</text>`);
  const barWidth = COLUMN - 24;
  const barX = cx - barWidth / 2;
  parts.push(`<rect class="cl-mem-track" x="${barX}" y="124" width="${barWidth}" height="8" rx="2"/>`);
  if (broker.memoryBytes !== null) {
    const limit = broker.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT_BYTES;
    const ratio = Math.max(0, Math.min(1, broker.memoryBytes / limit));
    const high = ratio >= 0.9 ? ' cl-mem-high' : '';
    parts.push(`<rect class="cl-mem-fill${high}" x="${barX}" y="124" width="${(barWidth * ratio).toFixed(1)}" height="8" rx="2"/>`);
  }
  parts.push(`<text class="cl-mem-text" x="${cx}" y="148" text-anchor="middle">${escapeXml(memoryText(broker))}</text>`);
  return `<g class="cl-broker" data-broker="${broker.id}">${parts.join('')}</g>`;
}

function replicaChip(partition: Partition, replica: number, x: number, y: number): string {
  const leader = partition.leader === replica;
  const inIsr = partition.isr.includes(replica);
  const offline = partition.offline.includes(replica);
  const classes = ['cl-replica', inIsr ? 'cl-replica-isr' : 'cl-replica-out', leader ? 'cl-replica-leader' : '', offline ? 'cl-replica-offline' : '']
    .filter(Boolean)
    .join(' ');
  const dash = inIsr ? '' : ' stroke-dasharray="3 3"';
  const strike = offline ? `<path class="cl-replica-strike" d="M${x + 2} ${y + 18} L${x + 36} ${y + 2}"/>` : '';
  return `<rect class="${classes}" x="${x}" y="${y}" width="38" height="20" rx="4"${dash}/>` +
    `<text class="cl-replica-text" x="${x + 19}" y="${y + 14}" text-anchor="middle">${leader ? '★' : ''}${replica}</text>${strike}`;
}

export function partitionText(partition: Partition): string {
  const leader = partition.leader < 0 ? '리더 없음' : `리더 ${partition.leader}`;
  const offline = partition.offline.length > 0 ? ` · 오프라인 ${partition.offline.join(',')}` : '';
  return `${leader} · ISR ${partition.isr.join(',') || '없음'}${offline}`;
}

function partitionRow(partition: Partition, y: number): string {
  const chips = partition.replicas.map((replica, index) => replicaChip(partition, replica, 40 + index * 44, y)).join('');
  const shrunk = partition.isr.length < partition.replicas.length ? ' cl-partition-shrunk' : '';
  return `<g class="cl-partition${shrunk}" data-partition="${partition.partition}">` +
    `<text class="cl-partition-id" x="4" y="${y + 14}">P${partition.partition}</text>${chips}` +
    `<text class="cl-partition-text" x="${40 + Math.max(3, partition.replicas.length) * 44}" y="${y + 14}">${escapeXml(partitionText(partition))}</text></g>`;
}

/** Sentence read by screen readers (SVG <desc>) and used as the first announcement. */
export function describeSnapshot(snapshot: ClusterSnapshot): string {
  if (!snapshot.reachable) return `클러스터에 연결할 수 없습니다.${snapshot.note ? ` ${snapshot.note}` : ''}`;
  const running = snapshot.brokers.filter((broker) => brokerCondition(broker) === 'up').length;
  const sentences = [`브로커 ${snapshot.brokers.length}대 중 ${running}대가 실행 중이고 등록되어 있습니다.`];
  sentences.push(snapshot.quorumLeaderId === null ? '쿼럼 리더가 없습니다.' : `쿼럼 리더는 ${snapshot.quorumLeaderId}번입니다.`);
  if (snapshot.controllerId !== null && snapshot.controllerId !== snapshot.quorumLeaderId) sentences.push(`컨트롤러는 ${snapshot.controllerId}번입니다.`);
  for (const broker of snapshot.brokers) {
    const condition = brokerCondition(broker);
    if (condition !== 'up') sentences.push(`${broker.container}: ${CONDITION_LABEL[condition]}.`);
  }
  if (snapshot.partitions.length === 0) sentences.push(`토픽 ${snapshot.topic}의 파티션 정보가 없습니다.`);
  else {
    const shrunk = snapshot.partitions.filter((p) => p.isr.length < p.replicas.length).length;
    sentences.push(`토픽 ${snapshot.topic}: 파티션 ${snapshot.partitions.length}개, ISR이 줄어든 파티션 ${shrunk}개.`);
  }
  if (snapshot.note) sentences.push(snapshot.note);
  return sentences.join(' ');
}

export function renderClusterSvg(snapshot: ClusterSnapshot, titleId: string, descId: string): string {
  const brokers = [...snapshot.brokers].sort((a, b) => a.id - b.id);
  const partitions = [...snapshot.partitions].sort((a, b) => a.partition - b.partition);
  const body: string[] = brokers.slice(0, 3).map((broker, column) => brokerBlock(snapshot, broker, column));
  let y = BROKER_BLOCK + 10;
  body.push(`<text class="cl-heading" x="4" y="${y}">토픽 ${escapeXml(snapshot.topic)}</text>`);
  y += 10;
  if (partitions.length === 0) {
    body.push(`<text class="cl-muted" x="4" y="${y + 16}">${snapshot.reachable ? '파티션 정보가 아직 없습니다' : '클러스터에 연결할 수 없습니다'}</text>`);
    y += PARTITION_ROW;
  }
  for (const partition of partitions) {
    body.push(partitionRow(partition, y));
    y += PARTITION_ROW;
  }
  const height = y + 8;
  return `<svg class="cl-svg${snapshot.reachable ? '' : ' cl-unreachable'}" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${titleId}">클러스터 상태 그림</title><desc id="${descId}">${escapeXml(describeSnapshot(snapshot))}</desc>${body.join('')}</svg>`;
}

export type TimelineEntry = { at: number; text: string };

/** Keeps the last few events across snapshots, newest first. */
export class ClusterTimeline {
  #entries: TimelineEntry[] = [];

  /** Returns the events that are new in this snapshot (for the live region). */
  add(snapshot: ClusterSnapshot): string[] {
    const fresh = snapshot.events.filter((text) => text.trim() !== '');
    for (const text of fresh) this.#entries.unshift({ at: snapshot.at, text });
    this.#entries.length = Math.min(this.#entries.length, TIMELINE_LENGTH);
    return fresh;
  }

  get entries(): readonly TimelineEntry[] {
    return this.#entries;
  }
}

