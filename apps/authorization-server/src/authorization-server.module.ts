import { Module } from '@nestjs/common';
import { DpopReplayLedger, ServiceStoreModule, issuerKeysProvider, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { DpopNonces } from './dpop/dpop-nonces';
import { AuthorizationServerMetadataController } from './metadata/authorization-server-metadata.controller';
import { AuthorizationServer1732780003000 } from './migrations/1732780003000-authorization-server';
import { TokenEndpoint1732780005000 } from './migrations/1732780005000-token-endpoint';
import { OfferGrantsProjection } from './read-models/offer-grants.projection';
import { RedeemPreAuthorizedCodeHandler } from './token/redeem-pre-authorized-code.handler';
import { TokenController } from './token/token.controller';

/** OAuth 2.0 for wallets: metadata, JWKS and the token endpoint (pre-authorized code, DPoP). */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'authorization-server',
      schema: 'hallmark_authorization',
      migrations: [AuthorizationServer1732780003000, TokenEndpoint1732780005000],
      publishes: true,
    }),
  ],
  controllers: [AuthorizationServerMetadataController, TokenController],
  providers: [
    OfferGrantsProjection,
    issuerKeysProvider,
    DpopReplayLedger,
    RedeemPreAuthorizedCodeHandler,
    { provide: DpopNonces, inject: [PLATFORM_CONFIG], useFactory: (config: PlatformConfig) => new DpopNonces(config.grantKey ?? Buffer.alloc(32)) },
  ],
})
export class AuthorizationServerModule {}
