import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'fs';
import { resolve } from 'path';

export interface ClaimConfiguration {
  path: Array<string | number | null>;
  display?: Array<{ name?: string; locale?: string }>;
  mandatory?: boolean;
  /** Hallmark: whether the claim is a selective disclosure (SD-JWT VC). Default true. */
  selectively_disclosable?: boolean;
}

export interface CredentialConfiguration {
  format: 'dc+sd-jwt' | 'jwt_vc_json' | 'mso_mdoc';
  scope?: string;
  vct?: string;
  credential_definition?: { type: string[] };
  claims?: ClaimConfiguration[];
  display?: Array<{ name: string; locale?: string }>;
  /** Hallmark: how long issued credentials are valid, in days. Default 365. */
  validity_days?: number;
  /** Hallmark: most proofs (so credentials) one request for this configuration may carry. Default: the issuer's `batch_size`. */
  batch_size?: number;
  [key: string]: unknown;
}

/** Who is trusted to sign attestations: keys (picked by kid) and roots an x5c chain must lead to. */
export interface TrustListConfig {
  keys?: Array<Record<string, unknown>>;
  /** Root certificates, PEM or base64 DER. */
  roots?: string[];
}

/** A registered public client (wallet). */
export interface ClientRegistration {
  client_id: string;
  redirect_uris: string[];
}

/** How the authorization server admits wallets and users (authorization code flow). */
export interface AuthorizationConfig {
  /**
   * Which clients may start an authorization: any (`open`, the default), only those in `clients`
   * (`allow-list`), or any with a wallet attestation of a trusted provider (`attested`).
   */
  client_policy?: 'open' | 'allow-list' | 'attested';
  clients?: ClientRegistration[];
  /** Wallet providers whose wallet attestations authenticate clients (attest_jwt_client_auth). */
  trusted_wallet_providers?: TrustListConfig;
  /** Require a fresh challenge from the challenge endpoint in every wallet attestation PoP. Default false. */
  attestation_challenge_required?: boolean;
  /** Attesters whose key attestations are accepted at the credential endpoint. */
  trusted_key_attesters?: TrustListConfig;
  /** Require a key attestation for every credential, whatever the session says. */
  key_attestations_required?: boolean;
  /** For offers with issuer_state: issue the code at once (`auto`, default) or ask the user first (`prompt`). */
  user_consent?: 'auto' | 'prompt';
  /** Issue refresh tokens in the authorization code flow (bound to the client and DPoP key). Default true. */
  refresh_tokens?: boolean;
  /** Refresh token lifetime in seconds. Default 86400. */
  refresh_token_ttl?: number;
  /** The upstream OpenID Provider users log in at (its client secret comes from HALLMARK_LOGIN_CLIENT_SECRET). */
  login?: UpstreamLoginConfig;
}

/**
 * Login at an upstream OpenID Provider: wallet-initiated issuance (no offer) creates the session
 * from the login's claims; with `for_offers`, offers need the login too, by the offer's subject.
 */
export interface UpstreamLoginConfig {
  /** The provider's issuer identifier (OpenID Connect Discovery). */
  issuer: string;
  client_id: string;
  /** Default `openid profile`. */
  scope?: string;
  /** Per credential configuration: credential claim name -> the provider's claim name. */
  claims: Record<string, Record<string, string>>;
  /** The provider claim compared with a session's subject_id. Default `sub`. */
  subject_claim?: string;
  /** Require the login for offers too (the user must be the offer's subject). Default false. */
  for_offers?: boolean;
}

/** The issuer's configuration file (HALLMARK_CONFIG): what it issues and how it presents itself. */
export interface IssuerConfig {
  display?: Array<{ name: string; locale?: string }>;
  /** Most proofs (so credentials) one credential request may carry, unless a configuration sets its own. Default 10. */
  batch_size?: number;
  credential_configurations_supported: Record<string, CredentialConfiguration>;
  authorization?: AuthorizationConfig;
}

const trustListSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keys: { type: 'array', items: { type: 'object', required: ['kty'] } },
    roots: { type: 'array', items: { type: 'string', minLength: 1 } },
  },
} as const;

/** Batches stay at most 60 (the EU reference wallet's one-time-use PIDs per format): 60 signatures fit a request's time. */
export const MAX_BATCH_SIZE = 60;
export const DEFAULT_BATCH_SIZE = 10;
const batchSizeSchema = { type: 'integer', minimum: 2, maximum: MAX_BATCH_SIZE } as const;

const schema = {
  type: 'object',
  required: ['credential_configurations_supported'],
  properties: {
    display: { type: 'array' },
    batch_size: batchSizeSchema,
    authorization: {
      type: 'object',
      additionalProperties: false,
      properties: {
        client_policy: { enum: ['open', 'allow-list', 'attested'] },
        clients: {
          type: 'array',
          items: {
            type: 'object',
            required: ['client_id', 'redirect_uris'],
            additionalProperties: false,
            properties: {
              client_id: { type: 'string', minLength: 1 },
              redirect_uris: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            },
          },
        },
        trusted_wallet_providers: trustListSchema,
        attestation_challenge_required: { type: 'boolean' },
        trusted_key_attesters: trustListSchema,
        key_attestations_required: { type: 'boolean' },
        user_consent: { enum: ['auto', 'prompt'] },
        refresh_tokens: { type: 'boolean' },
        refresh_token_ttl: { type: 'integer', minimum: 60, maximum: 31536000 },
        login: {
          type: 'object',
          required: ['issuer', 'client_id', 'claims'],
          additionalProperties: false,
          properties: {
            issuer: { type: 'string', minLength: 1 },
            client_id: { type: 'string', minLength: 1 },
            scope: { type: 'string' },
            claims: {
              type: 'object',
              additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
            },
            subject_claim: { type: 'string' },
            for_offers: { type: 'boolean' },
          },
        },
      },
    },
    credential_configurations_supported: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      additionalProperties: {
        type: 'object',
        required: ['format'],
        properties: {
          format: { enum: ['dc+sd-jwt', 'jwt_vc_json', 'mso_mdoc'] },
          scope: { type: 'string' },
          vct: { type: 'string' },
          credential_definition: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'array', minItems: 1, items: { type: 'string' } } },
          },
          validity_days: { type: 'integer', minimum: 1, maximum: 3650 },
          batch_size: batchSizeSchema,
          claims: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path'],
              properties: {
                path: { type: 'array', minItems: 1 },
                mandatory: { type: 'boolean' },
                selectively_disclosable: { type: 'boolean' },
              },
            },
          },
        },
        allOf: [
          { if: { properties: { format: { const: 'dc+sd-jwt' } } }, then: { required: ['vct'] } },
          { if: { properties: { format: { const: 'jwt_vc_json' } } }, then: { required: ['credential_definition'] } },
        ],
      },
    },
  },
} as const;

export class IssuerConfigError extends Error {}

export const DEFAULT_CONFIG_PATH = 'config/issuer.json';

/** Loads and checks the configuration at start; every problem is named with its JSON path. */
export function loadIssuerConfig(path = DEFAULT_CONFIG_PATH): IssuerConfig {
  const file = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new IssuerConfigError(`cannot read issuer configuration ${file}: ${(err as Error).message}`);
  }
  return parseIssuerConfig(parsed, file);
}

export function parseIssuerConfig(value: unknown, origin = 'issuer configuration'): IssuerConfig {
  // IssuerConfig describes what this schema accepts (keep the two in step): Ajv narrows a valid value to it.
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile<IssuerConfig>(schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new IssuerConfigError(`${origin} is invalid: ${problems}`);
  }
  return value;
}

/** Top-level claim names a configuration declares (used to check the claims an operator supplies). */
export const claimNamesOf = (c: CredentialConfiguration): string[] => [
  ...new Set(
    (c.claims ?? []).map((claim) => subjectPath(c, claim)[0]).filter((p): p is string => typeof p === 'string'),
  ),
];

/** A claim's path below the subject: JWT VC claims live under `credentialSubject`. */
export const subjectPath = (c: CredentialConfiguration, claim: ClaimConfiguration): ClaimConfiguration['path'] =>
  c.format === 'jwt_vc_json' && claim.path[0] === 'credentialSubject' ? claim.path.slice(1) : claim.path;

/** Most proofs one credential request for configuration `id` may carry: its own `batch_size`, else the issuer's. */
export const batchSizeOf = (config: IssuerConfig, id: string): number =>
  config.credential_configurations_supported[id]?.batch_size ?? config.batch_size ?? DEFAULT_BATCH_SIZE;
