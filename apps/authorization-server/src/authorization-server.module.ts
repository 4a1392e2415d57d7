import { Module } from '@nestjs/common';
import { ServiceStoreModule } from '@hallmark/platform';
import { AuthorizationServer1732780003000 } from './migrations/1732780003000-authorization-server';
import { OfferGrantsProjection } from './read-models/offer-grants.projection';

/** OAuth 2.0 for wallets. This increment keeps its read model of offer grants; the endpoints follow. */
@Module({
  imports: [
    ServiceStoreModule.forService({ service: 'authorization-server', schema: 'hallmark_authorization', migrations: [AuthorizationServer1732780003000], publishes: true }),
  ],
  providers: [OfferGrantsProjection],
})
export class AuthorizationServerModule {}
