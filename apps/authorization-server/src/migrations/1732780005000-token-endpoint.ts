import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DPOP_REPLAY_LEDGER_DDL } from '@hallmark/platform';

/** The DPoP replay ledger shared by all replicas of the authorization server. */
export class TokenEndpoint1732780005000 implements MigrationInterface {
  name = 'TokenEndpoint1732780005000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of DPOP_REPLAY_LEDGER_DDL) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dpop_proofs_seen');
  }
}
