import { Module } from '@nestjs/common';
import {
  DpopReplayLedger,
  ServiceStoreModule,
  issuerKeysProvider,
  PLATFORM_CONFIG,
  type PlatformConfig,
} from '@hallmark/platform';
import { AuthorizationFlow } from './authorization/authorization-flow.service';
import { AuthorizeController } from './authorization/authorize.controller';
import { ClientAuthentication } from './authorization/client-authentication';
import { ParController } from './authorization/par.controller';
import { UpstreamLogin } from './authorization/upstream-login';
import { AttestationChallenges, DpopNonces } from './dpop/dpop-nonces';
import { DpopProofs } from './dpop/dpop-proofs';
import { AttestationChallengeController } from './authorization/attestation-challenge.controller';
import { AuthorizationServerMetadataController } from './metadata/authorization-server-metadata.controller';
import { AuthorizationServer1732780003000 } from './migrations/1732780003000-authorization-server';
import { TokenEndpoint1732780005000 } from './migrations/1732780005000-token-endpoint';
import { OfferGrantsProjection } from './read-models/offer-grants.projection';
import { AccessTokens } from './token/access-tokens';
import { RedeemPreAuthorizedCodeHandler } from './token/redeem-pre-authorized-code.handler';
import { TokenController } from './token/token.controller';

/** OAuth 2.0 for wallets: metadata, JWKS, PAR, authorize and the token endpoint (pre-authorized and authorization code, refresh, DPoP, wallet attestation). */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'authorization-server',
      schema: 'hallmark_authorization',
      migrations: [AuthorizationServer1732780003000, TokenEndpoint1732780005000],
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
    OfferGrantsProjection,
    issuerKeysProvider,
    DpopReplayLedger,
    AccessTokens,
    DpopProofs,
    RedeemPreAuthorizedCodeHandler,
    ClientAuthentication,
    UpstreamLogin,
    AuthorizationFlow,
    {
      provide: DpopNonces,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new DpopNonces(config.grantKey ?? Buffer.alloc(32)),
    },
    {
      provide: AttestationChallenges,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) => new AttestationChallenges(config.grantKey ?? Buffer.alloc(32)),
    },
  ],
})
export class AuthorizationServerModule {}
