import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'crypto';
import * as oidc from 'openid-client';
import type { IssuerConfig, UpstreamLoginConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import { ConfigError, ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';

export const LOGIN_CALLBACK_PATH = '/authorize/callback';

/** The claims of a completed login: the provider's `sub` and whatever its ID token and userinfo said. */
export interface UpstreamIdentity {
  subject: string;
  claims: Record<string, unknown>;
}

/**
 * The relying-party side of the user's login at an upstream OpenID Provider, with panva's
 * openid-client (OpenID certified): discovery, authorization code flow with PKCE S256 and state,
 * ID token validation. The PKCE verifier is derived from the authorization id, so no replica
 * needs to remember it.
 */
@Injectable()
export class UpstreamLogin {
  private configuration?: Promise<oidc.Configuration>;
  readonly settings: UpstreamLoginConfig | undefined;

  constructor(
    @Inject(ISSUER_CONFIG) issuer: IssuerConfig,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.settings = issuer.authorization?.login;
    if (this.settings && !config.loginClientSecret)
      throw new ConfigError('HALLMARK_LOGIN_CLIENT_SECRET is required when authorization.login is configured');
  }

  get enabled(): boolean {
    return this.settings !== undefined;
  }

  get callbackUrl(): string {
    return `${this.config.publicUrl}${LOGIN_CALLBACK_PATH}`;
  }

  private discovered(): Promise<oidc.Configuration> {
    const s = this.settings!;
    // Discovered on first use (the provider may start after us); a failure is retried next time.
    this.configuration ??= oidc
      .discovery(new URL(s.issuer), s.client_id, undefined, oidc.ClientSecretBasic(this.config.loginClientSecret), {
        ...(new URL(s.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err) => {
        this.configuration = undefined;
        throw err;
      });
    return this.configuration;
  }

  private verifier(authorizationId: string): string {
    return createHmac('sha256', this.config.grantKeys.upstreamLogin)
      .update(`upstream login ${authorizationId}`)
      .digest('base64url');
  }

  /** Where to send the user agent to log in; `state` is our sealed interaction handle. */
  async loginUrl(authorizationId: string, state: string): Promise<string> {
    const configuration = await this.discovered().catch((cause) => {
      throw new Oid4vcError('authorization_session_unavailable', 'the identity provider cannot be reached', { cause });
    });
    return oidc
      .buildAuthorizationUrl(configuration, {
        redirect_uri: this.callbackUrl,
        scope: this.settings!.scope ?? 'openid profile',
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(this.verifier(authorizationId)),
        code_challenge_method: 'S256',
      })
      .toString();
  }

  /** Completes the login from the callback URL; an error of the provider or the exchange is an access_denied. */
  async complete(callbackUrl: URL, authorizationId: string, state: string): Promise<UpstreamIdentity> {
    const providerError = callbackUrl.searchParams.get('error');
    if (providerError)
      throw new Oid4vcError(
        'authorization_login_failed',
        `the identity provider answered ${providerError.slice(0, 60)}`,
      );
    try {
      const configuration = await this.discovered();
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: this.verifier(authorizationId),
        expectedState: state,
        idTokenExpected: true,
      });
      const idClaims: Record<string, unknown> = tokens.claims() ?? {};
      const subject = String(idClaims.sub);
      const userinfo = await oidc.fetchUserInfo(configuration, tokens.access_token, subject).catch(() => ({}));
      return { subject, claims: { ...userinfo, ...idClaims } };
    } catch (cause) {
      if (cause instanceof Oid4vcError) throw cause;
      throw new Oid4vcError('authorization_login_failed', 'the code exchange with the identity provider failed', {
        cause,
      });
    }
  }

  /** The credential claims of each configuration, mapped from the login's claims. */
  claimsFor(identity: UpstreamIdentity, configurationIds: string[]): Record<string, Record<string, unknown>> {
    const mapping = this.settings?.claims ?? {};
    return Object.fromEntries(
      configurationIds.map((id) => [
        id,
        Object.fromEntries(
          Object.entries(mapping[id] ?? {}).flatMap(([claim, upstream]) =>
            identity.claims[upstream] === undefined ? [] : [[claim, identity.claims[upstream]]],
          ),
        ),
      ]),
    );
  }

  /** The value compared with an offer's subject_id. */
  subjectOf(identity: UpstreamIdentity): string {
    const claim = this.settings?.subject_claim ?? 'sub';
    const value = claim === 'sub' ? identity.subject : identity.claims[claim];
    return typeof value === 'string' ? value : String(value ?? '');
  }
}
