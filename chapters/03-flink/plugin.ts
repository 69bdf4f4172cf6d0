// Chapter 3's plug-in: its checks reach the Upbit stand-in, the Flink JobManager and the
// brokers at the endpoints derived from the manifests (this chapter's and chapter 2's).
import { defineChapterPlugin } from '../../server/course.ts';
import { flinkChapter } from './chapter.ts';
import { FLINK_CHECKS } from './checks/index.ts';
import { flinkEndpoints, type FlinkEndpoints } from './flink-access.ts';
import { candleChartPanel } from './panel/chart.ts';
import { flinkJobsPanel } from './panel/index.ts';

const endpoints = flinkEndpoints(flinkChapter);
const port = (url: string) => new URL(url).port;

export default defineChapterPlugin<FlinkEndpoints>({
  chapter: flinkChapter,
  endpoints,
  checks: FLINK_CHECKS,
  panels: [flinkJobsPanel(endpoints), candleChartPanel({ kafka: endpoints.kafka, collectorReport: endpoints.collectorReport })],
  explainError(message) {
    if (/docker\.sock/i.test(message)) return undefined;
    if (message.includes(`:${port(endpoints.rest)}`) && /ECONNREFUSED|fetch failed|ECONNRESET|aborted|timeout/i.test(message)) {
      return `Flink JobManager에 접속할 수 없습니다 (${message}). compose 폴더에서 docker compose up -d jobmanager taskmanager를 실행했는지, docker compose ps에서 jobmanager가 healthy인지 확인하세요.`;
    }
    if (message.includes(`:${port(endpoints.replay)}`)) {
      return `업비트 대역 서버에 접속할 수 없습니다 (${message}). docker compose up -d --wait upbit-replay로 켜세요.`;
    }
    if (/ECONNREFUSED|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|broker.*not.*available/i.test(message)) {
      return `브로커에 접속할 수 없습니다 (${message}). docker compose up -d --wait 로 브로커 세 대를 올린 뒤 다시 확인하세요.`;
    }
    return undefined;
  },
});
