// Chapter 2's manifest: the 3-node KRaft cluster. Data only (the site, doctor and tests read
// it without loading Kafka code); its checks and panel are in plugin.ts. Ports, container
// names and memory limits here must match compose.yml (tests/unit/chapters.test.ts compares).
import { defineChapter } from '../../server/course.ts';

const KAFKA_IMAGE = { variable: 'KAFKA_IMAGE', fallback: 'apache/kafka:4.4.0', offline: 'upbit-lab/kafka:4.4.0' };

const broker = (id: number) => ({
  name: `kafka-${id}`,
  container: `kafka-${id}`,
  ports: [{ host: 29091 + id, purpose: `Kafka EXTERNAL, kafka-${id}` }],
  image: KAFKA_IMAGE,
  memoryMiB: 512,
});

export const kafkaChapter = defineChapter({
  id: 'kafka',
  number: 2,
  title: 'Kafka KRaft 3노드 클러스터',
  folder: '02-kafka',
  doc: '02-kafka-kraft',
  compose: 'compose.yml',
  workdir: 'compose',
  services: [
    broker(1), broker(2), broker(3),
    { name: 'kafka-cli', role: 'tool', profile: 'cli', image: KAFKA_IMAGE, memoryMiB: 256 },
    {
      name: 'kafka-ui', role: 'optional', container: 'kafka-ui', profile: 'ui',
      ports: [{ host: 8080, purpose: 'Kafka UI, 선택' }],
      // Needs a registry pull; no offline build (the chapter says so).
      image: { fallback: 'ghcr.io/kafbat/kafka-ui:v1.4.2', offline: 'ghcr.io/kafbat/kafka-ui:v1.4.2' },
      memoryMiB: 512,
    },
  ],
  labs: ['cluster-up', 'topics', 'console', 'clients', 'failover', 'troubleshoot', 'teardown'],
  panel: { kind: 'kafka-cluster', with: { topic: 'upbit-ticker' } },
  imageBuild: 'image/build.sh',
});
