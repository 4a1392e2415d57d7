import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import { publicJwks } from '@hallmark/issuer-keys';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { ISSUER_CONFIG, ISSUER_KEYS, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { ClientAuthentication } from '../authorization/client-authentication';
import { PRE_AUTHORIZED_GRANT_TYPE } from '../token/pre-authorized-grant.decider';

/** RFC 8414 metadata and the keys access tokens are signed with. Only what works is advertised. */
@Controller('.well-known')
export class AuthorizationServerMetadataController {
  private readonly metadata: Record<string, unknown>;
  private readonly jwks: Record<string, unknown>;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(ISSUER_KEYS) keys: IssuerKeys,
    @Inject(ISSUER_CONFIG) issuer: IssuerConfig,
    clients: ClientAuthentication,
  ) {
    const base = config.publicUrl;
    const haip = config.profile === 'haip';
    const authMethods = [
      ...(clients.attestationAlwaysRequired ? [] : ['none']),
      ...(clients.attestationSupported ? ['attest_jwt_client_auth'] : []),
    ];
    this.metadata = {
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      pushed_authorization_request_endpoint: `${base}/par`,
      require_pushed_authorization_requests: haip,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: [
        'authorization_code',
        PRE_AUTHORIZED_GRANT_TYPE,
        ...(issuer.authorization?.refresh_tokens === false ? [] : ['refresh_token']),
      ],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: Object.values(issuer.credential_configurations_supported)
        .map((c) => c.scope)
        .filter((s): s is string => typeof s === 'string'),
      authorization_details_types_supported: ['openid_credential'],
      authorization_response_iss_parameter_supported: true,
      token_endpoint_auth_methods_supported: authMethods,
      ...(clients.attestationSupported
        ? {
            challenge_endpoint: `${base}/challenge`,
            client_attestation_pop_signing_alg_values_supported: ['ES256'],
            client_attestation_signing_alg_values_supported: ['ES256'],
          }
        : {}),
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
