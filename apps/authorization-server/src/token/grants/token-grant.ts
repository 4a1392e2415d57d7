import type { TokenResponseBody } from '../access-tokens';
import type { TokenRequest } from '../token-request';

/**
 * One grant of the token endpoint (RFC 6749 Section 4). A refusal its decider recorded is thrown
 * as a TokenRefusal; any other Oid4vcError is a refusal decided before the decider, which the
 * endpoint records (TokenRefusals).
 */
export interface TokenGrant {
  readonly grantType: string;
  redeem(request: TokenRequest): Promise<TokenResponseBody>;
}
