import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DPOP_REPLAY_LEDGER_DDL } from '@hallmark/platform';

/** Issued c_nonces (single use, shared by replicas) and the DPoP replay ledger. */
export class CredentialEndpoints1732780006000 implements MigrationInterface {
  name = 'CredentialEndpoints1732780006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE c_nonces (
      nonce_hash text PRIMARY KEY,
      expires_at timestamptz NOT NULL,
      used_at    timestamptz)`);
    await q.query('CREATE INDEX c_nonces_expiry_idx ON c_nonces (expires_at)');
    for (const sql of DPOP_REPLAY_LEDGER_DDL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dpop_proofs_seen');
    await q.query('DROP TABLE c_nonces');
  }
}
