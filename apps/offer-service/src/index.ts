export { OfferServiceModule } from './offer-service.module';
