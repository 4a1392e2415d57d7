import type { Static, TSchema } from '@sinclair/typebox';
import type { ServiceName } from './envelope';
import { validatorOf } from './schema-validator';
import {
  offerCreatedV1Schema,
  offerRetrievalRefusedV1Schema,
  offerRetrievedV1Schema,
  offerRetrievedV2Schema,
  sessionCreatedV1Schema,
  sessionErasedV1Schema,
  upcastOfferRetrievedV1,
} from './events/offer-service.events';
import {
  authorizationCodeIssuedV1Schema,
  authorizationDeniedV1Schema,
  authorizationRequestedV1Schema,
  parRequestStoredV1Schema,
  tokenIssuedV1Schema,
  tokenRejectedV1Schema,
  tokensRevokedV1Schema,
} from './events/authorization-server.events';
import {
  credentialIssuedV1Schema,
  credentialRequestMappedV1Schema,
  credentialRequestRejectedV1Schema,
  nonceIssuedV1Schema,
} from './events/credential-service.events';

/** Turns a payload valid at version n into one at version n + 1. */
export interface Upcaster {
  from: TSchema;
  to: TSchema;
  /** Takes a payload that `from` accepts (it is checked here again, so the types hold). */
  upcast(data: unknown): unknown;
}

/** An upcaster typed by the two versions' schemas. */
export const upcaster = <From extends TSchema, To extends TSchema>(
  from: From,
  to: To,
  upcast: (data: Static<From>) => Static<To>,
): Upcaster => {
  const isFrom = validatorOf(from);
  return {
    from,
    to,
    upcast: (data) => {
      if (!isFrom(data)) throw new TypeError('upcaster input does not match its schema');
      return upcast(data);
    },
  };
};

/** Everything the platform knows about one event type: who emits it and every schema it ever had. */
export interface EventDefinition<S extends TSchema = TSchema, P extends ServiceName = ServiceName> {
  type: string;
  producer: P;
  currentVersion: number;
  /** The current version's schema: the payload's type is `Static` of it. */
  schema: S;
  /** Schema per version; old versions stay so stored events remain readable. */
  schemas: Readonly<Record<number, TSchema>>;
  /** `upcasters[n]` turns version n into version n + 1. */
  upcasters: Readonly<Record<number, Upcaster>>;
}

/**
 * An event type's definition; `older` are its earlier versions, oldest first, each with the
 * upcaster to the next one (the last to `schema`).
 */
function define<P extends ServiceName, S extends TSchema>(
  type: string,
  producer: P,
  schema: S,
  older: Upcaster[] = [],
): EventDefinition<S, P> {
  older.forEach((u, i) => {
    const next = older[i + 1]?.from ?? schema;
    if (u.to !== next) throw new Error(`${type}: upcaster ${i + 1} does not lead to version ${i + 2}`);
  });
  return {
    type,
    producer,
    currentVersion: older.length + 1,
    schema,
    schemas: Object.fromEntries([...older.map((u, i) => [i + 1, u.from] as const), [older.length + 1, schema]]),
    upcasters: Object.fromEntries(older.map((u, i) => [i + 1, u] as const)),
  };
}

/**
 * The public language between services, one entry per event type. Names are snake_case and past
 * tense; each payload is defined once (a TypeBox schema) and its type derives from it.
 */
export const EVENT_CATALOG = {
  session_created: define('session_created', 'offer-service', sessionCreatedV1Schema),
  offer_created: define('offer_created', 'offer-service', offerCreatedV1Schema),
  offer_retrieved: define('offer_retrieved', 'offer-service', offerRetrievedV2Schema, [
    upcaster(offerRetrievedV1Schema, offerRetrievedV2Schema, upcastOfferRetrievedV1),
  ]),
  offer_retrieval_refused: define('offer_retrieval_refused', 'offer-service', offerRetrievalRefusedV1Schema),
  session_erased: define('session_erased', 'offer-service', sessionErasedV1Schema),
  token_issued: define('token_issued', 'authorization-server', tokenIssuedV1Schema),
  token_rejected: define('token_rejected', 'authorization-server', tokenRejectedV1Schema),
  par_request_stored: define('par_request_stored', 'authorization-server', parRequestStoredV1Schema),
  authorization_requested: define('authorization_requested', 'authorization-server', authorizationRequestedV1Schema),
  authorization_code_issued: define(
    'authorization_code_issued',
    'authorization-server',
    authorizationCodeIssuedV1Schema,
  ),
  authorization_denied: define('authorization_denied', 'authorization-server', authorizationDeniedV1Schema),
  tokens_revoked: define('tokens_revoked', 'authorization-server', tokensRevokedV1Schema),
  nonce_issued: define('nonce_issued', 'credential-service', nonceIssuedV1Schema),
  credential_request_mapped: define('credential_request_mapped', 'credential-service', credentialRequestMappedV1Schema),
  credential_issued: define('credential_issued', 'credential-service', credentialIssuedV1Schema),
  credential_request_rejected: define(
    'credential_request_rejected',
    'credential-service',
    credentialRequestRejectedV1Schema,
  ),
} as const;

type Catalog = typeof EVENT_CATALOG;

/** Every event type's name. */
export type EventType = keyof Catalog;

/** The payload of an event type at its current version. */
export type EventData<T extends EventType> = Static<Catalog[T]['schema']>;

/** The event types a service produces. */
export type EventTypeOf<P extends ServiceName> = {
  [K in EventType]: Catalog[K]['producer'] extends P ? K : never;
}[EventType];

/** Whether `type` names an event of the catalogue (one this build can read). */
export const isEventType = (type: string): type is EventType =>
  Object.prototype.hasOwnProperty.call(EVENT_CATALOG, type);

export const EVENT_TYPES: EventType[] = Object.keys(EVENT_CATALOG).filter(isEventType);

/** The definition of a known event type, or undefined. */
export const eventDefinition = (type: string): EventDefinition | undefined =>
  isEventType(type) ? EVENT_CATALOG[type] : undefined;
