import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { explain } from '@hallmark/oid4vc';
import { requestContextOf } from '@hallmark/platform';
import { singleParameters } from './authorization-parameters';
import { AuthorizationFlow } from './authorization-flow.service';
import { AuthorizationRequestError, type AuthorizationParameters } from './authorization-request';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The authorization endpoint (RFC 6749 Section 4.1.1, OID4VCI 1.0 Section 5.1). Errors go back to
 * the wallet's redirect URI once it is known to be the client's; before that they are shown to
 * the user as a page, never redirected (RFC 6749 Section 4.1.2.1).
 */
@Controller('authorize')
export class AuthorizeController {
  constructor(private readonly flow: AuthorizationFlow) {}

  @Get()
  async authorize(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    const context = requestContextOf(request);
    let params: AuthorizationParameters = {};
    try {
      params = singleParameters(query);
      const { location } = await this.flow.authorize(params, context);
      await reply.status(303).header('location', location).send();
    } catch (caught) {
      if (!(caught instanceof AuthorizationRequestError)) throw caught;
      await this.flow.recordDenial('authorize', params, caught, context);
      if (caught.redirectUri) {
        await reply.status(303).header('location', this.flow.errorLocation(caught.redirectUri, caught.rejection, caught.state)).send();
        return;
      }
      const help = explain(caught.rejection.reason);
      await reply
        .status(400)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'")
        .send(
          `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization request refused</title></head><body>` +
            `<h1>${escapeHtml(help?.title ?? 'Authorization request refused')}</h1>` +
            `<p>${escapeHtml(caught.rejection.error_description)}</p>` +
            `<p>${escapeHtml(help?.help ?? '')}</p>` +
            `<p><code>error=${escapeHtml(caught.rejection.error)}</code> (${escapeHtml(caught.rejection.spec_ref)})</p></body></html>`,
        );
    }
  }
}
