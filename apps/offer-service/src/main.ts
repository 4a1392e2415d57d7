import { Module } from '@nestjs/common';
import { PlatformModule, readPlatformConfig, serve } from '@hallmark/platform';
import { OfferServiceModule } from './offer-service.module';

@Module({
  imports: [PlatformModule.forRoot({ processName: 'offer-service', config: readPlatformConfig() }), OfferServiceModule],
})
class OfferServiceApp {}

void serve(OfferServiceApp, { processName: 'offer-service', port: Number(process.env.PORT ?? 8081) });
