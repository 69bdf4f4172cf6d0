// Chapter 4's manifest: an S3-compatible object store (S3Proxy, built offline) that Paimon
// tables and Flink's checkpoints live in, and a throwaway S3 command-line tool. The Flink
// services themselves are chapter 3's (chapter 4 only merges its S3 settings onto them, see
// flink.override.yml). Data only; checks and the panel are in plugin.ts. Container names,
// ports, images and memory limits must equal compose.yml (tests/unit/chapters.test.ts).
import { defineChapter } from '../../server/course.ts';

export const lakehouseChapter = defineChapter({
  id: 'lakehouse',
  number: 4,
  title: 'S3와 Paimon으로 쌓는 레이크하우스',
  folder: '04-lakehouse',
  doc: '04-lakehouse',
  compose: 'compose.yml',
  workdir: 'compose',
  services: [
    {
      name: 'object-store', container: 'object-store', profile: 'lakehouse',
      ports: [{ host: 9000, purpose: 'S3 API (S3Proxy, 버킷 upbit-lake)' }],
      image: { variable: 'S3PROXY_IMAGE', fallback: 'upbit-lab/s3proxy:4.1.0', offline: 'upbit-lab/s3proxy:4.1.0' },
      memoryMiB: 256,
    },
    // `docker compose run --rm s3 ...`: mc with the alias `lake` set from compose/.env.
    {
      name: 's3', role: 'tool', profile: 'lakehouse-cli',
      image: { variable: 'S3_TOOLS_IMAGE', fallback: 'upbit-lab/s3-tools:1', offline: 'upbit-lab/s3-tools:1' },
      memoryMiB: 256,
    },
  ],
  labs: ['lakehouse-store', 'lakehouse-tables', 'lakehouse-stream', 'lakehouse-query', 'lakehouse-time-travel', 'lakehouse-maintenance', 'lakehouse-outage'],
  panel: { kind: 'lakehouse', with: {} },
  imageBuild: 'image/build.sh',
  // This machine's object-store keys (compose/.env): also on a workshop laptop that builds nothing.
  setup: 'credentials.sh',
});
