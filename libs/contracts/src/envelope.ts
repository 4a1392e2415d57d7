import { v7 as uuidv7 } from 'uuid';
import type { EventData, EventType } from './event-catalog';

/** The services that produce events. Each owns one Kafka topic and one event store. */
export const SERVICES = ['offer-service', 'authorization-server', 'credential-service', 'audit-projector'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The envelope's fields besides the type and payload. */
export interface EnvelopeMetadata {
  event_id: string;
  schema_version: number;
  stream_id: string;
  stream_version: number;
  session_id: string;
  occurred_at: string;
  recorded_at: string;
  source: ServiceName;
  correlation_id: string;
  causation_id: string | null;
  traceparent: string | null;
  tracestate: string | null;
}

/**
 * One envelope for every event, with the same field names in Postgres, on Kafka and in the
 * in-process transport: a union over the catalogue's types (`EventEnvelope<'token_issued'>` for
 * one), so narrowing on `event_type` narrows `data` to that type's current payload.
 */
export type EventEnvelope<T extends EventType = EventType> = NewEvent<T> & EnvelopeMetadata;

/**
 * An envelope of any type, as stored and carried (the outbox, the transports, the dead letter):
 * also the types this build does not know, which pass through unchanged. Narrow it with
 * `knownEvent` (after `upcastAndValidate`) to read its payload.
 */
export interface RawEventEnvelope extends EnvelopeMetadata {
  event_type: string;
  data: Record<string, unknown>;
}

/** What a handler decides: the type and payload; the store fills in the rest of the envelope. */
export type NewEvent<T extends EventType = EventType> = Extract<AnyNewEvent, { event_type: T }>;
type AnyNewEvent = { [K in EventType]: { event_type: K; data: EventData<K>; occurred_at?: string } }[EventType];

/** Time-ordered UUIDs keep event ids roughly in append order, which suits B-tree indexes. */
export const newEventId = (): string => uuidv7();
export const newId = (): string => uuidv7();

/**
 * Requests that cannot be tied to an issuance session (a nonce request, a token request with a
 * code that is not ours) still produce events; their session id is `unattributed:<request id>`,
 * which spreads them over partitions and tells consumers to keep them out of session views.
 */
export const UNATTRIBUTED_PREFIX = 'unattributed:';
export const unattributedSessionId = (requestId: string): string => `${UNATTRIBUTED_PREFIX}${requestId}`;
export const isUnattributed = (sessionId: string): boolean => sessionId.startsWith(UNATTRIBUTED_PREFIX);
