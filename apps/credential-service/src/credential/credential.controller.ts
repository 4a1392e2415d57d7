import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, requestContextOf } from '@hallmark/platform';
import { CredentialRequestRefused, IssueCredentialHandler } from './issue-credential.handler';

/** The credential endpoint (OID4VCI 1.0 Section 8). */
@Controller('credential')
export class CredentialController {
  constructor(private readonly issue: IssueCredentialHandler) {}

  @Post()
  @HttpCode(200)
  async credential(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Headers('dpop') dpop: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    reply.header('cache-control', 'no-store');
    try {
      const answer = await this.issue.handle({
        authorization,
        dpop,
        contentType: request.headers['content-type'],
        queryHasToken: /[?&]access_token=/.test(request.url),
        body,
        request: requestContextOf(request),
        now: new Date(),
      });
      reply.header('content-type', answer.contentType);
      return answer.body;
    } catch (thrown) {
      // Every refusal leaves the handler recorded; its wire error comes from the recorded event.
      if (!(thrown instanceof CredentialRequestRefused)) throw thrown;
      const err = thrown.refusal;
      // Token problems answer 401 with a challenge naming the scheme (RFC 6750 Section 3, RFC 9449 Section 7.1).
      if (err.error === 'invalid_token' || err.error === 'invalid_dpop_proof' || err.error === 'use_dpop_nonce') {
        const scheme = /^bearer/i.test(authorization ?? '') ? 'Bearer' : 'DPoP';
        throw new OAuthError(401, err.error, err.error_description, {
          'www-authenticate': `${scheme} error="${err.error}", error_description="${err.error_description}"${scheme === 'DPoP' ? ', algs="ES256"' : ''}`,
        });
      }
      throw new OAuthError(err.error === 'server_error' ? 500 : 400, err.error, err.error_description);
    }
  }
}
