import { Module } from '@nestjs/common';
import {
  DpopReplayLedger,
  ServiceStoreModule,
  issuerKeysProvider,
  PLATFORM_CONFIG,
  type PlatformConfig,
} from '@hallmark/platform';
import { AuthorizationDenials } from './authorization/authorization-denials';
import { AuthorizationRequests } from './authorization/authorization-requests';
import { AuthorizationResponses } from './authorization/authorization-responses';
import { ClientAuthentication } from './authorization/client-authentication';
import { SealedHandles } from './authorization/sealed-handles';
import { UpstreamLogin } from './authorization/upstream-login';
import { AuthorizationOutcomes } from './authorize/authorization-outcomes';
import { AuthorizeController } from './authorize/authorize.controller';
import { AuthorizeHandler } from './authorize/authorize.handler';
import { ConsentHandler } from './authorize/consent.handler';
import { Interactions } from './authorize/interactions';
import { LoginCallbackHandler } from './authorize/login-callback.handler';
import { AttestationChallenges, DpopNonces } from './dpop/dpop-nonces';
import { DpopProofs } from './dpop/dpop-proofs';
import { AttestationChallengeController } from './authorization/attestation-challenge.controller';
import { AuthorizationServerMetadataController } from './metadata/authorization-server-metadata.controller';
import { AuthorizationServer1732780003000 } from './migrations/1732780003000-authorization-server';
import { TokenEndpoint1732780005000 } from './migrations/1732780005000-token-endpoint';
import { DropOfferGrants1732780008000 } from './migrations/1732780008000-drop-offer-grants';
import { ParController } from './par/par.controller';
import { PushAuthorizationRequestHandler } from './par/push-authorization-request.handler';
import { AccessTokens } from './token/access-tokens';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant';
import { PreAuthorizedCodeGrant } from './token/grants/pre-authorized-code.grant';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant';
import { RefreshTokens } from './token/refresh-tokens';
import { TokenRefusals } from './token/token-refusals';
import { TokenController } from './token/token.controller';

/** OAuth 2.0 for wallets: metadata, JWKS, PAR, authorize and the token endpoint (pre-authorized and authorization code, refresh, DPoP, wallet attestation). */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'authorization-server',
      schema: 'hallmark_authorization',
      migrations: [AuthorizationServer1732780003000, TokenEndpoint1732780005000, DropOfferGrants1732780008000],
      publishes: true,
    }),
  ],
  controllers: [
    AuthorizationServerMetadataController,
    TokenController,
    ParController,
    AuthorizeController,
    AttestationChallengeController,
  ],
  providers: [
    issuerKeysProvider,
    DpopReplayLedger,
    SealedHandles,
    AccessTokens,
    RefreshTokens,
    DpopProofs,
    ClientAuthentication,
    UpstreamLogin,
    // The authorization code flow: shared parts, then one handler per endpoint.
    AuthorizationRequests,
    AuthorizationResponses,
    AuthorizationDenials,
    Interactions,
    AuthorizationOutcomes,
    PushAuthorizationRequestHandler,
    AuthorizeHandler,
    ConsentHandler,
    LoginCallbackHandler,
    // The token endpoint: one handler per grant type, and the refusals no decider recorded.
    PreAuthorizedCodeGrant,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    TokenRefusals,
    {
      provide: DpopNonces,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new DpopNonces(config.grantKeys.dpopNonces),
    },
    {
      provide: AttestationChallenges,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new AttestationChallenges(config.grantKeys.attestationChallenges),
    },
  ],
})
export class AuthorizationServerModule {}
