import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError, verifyDpopProof } from '@hallmark/oid4vc';
import { DpopReplayLedger, OAuthError, PLATFORM_CONFIG, requestContextOf, type PlatformConfig } from '@hallmark/platform';
import { DpopNonces } from '../dpop/dpop-nonces';
import { PRE_AUTHORIZED_GRANT_TYPE } from './pre-authorized-grant.decider';
import { RecordedRejection, RedeemPreAuthorizedCodeHandler, type TokenResponse } from './redeem-pre-authorized-code.handler';

const field = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
};

/** The token endpoint (RFC 6749 Section 3.2; OID4VCI 1.0 Section 6), DPoP per RFC 9449. */
@Controller('token')
export class TokenController {
  constructor(
    private readonly redeem: RedeemPreAuthorizedCodeHandler,
    private readonly nonces: DpopNonces,
    private readonly replay: DpopReplayLedger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Post()
  @HttpCode(200)
  async token(@Body() body: unknown, @Headers('dpop') dpop: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    const now = new Date();
    reply.header('cache-control', 'no-store');
    try {
      const grantType = field(body, 'grant_type');
      if (grantType !== PRE_AUTHORIZED_GRANT_TYPE) throw new Oid4vcError('token_grant_type_unsupported', grantType ? `got ${grantType.slice(0, 80)}` : 'grant_type is missing');
      const code = field(body, 'pre-authorized_code');
      if (!code) throw new Oid4vcError('token_request_invalid', 'pre-authorized_code is missing');

      let dpopJkt: string | null = null;
      if (dpop !== undefined || !this.config.allowBearerTokens) {
        const proof = await verifyDpopProof({
          proof: dpop,
          htm: 'POST',
          htu: `${this.config.publicUrl}/token`,
          now,
          expectedNonce: this.nonces.accepted(now),
        });
        if (!(await this.replay.firstUse(proof.jkt, proof.jti, now))) throw new Oid4vcError('dpop_jti_replayed');
        dpopJkt = proof.jkt;
      }
      const response = await this.redeem.handle({
        preAuthorizedCode: code,
        txCode: field(body, 'tx_code'),
        clientId: field(body, 'client_id'),
        dpopJkt,
        request: requestContextOf(request),
      });
      reply.header('dpop-nonce', this.nonces.current(now));
      return response;
    } catch (caught) {
      let err = caught;
      if (err instanceof RecordedRejection) err = err.rejection;
      else if (err instanceof Oid4vcError) await this.redeem.recordRejection(field(body, 'grant_type'), field(body, 'pre-authorized_code'), err, requestContextOf(request));
      if (err instanceof Oid4vcError) {
        const headers: Record<string, string> = err.error === 'use_dpop_nonce' ? { 'dpop-nonce': this.nonces.current(now) } : {};
        throw new OAuthError(400, err.error, err.error_description, headers);
      }
      throw err;
    }
  }
}
