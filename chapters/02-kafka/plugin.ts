// Chapter 2's plug-in: what the lab server loads for it. Its checks and its panel reach the
// brokers at the endpoints derived from chapter.ts.
import { defineChapterPlugin } from '../../server/course.ts';
import { kafkaChapter } from './chapter.ts';
import { KAFKA_CHECKS } from './checks/index.ts';
import { kafkaEndpoints, type KafkaEndpoints } from './kafka-access.ts';
import { kafkaClusterPanel } from './panel/index.ts';
import { brokerExitsPreflight } from './preflight/broker-exits.ts';
import { COMPOSE_PROJECT } from '../index.ts';

const endpoints = kafkaEndpoints(kafkaChapter);

export default defineChapterPlugin<KafkaEndpoints>({
  chapter: kafkaChapter,
  endpoints,
  checks: KAFKA_CHECKS,
  panels: [kafkaClusterPanel(endpoints)],
  // A broker that exits at start shows only as Exited (1); its log tail says why (issue 20).
  preflight: [brokerExitsPreflight(endpoints.brokers.map((broker) => broker.container), COMPOSE_PROJECT)],
  explainError(message) {
    // The Docker engine's own errors are the core's to explain.
    if (/docker\.sock/i.test(message)) return undefined;
    if (/ECONNREFUSED|Connection error|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|broker.*not.*available/i.test(message)) {
      return `브로커에 접속할 수 없습니다 (${message}). 클러스터를 아직 올리지 않았다면 첫 실습(docker compose up -d)부터 하거나 '여기까지 따라잡기'를 누르세요. 올려 두었다면 docker compose ps로 멈춘 브로커가 없는지 보세요.`;
    }
    return undefined;
  },
});
