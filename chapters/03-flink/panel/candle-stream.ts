// The chart panel's own reader of the candle topic: one long-lived kafkajs consumer with
// isolation read_committed (a candle of an aborted Flink transaction must never be drawn),
// started at the offsets of `minutes` ago and kept bounded (markets, minutes, rows). It lives
// only while some tab watches: stop() disconnects it and deletes its throwaway group. A
// lost connection is retried every few seconds by the owner (the panel source).
import { randomUUID } from 'node:crypto';
import type { Consumer, Admin } from 'kafkajs';
import { createKafka, type KafkaEndpoints } from '../../02-kafka/kafka-access.ts';
import { parseCandle } from '../candles.ts';
import type { CandleRecord } from './agreement.ts';

export interface CandleStreamOptions {
  topic: string;
  markets: readonly string[];
  minutes: number;
  maxRows: number;
}

/** Why the stream has nothing to give, in words the panel turns into Korean. */
export type StreamProblem = 'unreachable' | 'no-topic' | null;

export class CandleStream {
  readonly #kafka: KafkaEndpoints;
  readonly #options: CandleStreamOptions;
  readonly #onChange: () => void;
  readonly #records = new Map<string, CandleRecord>();
  readonly #markets: ReadonlySet<string>;
  #consumer: Consumer | undefined;
  #admin: Admin | undefined;
  #groupId = '';
  #stopped = false;
  problem: StreamProblem = null;
  truncated = false;
  unreadable = 0;

  constructor(kafka: KafkaEndpoints, options: CandleStreamOptions, onChange: () => void) {
    this.#kafka = kafka;
    this.#options = options;
    this.#onChange = onChange;
    this.#markets = new Set(options.markets);
  }

  get running(): boolean {
    return this.#consumer !== undefined;
  }

  /** Connects and starts reading; resolves once the consumer runs (or with a problem set). */
  async start(): Promise<void> {
    if (this.#stopped || this.#consumer) return;
    const kafka = createKafka(this.#kafka, 'upbit-lab-candle-chart');
    const admin = kafka.admin();
    this.#admin = admin;
    try {
      await admin.connect();
      if (!(await admin.listTopics()).includes(this.#options.topic)) {
        this.problem = 'no-topic';
        await this.#closeAdmin();
        return;
      }
      // Flink writes the candle with the window's time as the record timestamp; a margin of
      // two minutes covers the watermark delay and the checkpoint that commits it.
      const since = Date.now() - (this.#options.minutes + 2) * 60_000;
      const starts = await admin.fetchTopicOffsetsByTimestamp(this.#options.topic, since);
      // The last tab may have left while we were connecting: make no consumer for nobody.
      if (this.#stopped) {
        await this.#closeAdmin();
        return;
      }
      this.#groupId = `upbit-lab-candle-chart-${randomUUID()}`;
      const consumer = kafka.consumer({ groupId: this.#groupId, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 250 });
      this.#consumer = consumer;
      consumer.on(consumer.events.CRASH, () => {
        this.problem = 'unreachable';
        this.#onChange();
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.#options.topic, fromBeginning: false });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          this.#take(message.value?.toString('utf8') ?? '', partition, message.offset);
        },
      });
      for (const { partition, offset } of starts) consumer.seek({ topic: this.#options.topic, partition, offset: offset === '-1' ? '0' : offset });
      this.problem = null;
      if (this.#stopped) {
        // stop() ran mid-start and may have cleared #consumer before this one connected.
        await consumer.disconnect().catch(() => undefined);
        await this.stop();
      }
    } catch {
      this.problem = 'unreachable';
      await this.stop(false);
    }
  }

  /** The bounded records, oldest minute first. */
  records(): CandleRecord[] {
    this.#prune();
    return [...this.#records.values()];
  }

  /** Ends the consumer; `final` also forbids restarting (the panel source is disposed). */
  async stop(final = true): Promise<void> {
    if (final) this.#stopped = true;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect().catch(() => undefined);
    if (this.#groupId && this.#admin) await this.#admin.deleteGroups([this.#groupId]).catch(() => undefined);
    this.#groupId = '';
    await this.#closeAdmin();
  }

  async #closeAdmin(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  #take(raw: string, partition: number, offset: string): void {
    let parsed;
    try {
      parsed = parseCandle(raw, partition, offset);
    } catch {
      this.unreadable++;
      return;
    }
    if (!this.#markets.has(parsed.market)) return;
    const key = `${partition}:${offset}`;
    if (this.#records.has(key)) return;
    this.#records.set(key, {
      market: parsed.market, minute: parsed.minute, ticks: parsed.ticks, volume: parsed.volume,
      open: parsed.open, high: parsed.high, low: parsed.low, close: parsed.close, seenAt: Date.now(),
    });
    this.#onChange();
  }

  /** Drops minutes older than the window, then the oldest records beyond maxRows. */
  #prune(): void {
    const oldest = new Date(Date.now() - this.#options.minutes * 60_000).toISOString().slice(0, 16) + 'Z';
    for (const [key, record] of this.#records) if (record.minute < oldest) this.#records.delete(key);
    if (this.#records.size <= this.#options.maxRows) return;
    this.truncated = true;
    const sorted = [...this.#records].sort(([, a], [, b]) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0));
    for (const [key] of sorted.slice(0, sorted.length - this.#options.maxRows)) this.#records.delete(key);
  }
}
