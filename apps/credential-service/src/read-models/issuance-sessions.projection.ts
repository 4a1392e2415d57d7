import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { topicOf, type EventEnvelope, type SessionCreatedV1 } from '@hallmark/contracts';
import { EventConsumers, SERVICE_DATA_SOURCE } from '@hallmark/platform';

/** What each session may be issued, for the credential endpoint. Idempotent upserts. */
@Injectable()
export class IssuanceSessionsProjection implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.consumers.subscribe([topicOf('offer-service')], (event) => this.apply(event), 'issuance-sessions');
  }

  async apply(event: EventEnvelope): Promise<void> {
    if (event.event_type === 'session_created') {
      const d = event.data as unknown as SessionCreatedV1;
      await this.db.query(
        `INSERT INTO issuance_sessions (session_id, credential_configuration_ids, require_key_attestation, expires_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING`,
        [event.session_id, d.credential_configuration_ids, d.require_key_attestation, d.expires_at],
      );
    } else if (event.event_type === 'session_erased') {
      await this.db.query(
        `INSERT INTO issuance_sessions (session_id, credential_configuration_ids, expires_at, erased) VALUES ($1, '{}', now(), true)
         ON CONFLICT (session_id) DO UPDATE SET erased = true`,
        [event.session_id],
      );
    }
  }
}
