import { Module } from '@nestjs/common';
import { DpopReplayLedger, ServiceStoreModule, issuerKeysProvider } from '@hallmark/platform';
import { AccessTokenVerifier } from './credential/access-token.verifier';
import { CredentialController } from './credential/credential.controller';
import { IssueCredentialHandler } from './credential/issue-credential.handler';
import { KeyAttestations } from './credential/key-attestations';
import { SessionClaimsClient } from './credential/session-claims.client';
import { IssuerMetadataController } from './metadata/issuer-metadata.controller';
import { CredentialEndpoints1732780006000 } from './migrations/1732780006000-credential-endpoints';
import { CNonces } from './nonce/c-nonces';
import { NonceController } from './nonce/nonce.controller';
import { CredentialService1732780004000 } from './migrations/1732780004000-credential-service';
import { RevokedAccessTokensConsumer } from './read-models/revoked-access-tokens.consumer';
import { RevokedAccessTokensProjection } from './read-models/revoked-access-tokens.projection';
import { RevokedAccessTokens1732780007000 } from './migrations/1732780007000-revoked-access-tokens';
import { DropIssuanceSessions1732780008000 } from './migrations/1732780008000-drop-issuance-sessions';

/** Issuer metadata, the nonce endpoint and the credential endpoint (SD-JWT VC, JWT VC). */
@Module({
  imports: [
    ServiceStoreModule.forService({
      service: 'credential-service',
      schema: 'hallmark_credential',
      migrations: [
        CredentialService1732780004000,
        CredentialEndpoints1732780006000,
        RevokedAccessTokens1732780007000,
        DropIssuanceSessions1732780008000,
      ],
      publishes: true,
    }),
  ],
  controllers: [IssuerMetadataController, NonceController, CredentialController, RevokedAccessTokensConsumer],
  providers: [
    RevokedAccessTokensProjection,
    issuerKeysProvider,
    DpopReplayLedger,
    CNonces,
    AccessTokenVerifier,
    SessionClaimsClient,
    KeyAttestations,
    IssueCredentialHandler,
  ],
})
export class CredentialServiceModule {}
