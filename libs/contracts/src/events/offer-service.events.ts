import {
  RequestContext,
  SealedValue,
  requestContextSchema,
  sealedValueSchema,
  secretHashSchema,
} from './common.schemas';

export type GrantType = 'pre-authorized_code' | 'authorization_code';

export interface TxCodeDescriptor {
  input_mode: 'numeric' | 'text';
  length: number;
  description?: string;
}

/** session_created v1: the issuance session; personal data sealed, claim names in clear. */
export interface SessionCreatedV1 {
  credential_configuration_ids: string[];
  grant_type: GrantType;
  expires_at: string;
  require_wallet_attestation: boolean;
  require_key_attestation: boolean;
  claim_names: Record<string, string[]>;
  /** `{ subject_id, claims }` sealed with the session's data key, or null when none was given. */
  personal_data: SealedValue | null;
}

export interface PreAuthorizedGrantV1 {
  type: 'pre-authorized_code';
  pre_authorized_code_hash: string;
  tx_code: TxCodeDescriptor | null;
}

export interface AuthorizationCodeGrantV1 {
  type: 'authorization_code';
  issuer_state_hash: string;
}

/** offer_created v1: the credential offer; the grant's secrets sealed, their hashes for look-up. */
export interface OfferCreatedV1 {
  offer_id: string;
  credential_issuer: string;
  credential_configuration_ids: string[];
  expires_at: string;
  grant: PreAuthorizedGrantV1 | AuthorizationCodeGrantV1;
  /** `{ pre_authorized_code?, issuer_state?, tx_code? }` sealed with the session's data key. */
  sealed_secrets: SealedValue;
}

/** offer_retrieved v2: a wallet fetched the offer by reference. */
export interface OfferRetrievedV2 {
  offer_id: string;
  request: RequestContext;
}

/**
 * offer_retrieval_refused v1: a wallet fetched an offer it cannot have (expired: on the session's
 * timeline; unknown or erased: unattributed), with the catalogue reason.
 */
export interface OfferRetrievalRefusedV1 {
  offer_id?: string;
  error: string;
  error_description: string;
  reason: string;
  spec_ref: string;
  request: RequestContext;
}

export const offerRetrievalRefusedV1Schema = {
  type: 'object',
  required: ['error', 'error_description', 'reason', 'spec_ref', 'request'],
  additionalProperties: false,
  properties: {
    offer_id: { type: 'string' },
    error: { type: 'string' },
    error_description: { type: 'string', maxLength: 500 },
    reason: { type: 'string' },
    spec_ref: { type: 'string' },
    request: requestContextSchema,
  },
} as const;

/** offer_retrieved v1 (stored before the request context was structured). */
export interface OfferRetrievedV1 {
  offer_id: string;
  user_agent?: string;
}

/** session_erased v1: the session's data key was destroyed; its sealed values are unreadable. */
export interface SessionErasedV1 {
  reason?: string;
}

const txCodeSchema = {
  type: 'object',
  required: ['input_mode', 'length'],
  additionalProperties: false,
  properties: {
    input_mode: { enum: ['numeric', 'text'] },
    length: { type: 'integer', minimum: 1, maximum: 64 },
    description: { type: 'string', maxLength: 300 },
  },
} as const;

export const sessionCreatedV1Schema = {
  type: 'object',
  required: [
    'credential_configuration_ids',
    'grant_type',
    'expires_at',
    'require_wallet_attestation',
    'require_key_attestation',
    'claim_names',
    'personal_data',
  ],
  additionalProperties: false,
  properties: {
    credential_configuration_ids: { type: 'array', minItems: 1, items: { type: 'string' } },
    grant_type: { enum: ['pre-authorized_code', 'authorization_code'] },
    expires_at: { type: 'string', format: 'date-time' },
    require_wallet_attestation: { type: 'boolean' },
    require_key_attestation: { type: 'boolean' },
    claim_names: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    personal_data: { anyOf: [sealedValueSchema, { type: 'null' }] },
  },
} as const;

export const offerCreatedV1Schema = {
  type: 'object',
  required: ['offer_id', 'credential_issuer', 'credential_configuration_ids', 'expires_at', 'grant', 'sealed_secrets'],
  additionalProperties: false,
  properties: {
    offer_id: { type: 'string', minLength: 1 },
    credential_issuer: { type: 'string', format: 'uri' },
    credential_configuration_ids: { type: 'array', minItems: 1, items: { type: 'string' } },
    expires_at: { type: 'string', format: 'date-time' },
    grant: {
      oneOf: [
        {
          type: 'object',
          required: ['type', 'pre_authorized_code_hash', 'tx_code'],
          additionalProperties: false,
          properties: {
            type: { const: 'pre-authorized_code' },
            pre_authorized_code_hash: secretHashSchema,
            tx_code: { anyOf: [txCodeSchema, { type: 'null' }] },
          },
        },
        {
          type: 'object',
          required: ['type', 'issuer_state_hash'],
          additionalProperties: false,
          properties: { type: { const: 'authorization_code' }, issuer_state_hash: secretHashSchema },
        },
      ],
    },
    sealed_secrets: sealedValueSchema,
  },
} as const;

export const offerRetrievedV1Schema = {
  type: 'object',
  required: ['offer_id'],
  additionalProperties: false,
  properties: { offer_id: { type: 'string' }, user_agent: { type: 'string' } },
} as const;

export const offerRetrievedV2Schema = {
  type: 'object',
  required: ['offer_id', 'request'],
  additionalProperties: false,
  properties: { offer_id: { type: 'string' }, request: requestContextSchema },
} as const;

export const sessionErasedV1Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 500 } },
} as const;

/** Upcasts offer_retrieved v1 -> v2: the flat user agent moves into the request context. */
export const upcastOfferRetrievedV1 = (v1: OfferRetrievedV1): OfferRetrievedV2 => ({
  offer_id: v1.offer_id,
  request: {
    method: 'GET',
    path: '/offers/{offer_id}',
    ...(v1.user_agent ? { user_agent: v1.user_agent } : {}),
  },
});
