import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import { publicJwks } from '@hallmark/issuer-keys';
import { ISSUER_KEYS, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { PRE_AUTHORIZED_GRANT_TYPE } from '../token/pre-authorized-grant.decider';

/** RFC 8414 metadata and the keys access tokens are signed with. Only what works is advertised. */
@Controller('.well-known')
export class AuthorizationServerMetadataController {
  private readonly metadata: Record<string, unknown>;
  private readonly jwks: Record<string, unknown>;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig, @Inject(ISSUER_KEYS) keys: IssuerKeys) {
    const base = config.publicUrl;
    this.metadata = {
      issuer: base,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: [PRE_AUTHORIZED_GRANT_TYPE],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
      dpop_signing_alg_values_supported: ['ES256'],
      'pre-authorized_grant_anonymous_access_supported': true,
    };
    this.jwks = publicJwks([keys.accessTokenSigning]);
  }

  @Get('oauth-authorization-server')
  @Header('cache-control', 'public, max-age=300')
  authorizationServer(): Record<string, unknown> {
    return this.metadata;
  }

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  keys(): Record<string, unknown> {
    return this.jwks;
  }
}
