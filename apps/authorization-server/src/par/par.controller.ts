import { Body, Controller, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError } from '@hallmark/oid4vc';
import { OAuthError, requestContextOf } from '@hallmark/platform';
import { DpopProofs } from '../dpop/dpop-proofs';
import { singleParameters } from '../authorization/authorization-parameters';
import { AuthorizationDenials } from '../authorization/authorization-denials';
import { AuthorizationRequestError, type AuthorizationParameters } from '../authorization/authorization-request';
import { PushAuthorizationRequestHandler } from './push-authorization-request.handler';

/** The pushed authorization request endpoint (RFC 9126). */
@Controller('par')
export class ParController {
  constructor(
    private readonly handler: PushAuthorizationRequestHandler,
    private readonly denials: AuthorizationDenials,
    private readonly dpop: DpopProofs,
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
      return await this.denials.recorded(
        'par',
        () => params,
        context,
        async () => {
          params = singleParameters(body);
          // A DPoP proof at PAR binds the code to its key (RFC 9449 Section 10.1).
          const dpopJkt = headers.dpop !== undefined ? await this.dpop.verify(headers.dpop, '/par', new Date()) : null;
          return this.handler.push(
            params,
            { attestation: headers['oauth-client-attestation'], pop: headers['oauth-client-attestation-pop'] },
            dpopJkt,
            context,
          );
        },
      );
    } catch (failure) {
      if (!(failure instanceof AuthorizationRequestError)) throw failure;
      // PAR answers its errors directly (RFC 9126 Section 2.3): never a redirect.
      const r = failure.rejection;
      const status = r.error === 'invalid_client' ? 401 : 400;
      throw new OAuthError(status, r.error, r.error_description, this.dpop.retryHeaders(r.error));
    }
  }

  /** RFC 9126 Section 2.1: only POST (other methods get 404 from the router). */
  @Get()
  refuse(): never {
    const r = new Oid4vcError('par_method_not_allowed');
    throw new OAuthError(405, r.error, r.error_description, { allow: 'POST' });
  }
}
