import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * offer_grants was written and never read: the token endpoint opens the sealed pre-authorized
 * code or issuer_state and decides from its own streams, so the read model and its consumer group
 * are gone. Down restores the empty table of AuthorizationServer1732780003000.
 */
export class DropOfferGrants1732780008000 implements MigrationInterface {
  name = 'DropOfferGrants1732780008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS offer_grants');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE offer_grants (
      session_id               text PRIMARY KEY,
      grant_type               text NOT NULL,
      pre_authorized_code_hash text UNIQUE,
      issuer_state_hash        text UNIQUE,
      tx_code                  jsonb,
      credential_configuration_ids text[] NOT NULL,
      expires_at               timestamptz NOT NULL,
      erased                   boolean NOT NULL DEFAULT false)`);
  }
}
