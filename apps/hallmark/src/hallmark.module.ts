import { DynamicModule, Module } from '@nestjs/common';
import { AuditProjectorModule } from '@hallmark/audit-projector';
import { AuthorizationServerModule } from '@hallmark/authorization-server';
import { CredentialServiceModule } from '@hallmark/credential-service';
import { OfferServiceModule } from '@hallmark/offer-service';
import { PlatformModule, type PlatformOptions } from '@hallmark/platform';

/** The four service modules, unchanged, in one process on one listener. */
@Module({})
export class HallmarkModule {
  static forRoot(platform: PlatformOptions): DynamicModule {
    return {
      module: HallmarkModule,
      imports: [PlatformModule.forRoot(platform), OfferServiceModule, AuthorizationServerModule, CredentialServiceModule, AuditProjectorModule],
    };
  }
}
