import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError } from '@hallmark/oid4vc';
import { OAuthError, requestContextOf } from '@hallmark/platform';
import { DpopProofs } from '../dpop/dpop-proofs';
import type { TokenResponseBody } from './access-tokens';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { PreAuthorizedCodeGrant } from './grants/pre-authorized-code.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import type { TokenGrant } from './grants/token-grant';
import { TokenRefusal, TokenRefusals } from './token-refusals';
import { tokenParameter, type TokenRequest } from './token-request';

/** The token endpoint (RFC 6749 Section 3.2; OID4VCI 1.0 Section 6), DPoP per RFC 9449: one handler per grant type. */
@Controller('token')
export class TokenController {
  private readonly grants: ReadonlyMap<string, TokenGrant>;

  constructor(
    preAuthorizedCode: PreAuthorizedCodeGrant,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    private readonly refusals: TokenRefusals,
    private readonly dpopProofs: DpopProofs,
  ) {
    this.grants = new Map([preAuthorizedCode, authorizationCode, refreshToken].map((g) => [g.grantType, g]));
  }

  @Post()
  @HttpCode(200)
  async token(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseBody> {
    reply.header('cache-control', 'no-store');
    const request: TokenRequest = {
      body,
      dpop: headers.dpop,
      attestation: { attestation: headers['oauth-client-attestation'], pop: headers['oauth-client-attestation-pop'] },
      request: requestContextOf(req),
      now: new Date(),
    };
    try {
      const response = await this.refusals.recorded(request, () =>
        this.grantFor(tokenParameter(body, 'grant_type')).redeem(request),
      );
      reply.header('dpop-nonce', this.dpopProofs.currentNonce(request.now));
      return response;
    } catch (refusal) {
      if (!(refusal instanceof TokenRefusal)) throw refusal;
      const { error, error_description } = refusal.rejection;
      // RFC 6749 Section 5.2: a failed client authentication is 401; the attestation errors are 400, as use_dpop_nonce.
      throw new OAuthError(
        error === 'invalid_client' ? 401 : 400,
        error,
        error_description,
        this.dpopProofs.retryHeaders(error, request.now),
      );
    }
  }

  private grantFor(grantType: string | undefined): TokenGrant {
    const grant = grantType === undefined ? undefined : this.grants.get(grantType);
    if (!grant)
      throw new Oid4vcError(
        'token_grant_type_unsupported',
        grantType ? `got ${grantType.slice(0, 80)}` : 'grant_type is missing',
        { expected: [...this.grants.keys()], provided: grantType ?? null },
      );
    return grant;
  }
}
