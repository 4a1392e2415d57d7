/** Sub-schemas shared by several event payloads. */

/** A value encrypted with the session's data key (crypto-shredding: erase the key, the value is gone). */
export interface SealedValue {
  alg: 'A256GCM';
  iv: string;
  ciphertext: string;
  tag: string;
}

export const sealedValueSchema = {
  type: 'object',
  required: ['alg', 'iv', 'ciphertext', 'tag'],
  additionalProperties: false,
  properties: {
    alg: { const: 'A256GCM' },
    iv: { type: 'string', minLength: 1 },
    ciphertext: { type: 'string' },
    tag: { type: 'string', minLength: 1 },
  },
} as const;

/** The wallet-facing request that caused an event, already redacted (no secrets, masked IP). */
export interface RequestContext {
  method: string;
  path: string;
  user_agent?: string;
  client_ip?: string;
}

export const requestContextSchema = {
  type: 'object',
  required: ['method', 'path'],
  additionalProperties: false,
  properties: {
    method: { type: 'string' },
    path: { type: 'string' },
    user_agent: { type: 'string', maxLength: 512 },
    client_ip: { type: 'string', maxLength: 64 },
  },
} as const;

/** A SHA-256 fingerprint (base64url) of a secret that is looked up but never stored in clear. */
export const secretHashSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
