import { EventContractError, parseEnvelope, upcastAndValidate } from '@hallmark/contracts';
import { SpanKind, contextFromHeaders, inSpans, type JsonLogger, type SpanSpec } from '@hallmark/telemetry';
import { PoisonEventError, type BatchHandler, type DeliveredEvent, type SubscribeOptions } from './event-transport';
import { headerValue } from './record-headers';
import { eventsConsumed, handlerRetries } from './metrics';

/** A record as either transport hands it over. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | string | null;
  headers: Record<string, string>;
}

export type DeadLetterSink = (record: RawRecord, reason: Error, groupId: string) => Promise<void>;

export interface PipelineOptions {
  groupId: string;
  handler: BatchHandler;
  deadLetter: DeadLetterSink;
  logger: JsonLogger;
  /** True when the consumer is shutting down: stop retrying and leave the records unacknowledged. */
  isStopping: () => boolean;
  /** Keeps the group membership alive while records are retried (Kafka). */
  heartbeat?: () => Promise<void>;
  maxBackoffMs?: number;
}

export class ConsumerStoppingError extends Error {}

/** The most records one batch handler call takes: bounds a transaction and the work redone on a retry. */
export const MAX_BATCH_RECORDS = 500;

/** The group's handler as a batch handler, and how many records one call may take. */
export function batchHandlerOf(options: SubscribeOptions): { handler: BatchHandler; maxRecords: number } {
  if ('batchHandler' in options) return { handler: options.batchHandler, maxRecords: MAX_BATCH_RECORDS };
  const { handler } = options;
  return {
    handler: async (events) => {
      for (const { event, delivery } of events) await handler(event, delivery);
    },
    maxRecords: 1,
  };
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface Received extends DeliveredEvent {
  record: RawRecord;
}

const isPoison = (err: unknown): err is Error => err instanceof PoisonEventError || err instanceof EventContractError;

/**
 * The one way records (consecutive, of one partition) become handled events: parse, upcast and
 * validate each (a record that is not a valid event is poison), continue each producer's trace in
 * a consumer span, run the handler once for all of them, retry passing failures with backoff (the
 * partition waits: order matters more than progress) and dead-letter what can never succeed.
 */
export async function processRecords(records: readonly RawRecord[], options: PipelineOptions): Promise<void> {
  const received: Received[] = [];
  const invalid: Array<{ record: RawRecord; err: EventContractError }> = [];
  for (const record of records) {
    try {
      const event = upcastAndValidate(parseEnvelope(record.value));
      received.push({
        record,
        event,
        delivery: { topic: record.topic, partition: record.partition, offset: record.offset, groupId: options.groupId },
      });
    } catch (err) {
      if (!(err instanceof EventContractError)) throw err;
      invalid.push({ record, err });
    }
  }
  if (received.length) await handleIsolatingPoison(received, options);
  for (const { record, err } of invalid) {
    options.logger.warn('record is not a valid event, dead-lettered', {
      topic: record.topic,
      offset: record.offset,
      reason: err.message,
    });
    await options.deadLetter(record, err, options.groupId);
  }
}

/**
 * A batch the handler refuses as poison is handed over again one event per call: the handler
 * applied none of it, and only the event that is refused on its own is dead-lettered.
 */
async function handleIsolatingPoison(events: Received[], options: PipelineOptions): Promise<void> {
  try {
    await handleWithRetry(events, options);
  } catch (err) {
    if (!isPoison(err)) throw err;
    if (events.length > 1) {
      options.logger.warn('handler refused a batch, handling its events one by one', {
        events: events.length,
        reason: err.message,
      });
      for (const event of events) {
        await handleIsolatingPoison([event], options);
        await options.heartbeat?.().catch(() => undefined);
      }
      return;
    }
    const [{ event, record }] = events;
    options.logger.warn('handler refused event, dead-lettered', {
      event_id: event.event_id,
      event_type: event.event_type,
      reason: err.message,
    });
    await options.deadLetter(record, err, options.groupId);
  }
}

const consumerSpan = ({ record, event }: Received, groupId: string): SpanSpec => ({
  name: `${record.topic} process`,
  kind: SpanKind.CONSUMER,
  parent: contextFromHeaders({
    traceparent: headerValue(record.headers, 'traceparent') ?? event.traceparent,
    tracestate: headerValue(record.headers, 'tracestate') ?? event.tracestate,
  }),
  attributes: {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': record.topic,
    'messaging.consumer.group.name': groupId,
    'hallmark.event_type': event.event_type,
    'hallmark.event_id': event.event_id,
  },
});

/** Runs the handler until it succeeds; throws its poison verdict, or ConsumerStoppingError. */
async function handleWithRetry(events: Received[], options: PipelineOptions): Promise<void> {
  const spans = events.map((e) => consumerSpan(e, options.groupId));
  const batch: DeliveredEvent[] = events.map(({ event, delivery }) => ({ event, delivery }));
  let backoff = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      await inSpans(spans, () => options.handler(batch));
      for (const { event } of events) eventsConsumed.inc({ group: options.groupId, event_type: event.event_type });
      return;
    } catch (err) {
      if (isPoison(err)) throw err;
      if (options.isStopping()) throw new ConsumerStoppingError('consumer stopping; records left for redelivery');
      handlerRetries.inc({ group: options.groupId });
      options.logger.warn('handler failed, retrying', {
        event_id: events[0].event.event_id,
        events: events.length,
        attempt,
        error: err as Error,
      });
      await new Promise((r) => setTimeout(r, backoff));
      await options.heartbeat?.().catch(() => undefined);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 5000);
    }
  }
}
