import { comparisonProperties, requestContextSchema, type Comparison, type RequestContext } from './common.schemas';

/** credential_issued v1: what an auditor needs about issued credentials, never the credentials. */
export interface CredentialIssuedV1 {
  credential_configuration_id: string;
  format: string;
  count: number;
  /** RFC 7638 thumbprints of the holder keys, one per credential. */
  holder_key_thumbprints: string[];
  /** SHA-256 (base64url) of each issued credential, to match one seen later. */
  credential_hashes: string[];
  /** Top-level claim names issued (values stay with the offer service). */
  claim_names: string[];
  /** SHA-256 of the c_nonces the proofs used, matching their `nonce_issued` entries. */
  c_nonce_hashes?: string[];
  expires_at: string;
  request: RequestContext;
}

/** nonce_issued v1: a c_nonce was handed out (unattributed: the nonce endpoint takes no token). */
export interface NonceIssuedV1 {
  /** SHA-256 (base64url) of the nonce, matching `c_nonce_hashes` of the credential request that uses it. */
  c_nonce_hash: string;
  expires_at: string;
  request: RequestContext;
}

export const nonceIssuedV1Schema = {
  type: 'object',
  required: ['c_nonce_hash', 'expires_at', 'request'],
  additionalProperties: false,
  properties: {
    c_nonce_hash: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    expires_at: { type: 'string', format: 'date-time' },
    request: requestContextSchema,
  },
} as const;

/** credential_request_mapped v1: a draft-shaped request was mapped to a configuration (compatibility). */
export interface CredentialRequestMappedV1 {
  credential_configuration_id: string;
  /** What the wallet sent instead of credential_configuration_id / proofs. */
  from: {
    format?: string;
    vct?: string;
    doctype?: string;
    credential_definition_type?: string[];
    singular_proof: boolean;
  };
  reason: string;
  spec_ref: string;
  error_description: string;
  request: RequestContext;
}

export const credentialRequestMappedV1Schema = {
  type: 'object',
  required: ['credential_configuration_id', 'from', 'reason', 'spec_ref', 'error_description', 'request'],
  additionalProperties: false,
  properties: {
    credential_configuration_id: { type: 'string' },
    from: {
      type: 'object',
      required: ['singular_proof'],
      additionalProperties: false,
      properties: {
        format: { type: 'string', maxLength: 100 },
        vct: { type: 'string', maxLength: 500 },
        doctype: { type: 'string', maxLength: 500 },
        credential_definition_type: { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 20 },
        singular_proof: { type: 'boolean' },
      },
    },
    reason: { type: 'string' },
    spec_ref: { type: 'string' },
    error_description: { type: 'string', maxLength: 500 },
    request: requestContextSchema,
  },
} as const;

/**
 * credential_request_rejected v1: a credential request was refused; on the session's timeline when
 * its access token names the session, else unattributed.
 */
export interface CredentialRequestRejectedV1 extends Comparison {
  credential_configuration_id?: string;
  error: string;
  error_description: string;
  reason: string;
  spec_ref: string;
  request: RequestContext;
}

const hash = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

export const credentialIssuedV1Schema = {
  type: 'object',
  required: [
    'credential_configuration_id',
    'format',
    'count',
    'holder_key_thumbprints',
    'credential_hashes',
    'claim_names',
    'expires_at',
    'request',
  ],
  additionalProperties: false,
  properties: {
    credential_configuration_id: { type: 'string' },
    format: { type: 'string' },
    count: { type: 'integer', minimum: 1 },
    holder_key_thumbprints: { type: 'array', items: hash },
    credential_hashes: { type: 'array', items: hash },
    claim_names: { type: 'array', items: { type: 'string' } },
    c_nonce_hashes: { type: 'array', items: hash },
    expires_at: { type: 'string', format: 'date-time' },
    request: requestContextSchema,
  },
} as const;

export const credentialRequestRejectedV1Schema = {
  type: 'object',
  required: ['error', 'error_description', 'reason', 'spec_ref', 'request'],
  additionalProperties: false,
  properties: {
    credential_configuration_id: { type: 'string', maxLength: 200 },
    error: { type: 'string' },
    error_description: { type: 'string', maxLength: 500 },
    reason: { type: 'string' },
    spec_ref: { type: 'string' },
    ...comparisonProperties,
    request: requestContextSchema,
  },
} as const;
