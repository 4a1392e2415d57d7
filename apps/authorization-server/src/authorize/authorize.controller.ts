import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { explain } from '@hallmark/oid4vc';
import { PLATFORM_CONFIG, requestContextOf, type PlatformConfig } from '@hallmark/platform';
import { singleParameters } from '../authorization/authorization-parameters';
import { AuthorizationDenials } from '../authorization/authorization-denials';
import { AuthorizationRequestError, type AuthorizationParameters } from '../authorization/authorization-request';
import { AuthorizationResponses } from '../authorization/authorization-responses';
import { AuthorizeHandler, type AuthorizeOutcome } from './authorize.handler';
import { ConsentHandler } from './consent.handler';
import { LoginCallbackHandler } from './login-callback.handler';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;

/**
 * The authorization endpoint (RFC 6749 Section 4.1.1, OID4VCI 1.0 Section 5.1), the user's consent
 * and the return from the identity provider. Errors go back to the wallet's redirect URI once it
 * is known to be the client's; before that they are shown to the user as a page, never
 * redirected (RFC 6749 Section 4.1.2.1).
 */
@Controller('authorize')
export class AuthorizeController {
  constructor(
    private readonly authorizeHandler: AuthorizeHandler,
    private readonly consentHandler: ConsentHandler,
    private readonly loginCallback: LoginCallbackHandler,
    private readonly denials: AuthorizationDenials,
    private readonly responses: AuthorizationResponses,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get()
  async authorize(@Query() query: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    let params: AuthorizationParameters = {};
    await this.answer(
      reply,
      request,
      'authorize',
      () => params,
      async () => {
        params = singleParameters(query);
        return this.authorizeHandler.authorize(params, requestContextOf(request));
      },
    );
  }

  /** The consent page posts here (form-urlencoded: interaction, decision=allow|deny). */
  @Post('consent')
  async consent(@Body() body: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = (body ?? {}) as Record<string, unknown>;
    await this.answer(
      reply,
      request,
      'authorize',
      () => ({}),
      () =>
        this.consentHandler.consent(
          typeof form.interaction === 'string' ? form.interaction : undefined,
          typeof form.decision === 'string' ? form.decision : undefined,
          requestContextOf(request),
        ),
    );
  }

  /** The identity provider sends the user back here (the redirect URI registered there). */
  @Get('callback')
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.answer(
      reply,
      request,
      'authorize',
      () => ({}),
      () => this.loginCallback.complete(new URL(request.url, this.config.publicUrl), requestContextOf(request)),
    );
  }

  private async answer(
    reply: FastifyReply,
    request: FastifyRequest,
    endpoint: 'authorize',
    params: () => AuthorizationParameters,
    run: () => Promise<AuthorizeOutcome>,
  ): Promise<void> {
    reply.header('cache-control', 'no-store');
    try {
      const outcome = await this.denials.recorded(endpoint, params, requestContextOf(request), run);
      if ('location' in outcome) {
        await reply.status(303).header('location', outcome.location).send();
        return;
      }
      const { interaction, clientId, credentialConfigurationIds } = outcome.consent;
      await this.html(
        reply,
        200,
        page(
          'Issue credentials to your wallet?',
          `<h1>Issue credentials to your wallet?</h1><p>The wallet <code>${escapeHtml(clientId)}</code> asks for: ${credentialConfigurationIds.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}.</p>` +
            `<form method="post" action="${escapeHtml(this.config.publicUrl)}/authorize/consent"><input type="hidden" name="interaction" value="${escapeHtml(interaction)}">` +
            `<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`,
        ),
      );
    } catch (failure) {
      if (!(failure instanceof AuthorizationRequestError)) throw failure;
      if (failure.redirectUri) {
        await reply
          .status(303)
          .header('location', this.responses.errorLocation(failure.redirectUri, failure.rejection, failure.state))
          .send();
        return;
      }
      const help = explain(failure.rejection.reason);
      await this.html(
        reply,
        400,
        page(
          'Authorization request refused',
          `<h1>${escapeHtml(help?.title ?? 'Authorization request refused')}</h1><p>${escapeHtml(failure.rejection.error_description)}</p><p>${escapeHtml(help?.help ?? '')}</p>` +
            `<p><code>error=${escapeHtml(failure.rejection.error)}</code> (${escapeHtml(failure.rejection.spec_ref)})</p>`,
        ),
      );
    }
  }

  private async html(reply: FastifyReply, status: number, body: string): Promise<void> {
    // The page frames nothing and runs no script; the consent form posts only to this server.
    await reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
      .send(body);
  }
}
