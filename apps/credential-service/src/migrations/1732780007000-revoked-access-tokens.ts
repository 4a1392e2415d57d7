import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Access tokens the authorization server revoked (a reused authorization code), by the hash of their jti. */
export class RevokedAccessTokens1732780007000 implements MigrationInterface {
  name = 'RevokedAccessTokens1732780007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE revoked_access_tokens (
      token_id_hash text PRIMARY KEY,
      session_id    text NOT NULL,
      revoked_at    timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE revoked_access_tokens');
  }
}
