import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError, verifyDpopProof } from '@hallmark/oid4vc';
import { DpopReplayLedger, OAuthError, PLATFORM_CONFIG, requestContextOf, type PlatformConfig } from '@hallmark/platform';
import { DpopNonces } from '../dpop/dpop-nonces';
import { singleParameters } from './authorization-parameters';
import { AuthorizationFlow } from './authorization-flow.service';
import { AuthorizationRequestError, type AuthorizationParameters } from './authorization-request';
import { ClientAuthentication } from './client-authentication';

/** The pushed authorization request endpoint (RFC 9126). */
@Controller('par')
export class ParController {
  constructor(
    private readonly flow: AuthorizationFlow,
    private readonly nonces: DpopNonces,
    private readonly replay: DpopReplayLedger,
    private readonly clients: ClientAuthentication,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Post()
  @HttpCode(201)
  async push(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ request_uri: string; expires_in: number }> {
    reply.header('cache-control', 'no-store');
    const context = requestContextOf(request);
    let params: AuthorizationParameters = {};
    try {
      params = singleParameters(body);
      let dpopJkt: string | null = null;
      if (headers.dpop !== undefined) {
        // A DPoP proof at PAR binds the code to its key (RFC 9449 Section 10.1).
        const now = new Date();
        const proof = await verifyDpopProof({ proof: headers.dpop, htm: 'POST', htu: `${this.config.publicUrl}/par`, now, expectedNonce: this.nonces.accepted(now) });
        if (!(await this.replay.firstUse(proof.jkt, proof.jti, now))) throw new Oid4vcError('dpop_jti_replayed');
        dpopJkt = proof.jkt;
      }
      return await this.flow.push(params, { attestation: headers['oauth-client-attestation'], pop: headers['oauth-client-attestation-pop'] }, dpopJkt, context);
    } catch (caught) {
      const failure = caught instanceof Oid4vcError ? new AuthorizationRequestError(caught, null, params.client_id ?? null, null) : caught;
      if (!(failure instanceof AuthorizationRequestError)) throw caught;
      await this.flow.recordDenial('par', params, new AuthorizationRequestError(failure.rejection, null, failure.clientId, null), context);
      const r = failure.rejection;
      const status = r.error === 'invalid_client' ? 401 : 400;
      throw new OAuthError(status, r.error, r.error_description, this.retryHeaders(r.error));
    }
  }

  /** What a wallet needs to retry: a DPoP nonce (RFC 9449 Section 8) or an attestation challenge. */
  private retryHeaders(error: string): Record<string, string> {
    const now = new Date();
    if (error === 'use_dpop_nonce') return { 'dpop-nonce': this.nonces.current(now) };
    if (error === 'use_attestation_challenge') return { 'oauth-client-attestation-challenge': this.clients.challenges.current(now) };
    return {};
  }

  /** RFC 9126 Section 2.1: only POST (other methods get 404 from the router). */
  @Get()
  refuse(): never {
    const r = new Oid4vcError('par_method_not_allowed');
    throw new OAuthError(405, r.error, r.error_description, { allow: 'POST' });
  }
}
