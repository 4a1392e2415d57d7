export { OfferServiceModule } from './offer-service.module';
export { SessionClaimsReader } from './sessions/session-claims.reader';
