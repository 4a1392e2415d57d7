import { Type, type Static } from '@sinclair/typebox';
import {
  DateTime,
  Nullable,
  Payload,
  StringEnum,
  comparisonProperties,
  requestContextSchema,
  secretHashSchema,
} from './common.schemas';

/** token_issued v1: an access token was issued for the session (never the token itself). */
export const tokenIssuedV1Schema = Payload({
  grant_type: StringEnum([
    'urn:ietf:params:oauth:grant-type:pre-authorized_code',
    'authorization_code',
    'refresh_token',
  ]),
  client_id: Type.Optional(Type.String({ maxLength: 512 })),
  /** Whether the response carried authorization_details with credential_identifiers. */
  authorization_details: Type.Optional(Type.Boolean()),
  /** SHA-256 of the refresh token's id, when one was issued. */
  refresh_token_id_hash: Type.Optional(secretHashSchema),
  /** Which refresh token generation this is (rotation: only the latest one works). */
  refresh_generation: Type.Optional(Type.Integer({ minimum: 0 })),
  credential_configuration_ids: Type.Array(Type.String()),
  token_type: StringEnum(['DPoP', 'Bearer']),
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  dpop_jkt: Nullable(Type.String()),
  /** SHA-256 (base64url) of the token's jti, to match a token seen later without revealing it. */
  token_id_hash: secretHashSchema,
  expires_at: DateTime(),
  request: requestContextSchema,
});
export type TokenIssuedV1 = Static<typeof tokenIssuedV1Schema>;

/** token_rejected v1: a token request that could be tied to the session was refused. */
export const tokenRejectedV1Schema = Payload({
  grant_type: Type.String({ maxLength: 200 }),
  error: Type.String(),
  error_description: Type.String({ maxLength: 500 }),
  reason: Type.String(),
  spec_ref: Type.String(),
  /** For a refusal that compares values (e.g. DPoP htu): expected and provided, never a secret. */
  ...comparisonProperties,
  /** Wrong transaction codes so far, when the rejection is one. */
  failed_tx_code_attempts: Type.Optional(Type.Integer({ minimum: 0 })),
  /** True when this rejection locked the pre-authorized code. */
  locked: Type.Optional(Type.Boolean()),
  request: requestContextSchema,
});
export type TokenRejectedV1 = Static<typeof tokenRejectedV1Schema>;

/** What an authorization request asked for, as the authorization server keeps it (no secrets in clear). */
const summarySchema = Payload({
  client_id: Type.String({ maxLength: 512 }),
  /** Null when the client sent none (then it must not be sent at the token endpoint either). */
  redirect_uri: Nullable(Type.String({ maxLength: 2048 })),
  credential_configuration_ids: Type.Array(Type.String()),
  scope: Nullable(Type.String({ maxLength: 1024 })),
  authorization_details: Type.Boolean(),
  code_challenge: secretHashSchema,
  code_challenge_method: Type.Literal('S256'),
  dpop_jkt: Nullable(Type.String()),
  /** The wallet's `state`, sealed with the authorization server's key (returned on the redirect). */
  state_sealed: Nullable(Type.String()),
  issuer_initiated: Type.Boolean(),
  /** The offer's subject (a hash), sealed with the authorization server's key, for matching a login. */
  subject_sealed: Type.Optional(Nullable(Type.String())),
  /** The session requires key attestations; the access token says so to the credential service. */
  key_attestation_required: Type.Optional(Type.Boolean()),
  /** The wallet attestation that authenticated the client, when there was one. */
  client_attestation: Nullable(
    Payload({ wallet_provider: Type.String(), instance_jkt: Type.String(), trusted_by: Type.String() }),
  ),
});
export type AuthorizationRequestSummary = Static<typeof summarySchema>;

/** par_request_stored v1: a pushed authorization request (RFC 9126) was accepted. */
export const parRequestStoredV1Schema = Payload({
  authorization: summarySchema,
  expires_at: DateTime(),
  request: requestContextSchema,
});
export type ParRequestStoredV1 = Static<typeof parRequestStoredV1Schema>;

/** authorization_requested v1: the user agent reached the authorization endpoint with a valid request. */
export const authorizationRequestedV1Schema = Payload({
  via: StringEnum(['par', 'query']),
  /** Present when the parameters came in the query (not pushed). */
  authorization: Type.Optional(summarySchema),
  request: requestContextSchema,
});
export type AuthorizationRequestedV1 = Static<typeof authorizationRequestedV1Schema>;

/** authorization_code_issued v1: the user was authorized; a code went back to the wallet. */
export const authorizationCodeIssuedV1Schema = Payload({
  code_hash: secretHashSchema,
  expires_at: DateTime(),
  /** How the user was established: by holding the offer, or by a login at the identity provider. */
  user: StringEnum(['offer', 'login']),
  request: requestContextSchema,
});
export type AuthorizationCodeIssuedV1 = Static<typeof authorizationCodeIssuedV1Schema>;

/** authorization_denied v1: an authorization request was refused (at PAR or authorize), or the user declined. */
export const authorizationDeniedV1Schema = Payload({
  endpoint: StringEnum(['par', 'authorize']),
  client_id: Nullable(Type.String({ maxLength: 512 })),
  error: Type.String(),
  error_description: Type.String({ maxLength: 500 }),
  reason: Type.String(),
  spec_ref: Type.String(),
  /** True when the error went back to the wallet by redirect, false when shown as a page or JSON. */
  redirected: Type.Boolean(),
  ...comparisonProperties,
  request: requestContextSchema,
});
export type AuthorizationDeniedV1 = Static<typeof authorizationDeniedV1Schema>;

/** tokens_revoked v1: tokens issued for an authorization stop working (its code was used twice). */
export const tokensRevokedV1Schema = Payload({
  token_id_hashes: Type.Array(secretHashSchema),
  reason: Type.String(),
  request: requestContextSchema,
});
export type TokensRevokedV1 = Static<typeof tokensRevokedV1Schema>;
