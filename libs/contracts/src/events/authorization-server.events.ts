import {
  comparisonProperties,
  requestContextSchema,
  secretHashSchema,
  type Comparison,
  type RequestContext,
} from './common.schemas';

/** token_issued v1: an access token was issued for the session (never the token itself). */
export interface TokenIssuedV1 {
  grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' | 'authorization_code' | 'refresh_token';
  client_id?: string;
  /** Whether the response carried authorization_details with credential_identifiers. */
  authorization_details?: boolean;
  /** SHA-256 of the refresh token's id, when one was issued. */
  refresh_token_id_hash?: string;
  /** Which refresh token generation this is (rotation: only the latest one works). */
  refresh_generation?: number;
  credential_configuration_ids: string[];
  token_type: 'DPoP' | 'Bearer';
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  dpop_jkt: string | null;
  /** SHA-256 (base64url) of the token's jti, to match a token seen later without revealing it. */
  token_id_hash: string;
  expires_at: string;
  request: RequestContext;
}

/** token_rejected v1: a token request that could be tied to the session was refused. */
export interface TokenRejectedV1 {
  grant_type: string;
  error: string;
  error_description: string;
  reason: string;
  spec_ref: string;
  /** For a refusal that compares values (e.g. DPoP htu): expected and provided, never a secret. */
  expected?: string;
  provided?: string;
  /** Wrong transaction codes so far, when the rejection is one. */
  failed_tx_code_attempts?: number;
  /** True when this rejection locked the pre-authorized code. */
  locked?: boolean;
  request: RequestContext;
}

export const tokenIssuedV1Schema = {
  type: 'object',
  required: [
    'grant_type',
    'credential_configuration_ids',
    'token_type',
    'dpop_jkt',
    'token_id_hash',
    'expires_at',
    'request',
  ],
  additionalProperties: false,
  properties: {
    grant_type: {
      enum: ['urn:ietf:params:oauth:grant-type:pre-authorized_code', 'authorization_code', 'refresh_token'],
    },
    client_id: { type: 'string', maxLength: 512 },
    authorization_details: { type: 'boolean' },
    refresh_token_id_hash: secretHashSchema,
    refresh_generation: { type: 'integer', minimum: 0 },
    credential_configuration_ids: { type: 'array', items: { type: 'string' } },
    token_type: { enum: ['DPoP', 'Bearer'] },
    dpop_jkt: { type: ['string', 'null'] },
    token_id_hash: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    expires_at: { type: 'string', format: 'date-time' },
    request: requestContextSchema,
  },
} as const;

export const tokenRejectedV1Schema = {
  type: 'object',
  required: ['grant_type', 'error', 'error_description', 'reason', 'spec_ref', 'request'],
  additionalProperties: false,
  properties: {
    grant_type: { type: 'string', maxLength: 200 },
    error: { type: 'string' },
    error_description: { type: 'string', maxLength: 500 },
    reason: { type: 'string' },
    spec_ref: { type: 'string' },
    ...comparisonProperties,
    failed_tx_code_attempts: { type: 'integer', minimum: 0 },
    locked: { type: 'boolean' },
    request: requestContextSchema,
  },
} as const;

/** What an authorization request asked for, as the authorization server keeps it (no secrets in clear). */
export interface AuthorizationRequestSummary {
  client_id: string;
  /** Null when the client sent none (then it must not be sent at the token endpoint either). */
  redirect_uri: string | null;
  credential_configuration_ids: string[];
  scope: string | null;
  authorization_details: boolean;
  code_challenge: string;
  code_challenge_method: 'S256';
  dpop_jkt: string | null;
  /** The wallet's `state`, sealed with the authorization server's key (returned on the redirect). */
  state_sealed: string | null;
  issuer_initiated: boolean;
  /** The wallet attestation that authenticated the client, when there was one. */
  client_attestation: { wallet_provider: string; instance_jkt: string; trusted_by: string } | null;
  /** The offer's subject (a hash), sealed with the authorization server's key, for matching a login. */
  subject_sealed?: string | null;
  /** The session requires key attestations; the access token says so to the credential service. */
  key_attestation_required?: boolean;
}

/** par_request_stored v1: a pushed authorization request (RFC 9126) was accepted. */
export interface ParRequestStoredV1 {
  authorization: AuthorizationRequestSummary;
  expires_at: string;
  request: RequestContext;
}

/** authorization_requested v1: the user agent reached the authorization endpoint with a valid request. */
export interface AuthorizationRequestedV1 {
  via: 'par' | 'query';
  /** Present when the parameters came in the query (not pushed). */
  authorization?: AuthorizationRequestSummary;
  request: RequestContext;
}

/** authorization_code_issued v1: the user was authorized; a code went back to the wallet. */
export interface AuthorizationCodeIssuedV1 {
  code_hash: string;
  expires_at: string;
  /** How the user was established: by holding the offer, or by a login at the identity provider. */
  user: 'offer' | 'login';
  request: RequestContext;
}

/** authorization_denied v1: an authorization request was refused (at PAR or authorize), or the user declined. */
export interface AuthorizationDeniedV1 extends Comparison {
  endpoint: 'par' | 'authorize';
  client_id: string | null;
  error: string;
  error_description: string;
  reason: string;
  spec_ref: string;
  /** True when the error went back to the wallet by redirect, false when shown as a page or JSON. */
  redirected: boolean;
  request: RequestContext;
}

/** tokens_revoked v1: tokens issued for an authorization stop working (its code was used twice). */
export interface TokensRevokedV1 {
  token_id_hashes: string[];
  reason: string;
  request: RequestContext;
}

const summarySchema = {
  type: 'object',
  required: [
    'client_id',
    'redirect_uri',
    'credential_configuration_ids',
    'scope',
    'authorization_details',
    'code_challenge',
    'code_challenge_method',
    'dpop_jkt',
    'state_sealed',
    'issuer_initiated',
    'client_attestation',
  ],
  additionalProperties: false,
  properties: {
    client_id: { type: 'string', maxLength: 512 },
    redirect_uri: { type: ['string', 'null'], maxLength: 2048 },
    credential_configuration_ids: { type: 'array', items: { type: 'string' } },
    scope: { type: ['string', 'null'], maxLength: 1024 },
    authorization_details: { type: 'boolean' },
    code_challenge: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    code_challenge_method: { const: 'S256' },
    dpop_jkt: { type: ['string', 'null'] },
    state_sealed: { type: ['string', 'null'] },
    issuer_initiated: { type: 'boolean' },
    subject_sealed: { type: ['string', 'null'] },
    key_attestation_required: { type: 'boolean' },
    client_attestation: {
      type: ['object', 'null'],
      required: ['wallet_provider', 'instance_jkt', 'trusted_by'],
      additionalProperties: false,
      properties: {
        wallet_provider: { type: 'string' },
        instance_jkt: { type: 'string' },
        trusted_by: { type: 'string' },
      },
    },
  },
} as const;

export const parRequestStoredV1Schema = {
  type: 'object',
  required: ['authorization', 'expires_at', 'request'],
  additionalProperties: false,
  properties: {
    authorization: summarySchema,
    expires_at: { type: 'string', format: 'date-time' },
    request: requestContextSchema,
  },
} as const;

export const authorizationRequestedV1Schema = {
  type: 'object',
  required: ['via', 'request'],
  additionalProperties: false,
  properties: { via: { enum: ['par', 'query'] }, authorization: summarySchema, request: requestContextSchema },
} as const;

export const authorizationCodeIssuedV1Schema = {
  type: 'object',
  required: ['code_hash', 'expires_at', 'user', 'request'],
  additionalProperties: false,
  properties: {
    code_hash: secretHashSchema,
    expires_at: { type: 'string', format: 'date-time' },
    user: { enum: ['offer', 'login'] },
    request: requestContextSchema,
  },
} as const;

export const authorizationDeniedV1Schema = {
  type: 'object',
  required: ['endpoint', 'client_id', 'error', 'error_description', 'reason', 'spec_ref', 'redirected', 'request'],
  additionalProperties: false,
  properties: {
    endpoint: { enum: ['par', 'authorize'] },
    client_id: { type: ['string', 'null'], maxLength: 512 },
    error: { type: 'string' },
    error_description: { type: 'string', maxLength: 500 },
    reason: { type: 'string' },
    spec_ref: { type: 'string' },
    redirected: { type: 'boolean' },
    ...comparisonProperties,
    request: requestContextSchema,
  },
} as const;

export const tokensRevokedV1Schema = {
  type: 'object',
  required: ['token_id_hashes', 'reason', 'request'],
  additionalProperties: false,
  properties: {
    token_id_hashes: { type: 'array', items: secretHashSchema },
    reason: { type: 'string' },
    request: requestContextSchema,
  },
} as const;
