import { Module } from '@nestjs/common';
import { ServiceStoreModule, issuerKeysProvider } from '@hallmark/platform';
import { CredentialService1732780004000 } from './migrations/1732780004000-credential-service';
import { IssuanceSessionsProjection } from './read-models/issuance-sessions.projection';

/** Issuer metadata, nonce and credential endpoints. This increment keeps its read model of sessions; the endpoints follow. */
@Module({
  imports: [
    ServiceStoreModule.forService({ service: 'credential-service', schema: 'hallmark_credential', migrations: [CredentialService1732780004000], publishes: true }),
  ],
  providers: [IssuanceSessionsProjection, issuerKeysProvider],
})
export class CredentialServiceModule {}
