import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'fs';
import { resolve } from 'path';

export interface CredentialConfiguration {
  format: 'dc+sd-jwt' | 'jwt_vc_json' | 'mso_mdoc';
  scope?: string;
  vct?: string;
  claims?: Array<{ path: Array<string | number | null>; display?: Array<{ name?: string; locale?: string }> }>;
  display?: Array<{ name: string; locale?: string }>;
  [key: string]: unknown;
}

/** The issuer's configuration file (HALLMARK_CONFIG): what it issues and how it presents itself. */
export interface IssuerConfig {
  display?: Array<{ name: string; locale?: string }>;
  credential_configurations_supported: Record<string, CredentialConfiguration>;
}

const schema = {
  type: 'object',
  required: ['credential_configurations_supported'],
  properties: {
    display: { type: 'array' },
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
          claims: { type: 'array', items: { type: 'object', required: ['path'], properties: { path: { type: 'array', minItems: 1 } } } },
        },
      },
    },
  },
} as const;

export class IssuerConfigError extends Error {}

export const DEFAULT_CONFIG_PATH = 'config/issuer.json';

/** Loads and checks the configuration at start; every problem is named with its JSON path. */
export function loadIssuerConfig(path = process.env.HALLMARK_CONFIG ?? DEFAULT_CONFIG_PATH): IssuerConfig {
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
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new IssuerConfigError(`${origin} is invalid: ${problems}`);
  }
  return value as unknown as IssuerConfig;
}

/** Top-level claim names a configuration declares (used to check the claims an operator supplies). */
export const claimNamesOf = (c: CredentialConfiguration): string[] =>
  [...new Set((c.claims ?? []).map((claim) => claim.path[0]).filter((p): p is string => typeof p === 'string'))];
