// The candle chart panel kinds (issue 19): committed 1-minute candles read by the lab server's
// own consumer, each minute judged against the collector's ledger (and, for chapter 4's kind,
// against the Paimon table), pushed as one snapshot per change. Everything bounded comes from
// the lab file's `panel.with` (validated here); the page names only the lab. One stream per
// distinct options, alive only while someone watches; dispose() ends all of them.
import { join } from 'node:path';
import { z } from 'zod';
import type { PanelDeps, PanelKind, PanelSource } from '../../../server/course.ts';
import type { KafkaEndpoints } from '../../02-kafka/kafka-access.ts';
import { judgedFrom } from '../candles.ts';
import { readReport } from '../upbit/report.ts';
import { describeAgreementChanges, judgeCandles, type AgreementResult, type LakeRow, type LedgerInput } from './agreement.ts';
import { CandleStream } from './candle-stream.ts';
import { CANDLE_CHART_KIND, type CandleChartKind, type CandleChartSnapshot } from './chart-snapshot.ts';

const MARKET = /^[A-Z]{2,5}-[A-Z0-9]{1,10}$/;
export const ChartOptions = z.object({
  topic: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/).default('upbit-candles-1m'),
  markets: z.array(z.string().regex(MARKET)).min(1).max(8).default(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'KRW-SOL', 'KRW-DOGE']),
  /** How far back the chart starts (minutes). */
  minutes: z.number().int().min(5).max(240).default(60),
  /** Records kept at most (the snapshot stays far below the wire's 1 MiB frame). */
  maxRows: z.number().int().min(50).max(2000).default(1500),
}).strict();
export type ChartOptions = z.infer<typeof ChartOptions>;

/** Chapter 4's Paimon reader: the table's rows for these markets and minutes, bounded. */
export type LakeHistory = (options: ChartOptions, signal: AbortSignal) => Promise<LakeRow[]>;

export interface CandleChartPanelOptions {
  kind?: CandleChartKind;
  kafka: KafkaEndpoints;
  /** The collector's report, relative to the lab state folder. */
  collectorReport: string;
  lake?: LakeHistory | undefined;
}

const LEDGER_POLL_MS = 2000;
const LAKE_POLL_MS = 15_000;
const RETRY_MS = 5000;
/** Candles of one checkpoint arrive together; one snapshot for the batch. */
const SETTLE_MS = 150;

const PROBLEM_TEXT = {
  unreachable: '브로커에 연결할 수 없습니다. compose 폴더에서 docker compose up -d --wait 로 브로커 세 대를 올리세요.',
  'no-topic': (topic: string) => `토픽 ${topic}이 아직 없습니다. 캔들 잡을 제출하세요(flink-candles 실습의 첫 단계).`,
  empty: '아직 닫힌 1분 캔들이 없습니다. 수집기를 켜 두고 1~2분 기다리세요(창 끝 + 워터마크 5초 + 체크포인트 10초).',
};

interface Group {
  options: ChartOptions;
  stream: CandleStream;
  listeners: Set<(snapshot: CandleChartSnapshot) => void>;
  last?: AgreementResult;
  lastKey?: string;
  lastSnapshot?: CandleChartSnapshot;
  lake?: LakeRow[] | undefined;
  lakeState: CandleChartSnapshot['lake'];
  timers: Set<ReturnType<typeof setTimeout> | ReturnType<typeof setInterval>>;
  lakeAbort?: AbortController;
  settle?: ReturnType<typeof setTimeout> | undefined;
}

export function readLedger(stateDir: string, file: string): LedgerInput | undefined {
  try {
    const report = readReport(join(stateDir, file));
    return { from: judgedFrom(report), updatedAt: Date.parse(report.updatedAt), markets: report.markets };
  } catch {
    return undefined;
  }
}

/** A snapshot from one judgement (pure; the source and the tests share it). */
export function chartSnapshot(kind: CandleChartKind, options: ChartOptions, parts: {
  result: AgreementResult; previous: AgreementResult | undefined; ledger: LedgerInput | undefined;
  problem: string | null; reachable: boolean; lake: CandleChartSnapshot['lake']; truncated: boolean; at: number;
}): CandleChartSnapshot {
  const { result } = parts;
  const empty = result.markets.every((m) => m.candles.length === 0);
  return {
    kind,
    at: parts.at,
    topic: options.topic,
    reachable: parts.reachable,
    problem: parts.problem ?? (empty ? PROBLEM_TEXT.empty : null),
    ledger: { present: parts.ledger !== undefined, from: parts.ledger?.from ?? null, updatedAt: parts.ledger?.updatedAt ?? null },
    lake: parts.lake,
    markets: result.markets,
    newestMinute: result.newestMinute,
    totals: result.totals,
    limits: { markets: options.markets.length, minutes: options.minutes, rows: options.maxRows, truncated: parts.truncated },
    events: describeAgreementChanges(parts.previous, result),
  };
}

export function candleChartPanel(panel: CandleChartPanelOptions): PanelKind {
  const kind = panel.kind ?? CANDLE_CHART_KIND;
  return {
    kind,
    options: ChartOptions,
    create(deps: PanelDeps): PanelSource {
      const groups = new Map<string, Group>();
      let disposed = false;

      const publish = (group: Group) => {
        if (disposed) return;
        const ledger = readLedger(deps.stateDir, panel.collectorReport);
        const result = judgeCandles({ candles: group.stream.records(), ledger, lake: group.lake, markets: group.options.markets });
        const problem = group.stream.problem === 'unreachable' ? PROBLEM_TEXT.unreachable
          : group.stream.problem === 'no-topic' ? PROBLEM_TEXT['no-topic'](group.options.topic) : null;
        // Only what the page shows counts as a change: not the read time, not seenAt.
        const key = JSON.stringify([result, problem, group.lakeState, ledger?.from ?? null, group.stream.truncated]);
        if (key === group.lastKey) return;
        const snapshot = chartSnapshot(kind, group.options, {
          result, previous: group.last, ledger, problem, reachable: group.stream.problem !== 'unreachable',
          lake: group.lakeState, truncated: group.stream.truncated, at: Date.now(),
        });
        group.last = result;
        group.lastKey = key;
        group.lastSnapshot = snapshot;
        for (const listener of group.listeners) {
          try {
            listener(snapshot);
          } catch (error) {
            // One tab's failed send must not stop the others' chart.
            console.error('candle chart: a listener threw', error);
          }
        }
      };

      const schedule = (group: Group) => {
        if (group.settle) return;
        group.settle = setTimeout(() => {
          group.settle = undefined;
          publish(group);
        }, SETTLE_MS);
      };

      const startStream = async (group: Group) => {
        await group.stream.start();
        publish(group);
        if (!group.stream.running && !disposed && group.listeners.size > 0) {
          const retry = setTimeout(() => {
            group.timers.delete(retry);
            void startStream(group);
          }, RETRY_MS);
          group.timers.add(retry);
        }
      };

      const readLake = async (group: Group) => {
        if (!panel.lake || disposed) return;
        group.lakeAbort = new AbortController();
        try {
          group.lake = await panel.lake(group.options, AbortSignal.any([group.lakeAbort.signal, AbortSignal.timeout(30_000)]));
          group.lakeState = 'read';
        } catch {
          group.lakeState = 'unreachable';
        }
        publish(group);
      };

      const stopGroup = async (key: string, group: Group) => {
        groups.delete(key);
        for (const timer of group.timers) clearTimeout(timer);
        group.timers.clear();
        if (group.settle) clearTimeout(group.settle);
        group.lakeAbort?.abort();
        await group.stream.stop();
      };

      return {
        watch(raw, listener) {
          const options = ChartOptions.parse(raw);
          const key = JSON.stringify(options);
          let group = groups.get(key);
          if (!group) {
            const created: Group = {
              options,
              stream: new CandleStream(panel.kafka, options, () => schedule(created)),
              listeners: new Set(),
              lakeState: panel.lake ? 'unreachable' : 'off',
              timers: new Set(),
            };
            group = created;
            groups.set(key, created);
            void startStream(created);
            // The ledger changes every second; re-judging is cheap and only a changed verdict is sent.
            const ledgerTimer = setInterval(() => {
              if (created.stream.problem === 'unreachable' && created.stream.running) {
                // The consumer crashed: start over with a fresh one.
                void created.stream.stop(false).then(() => startStream(created));
              }
              publish(created);
            }, LEDGER_POLL_MS);
            created.timers.add(ledgerTimer);
            if (panel.lake) {
              void readLake(created);
              const lakeTimer = setInterval(() => void readLake(created), LAKE_POLL_MS);
              created.timers.add(lakeTimer);
            }
          } else if (group.lastSnapshot) {
            // A second tab gets the current picture at once, with no events it did not see happen.
            const current: CandleChartSnapshot = { ...group.lastSnapshot, events: [] };
            listener(current);
          }
          group.listeners.add(listener);
          const joined = group;
          return () => {
            joined.listeners.delete(listener);
            if (joined.listeners.size === 0) void stopGroup(key, joined);
          };
        },
        async dispose() {
          disposed = true;
          await Promise.allSettled([...groups].map(([key, group]) => stopGroup(key, group)));
        },
      };
    },
  };
}
