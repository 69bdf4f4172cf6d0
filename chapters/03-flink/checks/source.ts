// Checks for the Upbit source lab: the stand-in answers like Upbit, the collector is running
// and reporting, and what landed in `upbit-ticker` is exactly what the collector says the
// brokers acknowledged: Upbit's schema, keyed by market, per-market order, no duplicates.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail, pass } from '../../../server/checks.ts';
import { createKafka, registeredBrokers, withAdmin, type KafkaEndpoints } from '../../02-kafka/kafka-access.ts';
import { defineCheck } from './define.ts';
import { TickerDefaultLoose, tickerIdentity } from '../upbit/ticker-schema.ts';
import { CollectorReport } from '../upbit/report.ts';
import { judgedFrom } from '../candles.ts';

export interface TopicRecord { partition: number; offset: number; key: string; value: string; timestamp: number }

/**
 * Reads `topic` from `fromOffsets` (per partition; default the beginning) up to the end
 * offsets seen when called, with a throwaway consumer group that is deleted afterwards.
 */
export async function readTopicRecords(kafka: KafkaEndpoints, topic: string, signal: AbortSignal, fromOffsets: Record<string, number> = {}): Promise<TopicRecord[]> {
  const ends = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
  const remaining = new Map(ends
    .filter((e) => Number(e.high) > Math.max(Number(e.low), fromOffsets[String(e.partition)] ?? 0))
    .map((e) => [e.partition, Number(e.high)]));
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const groupId = `upbit-lab-check-${randomUUID()}`;
  const consumer = createKafka(kafka, 'upbit-lab-reader').consumer({ groupId, sessionTimeout: 10000, maxBytes: 20 * 1024 * 1024 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new Error('확인 시간이 다 되었습니다'));
      signal.addEventListener('abort', onAbort, { once: true });
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = remaining.get(batch.partition);
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset >= (fromOffsets[String(batch.partition)] ?? 0) && (end === undefined || offset < end)) {
              records.push({ partition: batch.partition, offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', timestamp: Number(message.timestamp) });
            }
            if (end !== undefined && offset + 1 >= end) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export interface TopicAudit {
  records: number;
  invalid: { offset: string; reason: string }[];
  wrongKey: number;
  wrongTimestamp: number;
  outOfOrder: { market: string; offset: string }[];
  splitMarkets: string[];
  duplicates: number;
  perMarket: Record<string, number>;
  identities: Map<string, number>;
}

/** Everything the lab promises about the topic, computed from the records alone. */
export function auditRecords(records: TopicRecord[]): TopicAudit {
  const audit: TopicAudit = { records: records.length, invalid: [], wrongKey: 0, wrongTimestamp: 0, outOfOrder: [], splitMarkets: [], duplicates: 0, perMarket: {}, identities: new Map() };
  const lastTs = new Map<string, number>();
  const partitionOf = new Map<string, Set<number>>();
  for (const record of records) {
    let parsed: unknown;
    try { parsed = JSON.parse(record.value); } catch { audit.invalid.push({ offset: `${record.partition}:${record.offset}`, reason: 'JSON이 아님' }); continue; }
    const ticker = TickerDefaultLoose.safeParse(parsed);
    if (!ticker.success) {
      audit.invalid.push({ offset: `${record.partition}:${record.offset}`, reason: ticker.error.issues.slice(0, 2).map((i) => `${i.path.join('.') || '(전체)'}: ${i.message}`).join(', ') });
      continue;
    }
    const t = ticker.data;
    if (record.key !== t.code) audit.wrongKey++;
    if (record.timestamp !== t.trade_timestamp) audit.wrongTimestamp++;
    audit.perMarket[t.code] = (audit.perMarket[t.code] ?? 0) + 1;
    const id = tickerIdentity(t);
    const seen = audit.identities.get(id) ?? 0;
    if (seen > 0) audit.duplicates++;
    audit.identities.set(id, seen + 1);
    const set = partitionOf.get(t.code) ?? new Set<number>();
    set.add(record.partition);
    partitionOf.set(t.code, set);
    const previous = lastTs.get(t.code);
    if (previous !== undefined && t.trade_timestamp < previous) audit.outOfOrder.push({ market: t.code, offset: `${record.partition}:${record.offset}` });
    lastTs.set(t.code, Math.max(previous ?? 0, t.trade_timestamp));
  }
  audit.splitMarkets = [...partitionOf].filter(([, set]) => set.size > 1).map(([market]) => market);
  return audit;
}

export const upbitReplayUp = defineCheck({
  name: 'flink-replay-up',
  params: z.object({
    minMarkets: z.number().int().min(1).default(10),
    /**
     * The step starts the brokers too, and the collector's next step creates a topic with three
     * replicas: a broker still registering (its port open, so compose calls it healthy) would
     * make that fail, so the step is done only when every broker is in the cluster.
     */
    allBrokers: z.boolean().default(true),
  }).strict(),
  async verify(context, params) {
    const url = context.endpoints.replay;
    let markets: { market: string }[];
    try {
      const response = await fetch(`${url}/v1/market/all`, { signal: AbortSignal.any([AbortSignal.timeout(3000), context.signal]) });
      if (!response.ok) return fail(`대역 서버가 ${response.status}로 답했습니다. docker compose logs upbit-replay로 오류를 보세요.`);
      markets = await response.json() as { market: string }[];
    } catch {
      return fail(`${url}에서 대역 서버(upbit-replay)가 답하지 않습니다. compose 폴더에서 docker compose up -d --wait upbit-replay를 실행하고, docker compose ps로 healthy인지 확인하세요.`);
    }
    const krw = markets.filter((m) => m.market.startsWith('KRW-'));
    if (krw.length < params.minMarkets) return fail(`원화 마켓이 ${krw.length}개뿐입니다(기대 ${params.minMarkets}개 이상). 다른 프로그램이 ${new URL(url).port} 포트를 쓰고 있지 않은지 확인하세요.`);
    const expected = context.endpoints.kafka.brokers.length;
    if (params.allBrokers) {
      const registered = await registeredBrokers(context.endpoints.kafka);
      if (registered < expected) return fail(`대역 서버는 답하지만 클러스터에 브로커가 ${registered}개만 등록되어 있습니다(기대 ${expected}개). 복제 3개짜리 토픽을 만들 수 없으니, docker compose ps로 멈춘 브로커가 없는지 보고 잠시 뒤 다시 확인하세요. Exited라면 docker compose logs --tail 30 <브로커>로 이유를 보세요.`, [], { markets: krw.length, brokers: registered });
    }
    const brokersLine = params.allBrokers ? ` 브로커 ${expected}개가 클러스터에 있습니다.` : '';
    return pass(`대역 서버가 업비트처럼 답합니다: 원화 마켓 ${krw.length}개 (${krw.slice(0, 4).map((m) => m.market).join(', ')} …).${brokersLine}`, [], { markets: krw.length });
  },
});

function loadReport(stateDir: string, file: string, since: number): { report?: CollectorReport & { startOffsets?: Record<string, number>; final?: boolean; topic?: string }; problem?: string } {
  const path = join(stateDir, file);
  try {
    if (statSync(path).mtimeMs < since - 1000) return { problem: 'stale' };
    return { report: CollectorReport.parse(JSON.parse(readFileSync(path, 'utf8'))) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

export const collectorRunning = defineCheck({
  name: 'flink-collector-running',
  params: z.object({
    minAcked: z.number().int().min(1).default(50),
    /**
     * Also wait until the collector reached its first judged minute (judgedFrom: its own first
     * minute is partial and never compared). A failure injected before that minute would fall
     * outside what the exactness check compares, and prove nothing.
     */
    judgedMinute: z.boolean().default(false),
  }).strict(),
  async verify(context, params) {
    const { report } = loadReport(context.stateDir, context.endpoints.collectorReport, context.since);
    if (!report) return fail('수집기 보고서가 아직 없습니다. 수집기 터미널에 오류가 없는지 보세요 (대역 서버가 켜져 있어야 하고, 클러스터에 localhost:29092~29094로 닿아야 합니다).');
    if ((report as { final?: boolean }).final) return fail('수집기가 이미 끝났습니다(보고서가 최종본입니다). 수집기 터미널에서 수집기를 다시 실행하세요.');
    if (Date.now() - Date.parse(report.updatedAt) > 5000) return fail('수집기 보고서가 5초 넘게 갱신되지 않았습니다. 수집기가 멈췄거나 끝났습니다. 터미널을 확인하세요.');
    const evidence = [`acked ${report.acked}건, 대기 ${report.pending}건, 재연결 ${report.reconnects}번`, ...Object.entries(report.markets).map(([m, e]) => `${m}: ${e.acked}건`)];
    if (report.acked < params.minAcked) return fail(`아직 ${report.acked}건만 브로커가 확인했습니다(기대 ${params.minAcked}건 이상). 몇 초 더 기다려 보세요.`, evidence);
    if (params.judgedMinute) {
      const from = judgedFrom(report);
      const waitMs = Date.parse(from) - Date.now();
      if (waitMs > 0) return fail(`수집기가 아직 첫 분을 채우는 중입니다. 대조는 수집기를 켠 다음 분(${from})부터 하므로, 그 분이 된 뒤(${Math.ceil(waitMs / 1000)}초 남음)에 다음 단계로 가야 장애나 멈춤이 대조 범위에 들어갑니다.`, evidence);
    }
    return pass(`수집기가 ${report.source}에서 받아 acks=all로 ${report.acked}건을 기록했습니다.`, evidence, { acked: report.acked });
  },
});

export const upbitTopicExact = defineCheck({
  name: 'flink-topic-exact',
  params: z.object({ topic: z.string().default('upbit-ticker'), requireStopped: z.boolean().default(true) }).strict(),
  async verify(context, params) {
    const { report } = loadReport(context.stateDir, context.endpoints.collectorReport, 0);
    if (!report) return fail('수집기 보고서(.lab-state/collector/report.json)가 없습니다. 먼저 수집기를 실행하세요.');
    const extra = report as unknown as { startOffsets?: Record<string, number>; final?: boolean };
    if (params.requireStopped && !extra.final) return fail('수집기가 아직 돌고 있습니다. 수집기 터미널에서 Ctrl-C로 끝낸 뒤(남은 대기분을 보내고 끝납니다) 다시 확인하세요.');
    if (report.pending > 0) return fail(`수집기가 보내지 못한 대기 ${report.pending}건을 남기고 끝났습니다. 클러스터를 살린 뒤 수집기를 다시 돌리세요.`);
    const records = await readTopicRecords(context.endpoints.kafka, params.topic, context.signal, extra.startOffsets ?? {});
    const audit = auditRecords(records);
    const evidence = [
      `토픽 ${params.topic}: 이번 수집 이후 레코드 ${audit.records}건, 수집기 acked ${report.acked}건`,
      ...Object.entries(audit.perMarket).map(([m, n]) => `${m}: 토픽 ${n}건 / acked ${report.markets[m]?.acked ?? 0}건`),
    ];
    const metrics = { records: audit.records, acked: report.acked, duplicates: audit.duplicates, invalid: audit.invalid.length };
    if (audit.invalid.length > 0) return fail(`업비트 티커 스키마에 맞지 않는 레코드가 ${audit.invalid.length}건 있습니다 (예: ${audit.invalid[0]!.offset} ${audit.invalid[0]!.reason}). 값은 받은 JSON 그대로(DEFAULT 형식) 넣어야 합니다.`, evidence, metrics);
    if (audit.wrongKey > 0) return fail(`키가 마켓 코드와 다른 레코드가 ${audit.wrongKey}건입니다. 키는 code(예: KRW-BTC)여야 같은 마켓이 한 파티션에 순서대로 모입니다.`, evidence, metrics);
    if (audit.splitMarkets.length > 0) return fail(`한 마켓이 여러 파티션에 나뉘었습니다: ${audit.splitMarkets.join(', ')}. 마켓별 순서가 깨집니다. 키로 파티션을 고르세요.`, evidence, metrics);
    if (audit.outOfOrder.length > 0) return fail(`마켓 안에서 trade_timestamp가 거꾸로 간 곳이 ${audit.outOfOrder.length}군데 있습니다 (예: ${audit.outOfOrder[0]!.market} ${audit.outOfOrder[0]!.offset}).`, evidence, metrics);
    if (audit.wrongTimestamp > 0) return fail(`레코드 타임스탬프가 trade_timestamp와 다른 레코드가 ${audit.wrongTimestamp}건입니다. Flink가 이벤트 시간으로 쓰려면 둘이 같아야 합니다.`, evidence, metrics);
    if (audit.duplicates > 0) return fail(`같은 체결(code, trade_timestamp, acc_trade_volume)이 두 번 들어간 레코드가 ${audit.duplicates}건입니다. 프로듀서를 새로 만들며 재전송하면 생깁니다.`, evidence, metrics);
    if (audit.records !== report.acked) return fail(`토픽에는 ${audit.records}건, 수집기가 확인받은 것은 ${report.acked}건으로 다릅니다. 같은 토픽에 다른 프로그램이 쓰고 있지 않은지 확인하세요.`, evidence, metrics);
    return pass(`토픽의 ${audit.records}건이 수집기의 acked와 정확히 같습니다: 업비트 스키마, 마켓 키, 마켓별 순서, 중복 0건.`, evidence, metrics);
  },
});

export const collectorStopped = defineCheck({
  name: 'flink-collector-stopped',
  params: z.object({}).strict(),
  async verify(context) {
    const { report } = loadReport(context.stateDir, context.endpoints.collectorReport, 0);
    if (!report) return fail('수집기 보고서(.lab-state/collector/report.json)가 없습니다. 수집기를 먼저 실행하세요.');
    const extra = report as unknown as { final?: boolean };
    if (!extra.final) return fail('수집기가 아직 돌고 있습니다. 수집기 터미널에서 Ctrl-C를 누르세요(남은 대기분을 보낸 뒤 끝납니다).');
    if (report.pending > 0) return fail(`수집기가 보내지 못한 대기 ${report.pending}건을 남기고 끝났습니다. 브로커 상태(docker compose ps)를 확인하고 수집기를 다시 돌리세요.`);
    return pass(`수집기가 대기 0건으로 끝났습니다: acked ${report.acked}건.`, [], { acked: report.acked });
  },
});

export const SOURCE_CHECKS = [upbitReplayUp, collectorRunning, upbitTopicExact, collectorStopped];
