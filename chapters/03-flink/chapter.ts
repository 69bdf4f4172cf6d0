// Chapter 3's manifest: the offline Upbit stand-in, the collector that feeds `upbit-ticker`,
// and a Flink 2.0 session cluster turning ticks into exactly-once 1-minute candles. Data only
// (the site, doctor and tests read it without loading Flink code); checks are in plugin.ts.
// Ports, container names, images and memory limits must match compose.yml
// (tests/unit/chapters.test.ts compares the two).
import { defineChapter } from '../../server/course.ts';

const FLINK_IMAGE = { variable: 'FLINK_IMAGE', fallback: 'upbit-lab/flink:2.0.0', offline: 'upbit-lab/flink:2.0.0' };
const NODE_IMAGE = { variable: 'NODE_IMAGE', fallback: 'upbit-lab/node:24', offline: 'upbit-lab/node:24' };

export const flinkChapter = defineChapter({
  id: 'flink',
  number: 3,
  title: 'Flink SQL로 1분 캔들',
  folder: '03-flink',
  doc: '03-flink',
  compose: 'compose.yml',
  workdir: 'compose',
  services: [
    {
      name: 'upbit-replay', container: 'upbit-replay', profile: 'flink',
      ports: [{ host: 8765, purpose: '업비트 대역 서버 (WebSocket·REST)' }],
      image: NODE_IMAGE, memoryMiB: 128,
    },
    {
      name: 'jobmanager', container: 'jobmanager', profile: 'flink',
      ports: [{ host: 8081, purpose: 'Flink 웹 UI·REST' }],
      image: FLINK_IMAGE, memoryMiB: 768,
    },
    { name: 'taskmanager', container: 'taskmanager', profile: 'flink', image: FLINK_IMAGE, memoryMiB: 1280 },
    {
      name: 'sql-gateway', container: 'sql-gateway', profile: 'flink',
      ports: [{ host: 8083, purpose: 'Flink SQL 게이트웨이 REST' }],
      image: FLINK_IMAGE, memoryMiB: 768,
    },
    // A JVM with the table planner does not fit the contract's 256M tool size: 256m heap
    // plus metaspace needs 512M (measured by the flink branch); the budget still fits 6 GB.
    { name: 'sql-client', role: 'tool', profile: 'flink-cli', image: FLINK_IMAGE, memoryMiB: 512 },
  ],
  labs: ['flink-source', 'flink-up', 'flink-sql', 'flink-candles', 'flink-tm-failure', 'flink-savepoint', 'flink-late-data'],
  panel: { kind: 'flink-jobs', with: { job: 'upbit-candles-1m' } },
  imageBuild: 'build-images.sh',
});
