// Chapter 4's plug-in: its checks reach the object store (S3 API on the host), Paimon through
// chapter 3's SQL gateway and the streaming job through chapter 3's JobManager, at endpoints
// derived from the manifests. It also serves the lake-checked candle chart.
import { defineChapterPlugin } from '../../server/course.ts';
import { lakehouseChapter } from './chapter.ts';
import { LAKE_CHECKS } from './checks/index.ts';
import { lakeEndpoints, type LakeEndpoints } from './lake-access.ts';
import { lakehouseCandleChartPanel } from './panel/candle-history.ts';
import { lakehousePanel } from './panel/index.ts';

const endpoints = lakeEndpoints(lakehouseChapter);
const port = (url: string) => new URL(url).port;

export default defineChapterPlugin<LakeEndpoints>({
  chapter: lakehouseChapter,
  endpoints,
  checks: LAKE_CHECKS,
  // The lake panel (snapshots, files) and chapter 3's candle chart with each minute also read
  // back from Paimon (the kind lakehouse-query uses, where the candles are read from the lake).
  panels: [
    lakehousePanel(endpoints),
    lakehouseCandleChartPanel({ kafka: endpoints.flink.kafka, collectorReport: endpoints.flink.collectorReport, gateway: endpoints.gateway }),
  ],
  explainError(message) {
    if (/docker\.sock/i.test(message)) return undefined;
    if (message.includes(`:${port(endpoints.s3)}`) || /object-store/.test(message)) {
      return `오브젝트 스토어에 접속할 수 없습니다 (${message}). compose 폴더에서 docker compose --profile lakehouse up -d --wait object-store 로 켜세요.`;
    }
    if (message.includes(`:${port(endpoints.gateway)}`)) {
      return `SQL 게이트웨이에 접속할 수 없습니다 (${message}). docker compose up -d --wait sql-gateway 로 켜세요.`;
    }
    if (message.includes(`:${port(endpoints.rest)}`)) {
      return `Flink JobManager에 접속할 수 없습니다 (${message}). docker compose up -d --wait jobmanager taskmanager 로 켜세요.`;
    }
    return undefined;
  },
});
