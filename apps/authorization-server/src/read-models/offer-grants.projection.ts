import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { topicOf, type EventEnvelope, type OfferCreatedV1 } from '@hallmark/contracts';
import { EventConsumers, SERVICE_DATA_SOURCE } from '@hallmark/platform';

/**
 * Which grants exist (by the hash of their code or issuer_state) and for which session: the
 * token endpoint's read model. Writes are idempotent upserts, so redelivery changes nothing.
 */
@Injectable()
export class OfferGrantsProjection implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.consumers.subscribe([topicOf('offer-service')], (event) => this.apply(event), 'offer-grants');
  }

  async apply(event: EventEnvelope): Promise<void> {
    if (event.event_type === 'offer_created') {
      const d = event.data as unknown as OfferCreatedV1;
      await this.db.query(
        `INSERT INTO offer_grants (session_id, grant_type, pre_authorized_code_hash, issuer_state_hash, tx_code, credential_configuration_ids, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (session_id) DO NOTHING`,
        [
          event.session_id,
          d.grant.type,
          d.grant.type === 'pre-authorized_code' ? d.grant.pre_authorized_code_hash : null,
          d.grant.type === 'authorization_code' ? d.grant.issuer_state_hash : null,
          d.grant.type === 'pre-authorized_code' && d.grant.tx_code ? JSON.stringify(d.grant.tx_code) : null,
          d.credential_configuration_ids,
          d.expires_at,
        ],
      );
    } else if (event.event_type === 'session_erased') {
      // An erasure can overtake the offer only if both were redelivered out of order; a tombstone row covers that.
      await this.db.query(
        `INSERT INTO offer_grants (session_id, grant_type, credential_configuration_ids, expires_at, erased)
         VALUES ($1, 'unknown', '{}', now(), true)
         ON CONFLICT (session_id) DO UPDATE SET erased = true`,
        [event.session_id],
      );
    }
  }
}
