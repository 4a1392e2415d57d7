import type { GrantType } from '../events/offer-service.events';

/** Body of POST /admin/sessions. */
export interface CreateSessionRequest {
  credential_configuration_ids: string[];
  grant_type?: GrantType;
  tx_code?: { input_mode?: 'numeric' | 'text'; length?: number; description?: string; value?: string };
  claims?: Record<string, Record<string, unknown>>;
  subject_id?: string;
  require_wallet_attestation?: boolean;
  require_key_attestation?: boolean;
  expires_in?: number;
}

export const createSessionRequestSchema = {
  type: 'object',
  required: ['credential_configuration_ids'],
  additionalProperties: false,
  properties: {
    credential_configuration_ids: {
      type: 'array',
      minItems: 1,
      maxItems: 32,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 128 },
    },
    grant_type: { enum: ['pre-authorized_code', 'authorization_code'], default: 'pre-authorized_code' },
    tx_code: {
      type: 'object',
      additionalProperties: false,
      properties: {
        input_mode: { enum: ['numeric', 'text'], default: 'numeric' },
        length: { type: 'integer', minimum: 4, maximum: 12 },
        description: { type: 'string', maxLength: 300 },
        value: { type: 'string', minLength: 1, maxLength: 12 },
      },
    },
    claims: { type: 'object', additionalProperties: { type: 'object' } },
    subject_id: { type: 'string', minLength: 1, maxLength: 256 },
    require_wallet_attestation: { type: 'boolean' },
    require_key_attestation: { type: 'boolean' },
    expires_in: { type: 'integer', minimum: 1, maximum: 2592000, description: 'seconds; default 900' },
  },
} as const;

/** The 201 answer; `tx_code` is present only when the issuer generated it (shown once). */
export const createSessionResponseSchema = {
  type: 'object',
  required: ['session_id', 'offer_id', 'status', 'credential_offer', 'credential_offer_uri', 'offer_url'],
  properties: {
    session_id: { type: 'string' },
    offer_id: { type: 'string' },
    status: { type: 'string' },
    credential_offer: { type: 'object' },
    credential_offer_uri: { type: 'string', format: 'uri' },
    offer_url: { type: 'string' },
    tx_code: { type: 'string', description: 'the generated transaction code, returned once' },
  },
} as const;
