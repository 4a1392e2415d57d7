import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The offers the authorization server will redeem codes for, projected from offer-service events. */
export class AuthorizationServer1732780003000 implements MigrationInterface {
  name = 'AuthorizationServer1732780003000';

  async up(q: QueryRunner): Promise<void> {
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

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE offer_grants');
  }
}
