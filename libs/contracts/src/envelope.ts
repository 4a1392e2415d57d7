import { v7 as uuidv7 } from 'uuid';

/** The services that produce events. Each owns one Kafka topic and one event store. */
export const SERVICES = ['offer-service', 'authorization-server', 'credential-service', 'audit-projector'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * One envelope for every event, with the same field names in Postgres, on Kafka and in the
 * in-process transport. `data` is the event type's payload at `schema_version`.
 */
export interface EventEnvelope<T = Record<string, unknown>> {
  event_id: string;
  event_type: string;
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
  data: T;
}

/** What a handler decides: the type and payload; the store fills in the rest of the envelope. */
export interface NewEvent<T = Record<string, unknown>> {
  event_type: string;
  data: T;
  occurred_at?: string;
}

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
