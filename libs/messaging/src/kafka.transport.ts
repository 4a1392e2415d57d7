import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { DEAD_LETTER_TOPIC, type RawEventEnvelope } from '@hallmark/contracts';
import { SpanKind, activeTraceHeaders, contextFromHeaders, inSpan, type JsonLogger } from '@hallmark/telemetry';
import type { EventTransport, SubscribeOptions, Subscription } from './event-transport';
import { ConsumerStoppingError, batchHandlerOf, chunks, processRecords, type RawRecord } from './consume-pipeline';
import { envelopeHeaders } from './record-headers';
import { consumerLag, deadLettered } from './metrics';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** Topics this process publishes to or reads; created explicitly (auto-creation stays off). */
  topics: readonly string[];
  partitions?: number;
  replicationFactor?: number;
  /**
   * Prefix for topics and consumer groups, so that several deployments (or test stacks) can share
   * one Kafka cluster: `<namespace>.hallmark.offer-service.events`. None by default.
   */
  namespace?: string;
  logger: JsonLogger;
}

const toHeaders = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString() : String(v);
  }
  return out;
};

/**
 * kafkajs behind our transport interface: an idempotent producer with acks from all in-sync
 * replicas, records keyed by session id, consumers that commit only what they handled.
 */
export class KafkaTransport implements EventTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly consumers = new Set<Consumer>();
  private producerConnected = false;
  private started?: Promise<void>;

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      connectionTimeout: 3000,
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** The topic or group name on the cluster. */
  private physical(name: string): string {
    return this.options.namespace ? `${this.options.namespace}.${name}` : name;
  }

  /** Connects and creates the missing topics, once: later calls wait for the first. */
  start(): Promise<void> {
    this.started ??= this.connectAndCreateTopics();
    return this.started;
  }

  private async connectAndCreateTopics(): Promise<void> {
    await this.admin.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = [...new Set([...this.options.topics, DEAD_LETTER_TOPIC])]
      .map((t) => this.physical(t))
      .filter((t) => !existing.has(t));
    if (missing.length) {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions ?? 6,
          replicationFactor: this.options.replicationFactor ?? 1,
        })),
      });
    }
    await this.producer.connect();
    this.producerConnected = true;
  }

  async publish(topic: string, events: readonly RawEventEnvelope[]): Promise<void> {
    if (!events.length) return;
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    // One producer span per event, each a child of the request that appended it: the relay
    // sends on behalf of many traces, so the stored context (not the relay's) is the parent.
    const messages = await Promise.all(
      events.map((event) =>
        inSpan(
          `${topic} publish`,
          {
            kind: SpanKind.PRODUCER,
            parent: contextFromHeaders(event),
            attributes: {
              'messaging.system': 'kafka',
              'messaging.operation.type': 'send',
              'messaging.destination.name': topic,
              'hallmark.event_type': event.event_type,
              'hallmark.event_id': event.event_id,
            },
          },
          async () => ({
            key: event.session_id,
            value: JSON.stringify(event),
            headers: envelopeHeaders(event, activeTraceHeaders()),
          }),
        ),
      ),
    );
    await this.producer.send({ topic: this.physical(topic), acks: -1, messages });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: this.physical(options.groupId),
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    let ready = false;
    let stopping = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      ready = true;
    });
    consumer.on(consumer.events.CRASH, (e) => {
      ready = false;
      this.options.logger.error('consumer crashed', { group: options.groupId, error: e.payload.error });
    });
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic: this.physical(topic), fromBeginning: true });
    const logger = this.options.logger;
    const { handler, maxRecords } = batchHandlerOf(options);
    await consumer.run({
      autoCommit: true,
      // Offsets of handled records are committed once a second (and when the member stops)
      // rather than after every batch: an offset commit is a write on the broker, and at low
      // batch sizes there was one per event per group. A crash redelivers at most that second,
      // which every consumer takes as a no-op (they are idempotent by event id or key).
      autoCommitInterval: 1000,
      // Partitions side by side (kafkajs handles one at a time by default): per-session order is
      // per partition, and one at a time left the projector a single transaction deep.
      partitionsConsumedConcurrently: this.options.partitions ?? 6,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // A batch handler takes the fetched records in chunks; an offset is resolved only once
        // every record up to it was handled (or dead-lettered): at-least-once, never past a record.
        for (const messages of chunks(batch.messages, maxRecords)) {
          if (!isRunning() || isStale()) return;
          const records = messages.map((message): RawRecord => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value,
            headers: toHeaders(message.headers),
          }));
          try {
            await processRecords(records, {
              groupId: options.groupId,
              handler,
              deadLetter: (r, reason, group) => this.deadLetter(r, reason, group),
              logger,
              isStopping: () => stopping,
              heartbeat,
            });
          } catch (err) {
            if (err instanceof ConsumerStoppingError) return;
            throw err;
          }
          const last = messages[messages.length - 1].offset;
          resolveOffset(last);
          consumerLag.set(
            { group: options.groupId, topic: batch.topic, partition: String(batch.partition) },
            Math.max(0, Number(batch.highWatermark) - Number(last) - 1),
          );
          await heartbeat();
        }
      },
    });
    this.consumers.add(consumer);
    return {
      isReady: () => ready,
      close: async () => {
        stopping = true;
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /** Dead letters keep the original key, value and headers, plus where and why they failed. */
  private async deadLetter(record: RawRecord, reason: Error, groupId: string): Promise<void> {
    await this.producer.send({
      topic: this.physical(DEAD_LETTER_TOPIC),
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers: {
            ...record.headers,
            'dlq.original_topic': record.topic,
            'dlq.original_partition': String(record.partition),
            'dlq.original_offset': record.offset,
            'dlq.consumer_group': this.physical(groupId),
            'dlq.reason': reason.message.slice(0, 1000),
            'dlq.failed_at': new Date().toISOString(),
          },
        },
      ],
    });
    deadLettered.inc({ group: groupId, topic: record.topic });
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.admin.describeCluster();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
