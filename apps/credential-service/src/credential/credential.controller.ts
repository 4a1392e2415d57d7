import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oid4vcError } from '@hallmark/oid4vc';
import { OAuthError, PLATFORM_CONFIG, requestContextOf, type PlatformConfig } from '@hallmark/platform';
import { AccessTokenVerifier, RefusedAccess } from './access-token.verifier';
import { CredentialRequestRefused, IssueCredentialHandler } from './issue-credential.handler';

/** The credential endpoint (OID4VCI 1.0 Section 8). */
@Controller('credential')
export class CredentialController {
  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly issue: IssueCredentialHandler,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

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
    const now = new Date();
    try {
      const auth = await this.tokens
        .verify({
          authorization,
          dpop,
          htm: 'POST',
          htu: `${this.config.publicUrl}/credential`,
          queryHasToken: /[?&]access_token=/.test(request.url),
          now,
        })
        .catch(async (err) => {
          if (!(err instanceof RefusedAccess)) throw err;
          await this.issue.recordRefusal(err.rejection, err.sessionId, requestContextOf(request));
          throw err.rejection;
        });
      const contentType = request.headers['content-type'];
      if (!/^application\/json\b/i.test(contentType ?? '')) {
        const refusal = new Oid4vcError('credential_request_not_json', undefined, {
          expected: 'application/json',
          provided: contentType ?? '(none)',
        });
        await this.issue.recordRefusal(refusal, auth.sessionId, requestContextOf(request));
        throw refusal;
      }
      return await this.issue.handle(auth, body, requestContextOf(request));
    } catch (thrown) {
      // The wire error of a refusal: decided by the issuance decider (its event), or thrown by a check.
      const err: { error: string; error_description: string } | undefined =
        thrown instanceof CredentialRequestRefused
          ? thrown.refusal
          : thrown instanceof Oid4vcError
            ? thrown
            : undefined;
      if (!err) throw thrown;
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
