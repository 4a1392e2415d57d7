import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditProjectorModule } from '@hallmark/audit-projector';
import { AuthorizationServerModule } from '@hallmark/authorization-server';
import { CredentialServiceModule } from '@hallmark/credential-service';
import { OfferServiceModule, SessionClaimsReader } from '@hallmark/offer-service';
import { PlatformModule, SESSION_CLAIMS_SOURCE, type PlatformOptions } from '@hallmark/platform';

/**
 * What only the one-process build can offer: the credential service reads a session's claims
 * from the offer service in the same process, not through its internal HTTP API.
 */
@Global()
@Module({
  imports: [OfferServiceModule],
  providers: [{ provide: SESSION_CLAIMS_SOURCE, useExisting: SessionClaimsReader }],
  exports: [SESSION_CLAIMS_SOURCE],
})
class InProcessCallsModule {}

/** The four service modules, unchanged, in one process on one listener. */
@Module({})
export class HallmarkModule {
  static forRoot(platform: PlatformOptions): DynamicModule {
    return {
      module: HallmarkModule,
      imports: [
        PlatformModule.forRoot(platform),
        OfferServiceModule,
        AuthorizationServerModule,
        CredentialServiceModule,
        AuditProjectorModule,
        InProcessCallsModule,
      ],
    };
  }
}
