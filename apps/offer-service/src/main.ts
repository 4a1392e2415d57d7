import { Module } from '@nestjs/common';
import { PlatformModule, loadServiceConfig, serve } from '@hallmark/platform';
import { OfferServiceModule } from './offer-service.module';

// Read and checked before anything starts: a missing or malformed variable exits here, named.
const config = loadServiceConfig('offer-service');

@Module({
  imports: [PlatformModule.forRoot({ processName: 'offer-service', config }), OfferServiceModule],
})
class OfferServiceApp {}

void serve(OfferServiceApp, { processName: 'offer-service', port: config.port, trustProxyHops: config.trustProxyHops });
