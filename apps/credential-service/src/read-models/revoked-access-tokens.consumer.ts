import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RawEventEnvelope } from '@hallmark/contracts';
import { consumerGroup } from '@hallmark/platform';
import { RevokedAccessTokensProjection } from './revoked-access-tokens.projection';

/** The authorization server's revocations, into the credential endpoint's read model. */
@Controller()
export class RevokedAccessTokensConsumer {
  constructor(private readonly projection: RevokedAccessTokensProjection) {}

  @EventPattern('tokens_revoked', consumerGroup('credential-service', 'revoked-access-tokens'))
  async onTokensRevoked(@Payload() event: RawEventEnvelope): Promise<void> {
    await this.projection.apply(event);
  }
}
