// How chapter 3's checks reach its services from the host: the Upbit stand-in and the Flink
// JobManager over HTTP, the brokers through chapter 2's endpoints (the pipeline's topics live
// there), the collector's report in the lab state folder. Every address is derived from the
// manifests, never written here as a constant.
import type { ChapterManifest } from '../../server/course.ts';
import { kafkaChapter } from '../02-kafka/chapter.ts';
import { kafkaEndpoints, type KafkaEndpoints } from '../02-kafka/kafka-access.ts';

export interface FlinkEndpoints {
  /** Flink REST (the web UI's API) on the host, e.g. http://127.0.0.1:8081. */
  rest: string;
  /** The SQL gateway's REST on the host. */
  gateway: string;
  /** The Upbit stand-in's REST base on the host (its WebSocket is <replay>/websocket/v1). */
  replay: string;
  /** The brokers, as chapter 2 publishes them. */
  kafka: KafkaEndpoints;
  containers: { jobmanager: string; taskmanager: string; replay: string };
  /** The collector's report, relative to the lab state folder. */
  collectorReport: string;
}

function service(chapter: ChapterManifest, name: string) {
  const found = chapter.services.find((s) => s.name === name);
  if (!found) throw new Error(`chapter ${chapter.id} has no service ${name}`);
  return found;
}

const hostUrl = (chapter: ChapterManifest, name: string) => `http://127.0.0.1:${service(chapter, name).ports[0]!.host}`;

export function flinkEndpoints(chapter: ChapterManifest, kafka: ChapterManifest = kafkaChapter): FlinkEndpoints {
  return {
    rest: hostUrl(chapter, 'jobmanager'),
    gateway: hostUrl(chapter, 'sql-gateway'),
    replay: hostUrl(chapter, 'upbit-replay'),
    kafka: kafkaEndpoints(kafka),
    containers: {
      jobmanager: service(chapter, 'jobmanager').container!,
      taskmanager: service(chapter, 'taskmanager').container!,
      replay: service(chapter, 'upbit-replay').container!,
    },
    collectorReport: 'collector/report.json',
  };
}
