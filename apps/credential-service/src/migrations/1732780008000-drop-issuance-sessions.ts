import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * issuance_sessions was written and never read: the access token carries what the credential
 * endpoint needs (configurations, key attestation flag), so the read model and its consumer group
 * are gone. Down restores the empty table of CredentialService1732780004000.
 */
export class DropIssuanceSessions1732780008000 implements MigrationInterface {
  name = 'DropIssuanceSessions1732780008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS issuance_sessions');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE issuance_sessions (
      session_id                   text PRIMARY KEY,
      credential_configuration_ids text[] NOT NULL,
      require_key_attestation      boolean NOT NULL DEFAULT false,
      expires_at                   timestamptz NOT NULL,
      erased                       boolean NOT NULL DEFAULT false)`);
  }
}
