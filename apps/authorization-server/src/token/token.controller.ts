import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError } from '@hallmark/oid4vc';
import { OAuthError, PLATFORM_CONFIG, requestContextOf, type PlatformConfig } from '@hallmark/platform';
import { DpopProofs } from '../dpop/dpop-proofs';
import {
  AuthorizationFlow,
  RecordedAuthorizationRejection,
  type TokenResponseBody,
} from '../authorization/authorization-flow.service';
import { singleParameters } from '../authorization/authorization-parameters';
import { AuthorizationRequestError } from '../authorization/authorization-request';
import { PRE_AUTHORIZED_GRANT_TYPE } from './pre-authorized-grant.decider';
import {
  RecordedRejection,
  RedeemPreAuthorizedCodeHandler,
  type TokenResponse,
} from './redeem-pre-authorized-code.handler';

const field = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
};

const GRANT_TYPES = [PRE_AUTHORIZED_GRANT_TYPE, 'authorization_code', 'refresh_token'];

/** The token endpoint (RFC 6749 Section 3.2; OID4VCI 1.0 Section 6), DPoP per RFC 9449. */
@Controller('token')
export class TokenController {
  constructor(
    private readonly redeem: RedeemPreAuthorizedCodeHandler,
    private readonly flow: AuthorizationFlow,
    private readonly dpopProofs: DpopProofs,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async token(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse | TokenResponseBody> {
    const dpop = headers.dpop;
    const now = new Date();
    reply.header('cache-control', 'no-store');
    try {
      const grantType = field(body, 'grant_type');
      if (!grantType || !GRANT_TYPES.includes(grantType)) {
        throw new Oid4vcError(
          'token_grant_type_unsupported',
          grantType ? `got ${grantType.slice(0, 80)}` : 'grant_type is missing',
          { expected: GRANT_TYPES, provided: grantType ?? null },
        );
      }
      const code = field(body, 'pre-authorized_code');
      if (grantType === PRE_AUTHORIZED_GRANT_TYPE && !code)
        throw new Oid4vcError('token_request_invalid', 'pre-authorized_code is missing');
      if (grantType === 'authorization_code' && !field(body, 'code'))
        throw new Oid4vcError('token_request_invalid', 'code is missing');
      if (grantType === 'refresh_token' && !field(body, 'refresh_token'))
        throw new Oid4vcError('token_request_invalid', 'refresh_token is missing');

      let dpopJkt: string | null = null;
      if (dpop !== undefined || !this.config.allowBearerTokens)
        dpopJkt = await this.dpopProofs.verify(dpop, '/token', now);
      if (grantType !== PRE_AUTHORIZED_GRANT_TYPE) {
        const params = singleParameters(body);
        const attestation = {
          attestation: headers['oauth-client-attestation'],
          pop: headers['oauth-client-attestation-pop'],
        };
        const response =
          grantType === 'authorization_code'
            ? await this.flow.redeemCode(params, dpopJkt, attestation, requestContextOf(request))
            : await this.flow.refresh(params, dpopJkt, attestation, requestContextOf(request));
        reply.header('dpop-nonce', this.dpopProofs.currentNonce(now));
        return response;
      }
      const response = await this.redeem.handle({
        preAuthorizedCode: code!,
        txCode: field(body, 'tx_code'),
        clientId: field(body, 'client_id'),
        dpopJkt,
        attestation: { attestation: headers['oauth-client-attestation'], pop: headers['oauth-client-attestation-pop'] },
        request: requestContextOf(request),
      });
      reply.header('dpop-nonce', this.dpopProofs.currentNonce(now));
      return response;
    } catch (caught) {
      let err = caught;
      if (err instanceof AuthorizationRequestError) err = err.rejection;
      if (err instanceof RecordedRejection || err instanceof RecordedAuthorizationRejection) err = err.rejection;
      else if (err instanceof Oid4vcError) {
        const grantType = field(body, 'grant_type');
        const attributed =
          (grantType === 'authorization_code' || grantType === 'refresh_token') &&
          (await this.flow
            .recordTokenRejection(
              grantType,
              { code: field(body, 'code'), refresh_token: field(body, 'refresh_token') },
              err,
              requestContextOf(request),
            )
            .catch(() => false));
        if (!attributed)
          await this.redeem.recordRejection(
            grantType,
            field(body, 'pre-authorized_code'),
            err,
            requestContextOf(request),
          );
      }
      if (err instanceof Oid4vcError) {
        const responseHeaders = this.dpopProofs.retryHeaders(err.error, now);
        // RFC 6749 Section 5.2: a failed client authentication is 401; the attestation errors are 400, as use_dpop_nonce.
        throw new OAuthError(
          err.error === 'invalid_client' ? 401 : 400,
          err.error,
          err.error_description,
          responseHeaders,
        );
      }
      throw err;
    }
  }
}
