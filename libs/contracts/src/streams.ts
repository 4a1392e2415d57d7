import { createHash } from 'node:crypto';
import type { EventEnvelope, NewEvent } from './envelope';
import type { EventType } from './event-catalog';

declare const streamEvents: unique symbol;

/**
 * A stream's name, typed by the events the stream holds: the event store appends only those to
 * it (`NewEvent<T>`) and reads them back as `EventEnvelope<T>`. At run time a plain string.
 */
export type StreamName<T extends EventType> = string & { readonly [streamEvents]?: T };

const eventTypes = <const T extends readonly EventType[]>(...types: T): T => types;

/** offer-service: a session and its offer. */
const sessionEvents = eventTypes(
  'session_created',
  'offer_created',
  'offer_retrieved',
  'offer_retrieval_refused',
  'session_erased',
);
/** authorization-server: one pre-authorized code's redemptions. */
const grantEvents = eventTypes('token_issued', 'token_rejected');
/** authorization-server: one authorization of the authorization code flow. */
const authorizationEvents = eventTypes(
  'par_request_stored',
  'authorization_requested',
  'authorization_code_issued',
  'authorization_denied',
  'token_issued',
  'token_rejected',
  'tokens_revoked',
);
const authorizationDeniedEvents = eventTypes('authorization_denied');
/** credential-service: a session's credential requests. */
const credentialsEvents = eventTypes('credential_issued', 'credential_request_rejected', 'credential_request_mapped');
const nonceEvents = eventTypes('nonce_issued');
/** Any service: the refusal of a wallet request no session could be tied to. */
const unattributedRequestEvents = eventTypes(
  'offer_retrieval_refused',
  'token_rejected',
  'authorization_denied',
  'credential_request_rejected',
);

export type SessionStreamEventType = (typeof sessionEvents)[number];
export type GrantStreamEventType = (typeof grantEvents)[number];
export type AuthorizationStreamEventType = (typeof authorizationEvents)[number];
export type CredentialsStreamEventType = (typeof credentialsEvents)[number];
export type UnattributedRequestEventType = (typeof unattributedRequestEvents)[number];

export type SessionStreamEvent = NewEvent<SessionStreamEventType>;
export type GrantStreamEvent = NewEvent<GrantStreamEventType>;
export type AuthorizationStreamEvent = NewEvent<AuthorizationStreamEventType>;
export type CredentialsStreamEvent = NewEvent<CredentialsStreamEventType>;

export type SessionStreamEnvelope = EventEnvelope<SessionStreamEventType>;
export type GrantStreamEnvelope = EventEnvelope<GrantStreamEventType>;
export type AuthorizationStreamEnvelope = EventEnvelope<AuthorizationStreamEventType>;
export type CredentialsStreamEnvelope = EventEnvelope<CredentialsStreamEventType>;

/**
 * Every event stream's name, in one place. A stream is the consistency boundary of one decider;
 * `session_id` (the partition key) is carried separately in each envelope.
 */
export const streams = {
  /** offer-service: a session and its offer (session_created, offer_created, offer_retrieved, session_erased). */
  session: (sessionId: string): StreamName<SessionStreamEventType> => `session:${sessionId}`,
  /** authorization-server: one pre-authorized code's redemptions (token_issued, token_rejected). */
  grant: (sessionId: string): StreamName<GrantStreamEventType> => `grant:${sessionId}`,
  /**
   * authorization-server: one authorization of the authorization code flow, named by the hash of
   * its id so the id (a bearer handle inside request_uri and code) never appears in clear.
   */
  authorization: (authorizationId: string): StreamName<AuthorizationStreamEventType> =>
    `authorization:${createHash('sha256').update(authorizationId).digest('base64url')}`,
  /** authorization-server: refusals at PAR or authorize that name an offer's session but no authorization. */
  authorizationDenied: (sessionId: string): StreamName<(typeof authorizationDeniedEvents)[number]> =>
    `authorization-denied:${sessionId}`,
  /** credential-service: a session's credential requests (credential_issued, credential_request_rejected, ...). */
  credentials: (sessionId: string): StreamName<CredentialsStreamEventType> => `credentials:${sessionId}`,
  /** credential-service: one c_nonce, appended once (expected version 0) when it is used up. */
  nonce: (cNonceHash: string): StreamName<(typeof nonceEvents)[number]> => `nonce:${cNonceHash}`,
  /** Any service: a wallet request no session could be tied to (session id `unattributed:<request id>`). */
  unattributedRequest: (requestId: string): StreamName<UnattributedRequestEventType> => `request:${requestId}`,
} as const;

/** Which events each stream (by the prefix of its name) may hold; streams of other names are not checked. */
const EVENTS_BY_PREFIX: Readonly<Record<string, readonly EventType[]>> = {
  session: sessionEvents,
  grant: grantEvents,
  authorization: authorizationEvents,
  'authorization-denied': authorizationDeniedEvents,
  credentials: credentialsEvents,
  nonce: nonceEvents,
  request: unattributedRequestEvents,
};

/** Whether an event of `eventType` belongs in the stream `streamId` (the store checks it on append and read). */
export function belongsToStream(streamId: string, eventType: EventType): boolean {
  const prefix = streamId.split(':', 1)[0];
  const allowed = Object.prototype.hasOwnProperty.call(EVENTS_BY_PREFIX, prefix) ? EVENTS_BY_PREFIX[prefix] : undefined;
  return allowed === undefined || allowed.includes(eventType);
}

/** A stream's event, typed by the stream's name, when it belongs there. */
export const isStreamEvent = <T extends EventType>(
  streamId: StreamName<T>,
  event: EventEnvelope,
): event is EventEnvelope<T> => belongsToStream(streamId, event.event_type);
