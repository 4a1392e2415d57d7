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

/**
 * The wallet-facing request that caused an event, already redacted by the one policy
 * (libs/platform redaction): secrets as `<present, len=N, sha256=...>`, no tx_code, masked IP,
 * claim names only.
 */
export interface RequestContext {
  method: string;
  path: string;
  user_agent?: string;
  client_ip?: string;
  /** Request headers by lower-case name, redacted; infrastructure headers only when configured. */
  headers?: Record<string, string>;
  /** The query parameters, redacted. */
  query?: Record<string, unknown>;
  /** The parsed body (JSON or form), redacted; a fingerprint when it could not be parsed. */
  body?: unknown;
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
    headers: { type: 'object', maxProperties: 64, additionalProperties: { type: 'string', maxLength: 1100 } },
    query: { type: 'object', maxProperties: 50 },
    body: { type: ['object', 'array', 'string', 'number', 'boolean', 'null'] },
  },
} as const;

/**
 * What a refusal that compares values says about them (catalogue entries with `compares`): the
 * value the issuer expected and the one the wallet sent, description-safe, never a secret.
 */
export interface Comparison {
  expected?: string;
  provided?: string;
}

export const comparisonProperties = {
  expected: { type: 'string', maxLength: 300 },
  provided: { type: 'string', maxLength: 300 },
} as const;

/** A SHA-256 fingerprint (base64url) of a secret that is looked up but never stored in clear. */
export const secretHashSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
