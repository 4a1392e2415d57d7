import type { RequestContext } from '@hallmark/contracts';
import { Oid4vcError } from '@hallmark/oid4vc';
import type { ClientAttestationHeaders } from '../authorization/client-authentication';

/** A request to the token endpoint, as the grant handlers take it. */
export interface TokenRequest {
  /** The form as sent. */
  body: unknown;
  /** The DPoP header (RFC 9449 Section 4). */
  dpop: string | undefined;
  /** The wallet attestation headers, for attestation-based client authentication. */
  attestation: ClientAttestationHeaders;
  request: RequestContext;
  now: Date;
}

/** A form parameter sent once as a string; anything else (missing, repeated) is undefined. */
export const tokenParameter = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
};

/** The parameter a grant cannot do without (RFC 6749 Section 5.2: invalid_request). */
export function requiredTokenParameter(request: TokenRequest, name: string): string {
  const value = tokenParameter(request.body, name);
  if (!value) throw new Oid4vcError('token_request_invalid', `${name} is missing`);
  return value;
}
