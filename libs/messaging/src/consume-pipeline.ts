import { EventContractError, parseEnvelope, upcastAndValidate } from '@hallmark/contracts';
import { SpanKind, contextFromHeaders, inSpan, type JsonLogger } from '@hallmark/telemetry';
import { PoisonEventError, type Delivery, type EventHandler } from './event-transport';
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
  handler: EventHandler;
  deadLetter: DeadLetterSink;
  logger: JsonLogger;
  /** True when the consumer is shutting down: stop retrying and leave the record unacknowledged. */
  isStopping: () => boolean;
  /** Keeps the group membership alive while a record is retried (Kafka). */
  heartbeat?: () => Promise<void>;
  maxBackoffMs?: number;
}

export class ConsumerStoppingError extends Error {}

/**
 * The one way a record becomes a handled event: parse, upcast and validate it (a record that is
 * not a valid event is poison), continue the producer's trace in a consumer span, run the handler,
 * retry passing failures with backoff (the partition waits: order matters more than progress) and
 * dead-letter what can never succeed.
 */
export async function processRecord(record: RawRecord, options: PipelineOptions): Promise<void> {
  let event;
  try {
    event = upcastAndValidate(parseEnvelope(record.value));
  } catch (err) {
    if (!(err instanceof EventContractError)) throw err;
    options.logger.warn('record is not a valid event, dead-lettered', { topic: record.topic, offset: record.offset, reason: err.message });
    await options.deadLetter(record, err, options.groupId);
    return;
  }

  const delivery: Delivery = { topic: record.topic, partition: record.partition, offset: record.offset, groupId: options.groupId };
  const parent = contextFromHeaders({
    traceparent: headerValue(record.headers, 'traceparent') ?? event.traceparent,
    tracestate: headerValue(record.headers, 'tracestate') ?? event.tracestate,
  });
  let backoff = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      await inSpan(
        `${record.topic} process`,
        {
          kind: SpanKind.CONSUMER,
          parent,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.destination.name': record.topic,
            'messaging.consumer.group.name': options.groupId,
            'hallmark.event_type': event.event_type,
            'hallmark.event_id': event.event_id,
          },
        },
        () => options.handler(event, delivery),
      );
      eventsConsumed.inc({ group: options.groupId, event_type: event.event_type });
      return;
    } catch (err) {
      if (err instanceof PoisonEventError || err instanceof EventContractError) {
        options.logger.warn('handler refused event, dead-lettered', { event_id: event.event_id, event_type: event.event_type, reason: err.message });
        await options.deadLetter(record, err, options.groupId);
        return;
      }
      if (options.isStopping()) throw new ConsumerStoppingError('consumer stopping; record left for redelivery');
      handlerRetries.inc({ group: options.groupId });
      options.logger.warn('handler failed, retrying', { event_id: event.event_id, attempt, error: err as Error });
      await new Promise((r) => setTimeout(r, backoff));
      await options.heartbeat?.().catch(() => undefined);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 5000);
    }
  }
}
