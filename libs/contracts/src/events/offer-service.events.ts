import { Type, type Static } from '@sinclair/typebox';
import {
  DateTime,
  Nullable,
  Payload,
  StringEnum,
  requestContextSchema,
  sealedValueSchema,
  secretHashSchema,
} from './common.schemas';

export const grantTypeSchema = StringEnum(['pre-authorized_code', 'authorization_code']);
export type GrantType = Static<typeof grantTypeSchema>;

const txCodeSchema = Payload({
  input_mode: StringEnum(['numeric', 'text']),
  length: Type.Integer({ minimum: 1, maximum: 64 }),
  description: Type.Optional(Type.String({ maxLength: 300 })),
});
export type TxCodeDescriptor = Static<typeof txCodeSchema>;

/** session_created v1: the issuance session; personal data sealed, claim names in clear. */
export const sessionCreatedV1Schema = Payload({
  credential_configuration_ids: Type.Array(Type.String(), { minItems: 1 }),
  grant_type: grantTypeSchema,
  expires_at: DateTime(),
  require_wallet_attestation: Type.Boolean(),
  require_key_attestation: Type.Boolean(),
  claim_names: Type.Record(Type.String(), Type.Array(Type.String())),
  /** `{ subject_id, claims }` sealed with the session's data key, or null when none was given. */
  personal_data: Nullable(sealedValueSchema),
});
export type SessionCreatedV1 = Static<typeof sessionCreatedV1Schema>;

const preAuthorizedGrantV1Schema = Payload({
  type: Type.Literal('pre-authorized_code'),
  pre_authorized_code_hash: secretHashSchema,
  tx_code: Nullable(txCodeSchema),
});
export type PreAuthorizedGrantV1 = Static<typeof preAuthorizedGrantV1Schema>;

const authorizationCodeGrantV1Schema = Payload({
  type: Type.Literal('authorization_code'),
  issuer_state_hash: secretHashSchema,
});
export type AuthorizationCodeGrantV1 = Static<typeof authorizationCodeGrantV1Schema>;

/** offer_created v1: the credential offer; the grant's secrets sealed, their hashes for look-up. */
export const offerCreatedV1Schema = Payload({
  offer_id: Type.String({ minLength: 1 }),
  credential_issuer: Type.String({ format: 'uri' }),
  credential_configuration_ids: Type.Array(Type.String(), { minItems: 1 }),
  expires_at: DateTime(),
  grant: Type.Union([preAuthorizedGrantV1Schema, authorizationCodeGrantV1Schema]),
  /** `{ pre_authorized_code?, issuer_state?, tx_code? }` sealed with the session's data key. */
  sealed_secrets: sealedValueSchema,
});
export type OfferCreatedV1 = Static<typeof offerCreatedV1Schema>;

/** offer_retrieved v1 (stored before the request context was structured). */
export const offerRetrievedV1Schema = Payload({
  offer_id: Type.String(),
  user_agent: Type.Optional(Type.String()),
});
export type OfferRetrievedV1 = Static<typeof offerRetrievedV1Schema>;

/** offer_retrieved v2: a wallet fetched the offer by reference. */
export const offerRetrievedV2Schema = Payload({ offer_id: Type.String(), request: requestContextSchema });
export type OfferRetrievedV2 = Static<typeof offerRetrievedV2Schema>;

/**
 * offer_retrieval_refused v1: a wallet fetched an offer it cannot have (expired: on the session's
 * timeline; unknown or erased: unattributed), with the catalogue reason.
 */
export const offerRetrievalRefusedV1Schema = Payload({
  offer_id: Type.Optional(Type.String()),
  error: Type.String(),
  error_description: Type.String({ maxLength: 500 }),
  reason: Type.String(),
  spec_ref: Type.String(),
  request: requestContextSchema,
});
export type OfferRetrievalRefusedV1 = Static<typeof offerRetrievalRefusedV1Schema>;

/** session_erased v1: the session's data key was destroyed; its sealed values are unreadable. */
export const sessionErasedV1Schema = Payload({ reason: Type.Optional(Type.String({ maxLength: 500 })) });
export type SessionErasedV1 = Static<typeof sessionErasedV1Schema>;

/** Upcasts offer_retrieved v1 -> v2: the flat user agent moves into the request context. */
export const upcastOfferRetrievedV1 = (v1: OfferRetrievedV1): OfferRetrievedV2 => ({
  offer_id: v1.offer_id,
  request: {
    method: 'GET',
    path: '/offers/{offer_id}',
    ...(v1.user_agent ? { user_agent: v1.user_agent } : {}),
  },
});
