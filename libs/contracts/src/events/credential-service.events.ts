import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Payload, comparisonProperties, requestContextSchema, secretHashSchema } from './common.schemas';

/** credential_issued v1: what an auditor needs about issued credentials, never the credentials. */
export const credentialIssuedV1Schema = Payload({
  credential_configuration_id: Type.String(),
  format: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  /** RFC 7638 thumbprints of the holder keys, one per credential. */
  holder_key_thumbprints: Type.Array(secretHashSchema),
  /** SHA-256 (base64url) of each issued credential, to match one seen later. */
  credential_hashes: Type.Array(secretHashSchema),
  /** Top-level claim names issued (values stay with the offer service). */
  claim_names: Type.Array(Type.String()),
  /** SHA-256 of the c_nonces the proofs used, matching their `nonce_issued` entries. */
  c_nonce_hashes: Type.Optional(Type.Array(secretHashSchema)),
  expires_at: DateTime(),
  request: requestContextSchema,
});
export type CredentialIssuedV1 = Static<typeof credentialIssuedV1Schema>;

/** nonce_issued v1: a c_nonce was handed out (unattributed: the nonce endpoint takes no token). */
export const nonceIssuedV1Schema = Payload({
  /** SHA-256 (base64url) of the nonce, matching `c_nonce_hashes` of the credential request that uses it. */
  c_nonce_hash: secretHashSchema,
  expires_at: DateTime(),
  request: requestContextSchema,
});
export type NonceIssuedV1 = Static<typeof nonceIssuedV1Schema>;

/** credential_request_mapped v1: a draft-shaped request was mapped to a configuration (compatibility). */
export const credentialRequestMappedV1Schema = Payload({
  credential_configuration_id: Type.String(),
  /** What the wallet sent instead of credential_configuration_id / proofs. */
  from: Payload({
    format: Type.Optional(Type.String({ maxLength: 100 })),
    vct: Type.Optional(Type.String({ maxLength: 500 })),
    doctype: Type.Optional(Type.String({ maxLength: 500 })),
    credential_definition_type: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
    singular_proof: Type.Boolean(),
  }),
  reason: Type.String(),
  spec_ref: Type.String(),
  error_description: Type.String({ maxLength: 500 }),
  request: requestContextSchema,
});
export type CredentialRequestMappedV1 = Static<typeof credentialRequestMappedV1Schema>;

/**
 * credential_request_rejected v1: a credential request was refused; on the session's timeline when
 * its access token names the session, else unattributed.
 */
export const credentialRequestRejectedV1Schema = Payload({
  credential_configuration_id: Type.Optional(Type.String({ maxLength: 200 })),
  error: Type.String(),
  error_description: Type.String({ maxLength: 500 }),
  reason: Type.String(),
  spec_ref: Type.String(),
  ...comparisonProperties,
  request: requestContextSchema,
});
export type CredentialRequestRejectedV1 = Static<typeof credentialRequestRejectedV1Schema>;
