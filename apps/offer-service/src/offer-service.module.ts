import { Module } from '@nestjs/common';
import { ServiceStoreModule } from '@hallmark/platform';
import { SessionKeys } from './data-keys/session-keys';
import { OfferService1732780001000 } from './migrations/1732780001000-offer-service';
import { OffersController } from './offers/offers.controller';
import { RetrieveOfferHandler } from './offers/retrieve-offer.handler';
import { CreateSessionHandler } from './sessions/create-session.handler';
import { EraseSessionHandler } from './sessions/erase-session.handler';
import { SessionClaimsController } from './sessions/session-claims.controller';
import { SessionClaimsReader } from './sessions/session-claims.reader';
import { SessionsAdminController } from './sessions/sessions-admin.controller';

/** Issuance sessions and credential offers: the admin API that creates them, the wallet-facing offer by reference. */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'offer-service',
      schema: 'hallmark_offer',
      migrations: [OfferService1732780001000],
      publishes: true,
    }),
  ],
  controllers: [SessionsAdminController, OffersController, SessionClaimsController],
  providers: [SessionKeys, SessionClaimsReader, CreateSessionHandler, RetrieveOfferHandler, EraseSessionHandler],
  exports: [SessionClaimsReader],
})
export class OfferServiceModule {}
