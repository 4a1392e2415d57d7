import { Oid4vcError } from '@hallmark/oid4vc';
import type { AuthorizationParameters } from './authorization-request';

/**
 * The parameters of a query or form as single strings. A parameter sent twice is an error (RFC
 * 6749 Section 3.1), reported without a redirect since nothing is known to be trusted yet.
 */
export function singleParameters(input: unknown): AuthorizationParameters {
  const out: AuthorizationParameters = {};
  if (!input || typeof input !== 'object') return out;
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (Array.isArray(value))
      throw new Oid4vcError('authorization_request_invalid', `${name.slice(0, 40)} is sent more than once`);
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
