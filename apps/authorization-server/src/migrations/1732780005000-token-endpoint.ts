import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The DPoP replay ledger shared by all replicas of the authorization server. */
export class TokenEndpoint1732780005000 implements MigrationInterface {
  name = 'TokenEndpoint1732780005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE dpop_proofs_seen (
      proof_hash text PRIMARY KEY,
      expires_at timestamptz NOT NULL)`);
    await q.query('CREATE INDEX dpop_proofs_seen_expiry_idx ON dpop_proofs_seen (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dpop_proofs_seen');
  }
}
