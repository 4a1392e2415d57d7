import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sessions the credential service will issue for, projected from offer-service events. */
export class CredentialService1732780004000 implements MigrationInterface {
  name = 'CredentialService1732780004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE issuance_sessions (
      session_id                   text PRIMARY KEY,
      credential_configuration_ids text[] NOT NULL,
      require_key_attestation      boolean NOT NULL DEFAULT false,
      expires_at                   timestamptz NOT NULL,
      erased                       boolean NOT NULL DEFAULT false)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE issuance_sessions');
  }
}
