import type { ServiceName } from './envelope';
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

type JsonSchema = Record<string, unknown>;
type Upcaster = (data: any) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Everything the platform knows about one event type: who emits it and every schema it ever had. */
export interface EventDefinition {
  type: string;
  producer: ServiceName;
  currentVersion: number;
  /** Schema per version; old versions stay so stored events remain readable. */
  schemas: Record<number, JsonSchema>;
  /** `upcasters[n]` turns version n into version n + 1. */
  upcasters: Record<number, Upcaster>;
}

const define = (d: EventDefinition): EventDefinition => d;

/** The public language between services. Names are snake_case and past tense. */
export const EVENT_CATALOG: Readonly<Record<string, EventDefinition>> = Object.fromEntries(
  [
    define({
      type: 'session_created',
      producer: 'offer-service',
      currentVersion: 1,
      schemas: { 1: sessionCreatedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'offer_created',
      producer: 'offer-service',
      currentVersion: 1,
      schemas: { 1: offerCreatedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'offer_retrieved',
      producer: 'offer-service',
      currentVersion: 2,
      schemas: { 1: offerRetrievedV1Schema, 2: offerRetrievedV2Schema },
      upcasters: { 1: upcastOfferRetrievedV1 },
    }),
    define({
      type: 'offer_retrieval_refused',
      producer: 'offer-service',
      currentVersion: 1,
      schemas: { 1: offerRetrievalRefusedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'session_erased',
      producer: 'offer-service',
      currentVersion: 1,
      schemas: { 1: sessionErasedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'token_issued',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: tokenIssuedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'token_rejected',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: tokenRejectedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'par_request_stored',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: parRequestStoredV1Schema },
      upcasters: {},
    }),
    define({
      type: 'authorization_requested',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: authorizationRequestedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'authorization_code_issued',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: authorizationCodeIssuedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'authorization_denied',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: authorizationDeniedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'tokens_revoked',
      producer: 'authorization-server',
      currentVersion: 1,
      schemas: { 1: tokensRevokedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'nonce_issued',
      producer: 'credential-service',
      currentVersion: 1,
      schemas: { 1: nonceIssuedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'credential_request_mapped',
      producer: 'credential-service',
      currentVersion: 1,
      schemas: { 1: credentialRequestMappedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'credential_issued',
      producer: 'credential-service',
      currentVersion: 1,
      schemas: { 1: credentialIssuedV1Schema },
      upcasters: {},
    }),
    define({
      type: 'credential_request_rejected',
      producer: 'credential-service',
      currentVersion: 1,
      schemas: { 1: credentialRequestRejectedV1Schema },
      upcasters: {},
    }),
  ].map((d) => [d.type, d]),
);

export const EVENT_TYPES = Object.keys(EVENT_CATALOG);
