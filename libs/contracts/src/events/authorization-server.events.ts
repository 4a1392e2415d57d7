import { requestContextSchema, type RequestContext } from './common.schemas';

/** token_issued v1: an access token was issued for the session (never the token itself). */
export interface TokenIssuedV1 {
  grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' | 'authorization_code';
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
  required: ['grant_type', 'credential_configuration_ids', 'token_type', 'dpop_jkt', 'token_id_hash', 'expires_at', 'request'],
  additionalProperties: false,
  properties: {
    grant_type: { enum: ['urn:ietf:params:oauth:grant-type:pre-authorized_code', 'authorization_code'] },
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
    expected: { type: 'string', maxLength: 300 },
    provided: { type: 'string', maxLength: 300 },
    failed_tx_code_attempts: { type: 'integer', minimum: 0 },
    locked: { type: 'boolean' },
    request: requestContextSchema,
  },
} as const;
