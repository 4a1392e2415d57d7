import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import type { DataSource } from 'typeorm';
import { SERVICE_DATA_SOURCE } from './tokens';

/**
 * The DPoP proofs this service has accepted, in its own database (table `dpop_proofs_seen`, see
 * DPOP_REPLAY_LEDGER_DDL), so a replayed proof is refused whichever replica it reaches
 * (RFC 9449 Section 11.1). Rows outlive the proof's acceptance window.
 */
@Injectable()
export class DpopReplayLedger {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  /** Records the proof; false when it was seen before. */
  async firstUse(jkt: string, jti: string, now: Date, ttlSeconds = 600): Promise<boolean> {
    const key = createHash('sha256').update(`${jkt}:${jti}`).digest('base64url');
    const rows = await this.db.query(
      `INSERT INTO dpop_proofs_seen (proof_hash, expires_at) VALUES ($1, $2)
       ON CONFLICT (proof_hash) DO NOTHING RETURNING proof_hash`,
      [key, new Date(now.getTime() + ttlSeconds * 1000)],
    );
    if (Math.random() < 0.01) await this.db.query('DELETE FROM dpop_proofs_seen WHERE expires_at < now()');
    return rows.length === 1;
  }
}

/** The ledger's table, created by the migrations of each service that accepts DPoP proofs. */
export const DPOP_REPLAY_LEDGER_DDL = [
  `CREATE TABLE dpop_proofs_seen (
     proof_hash text PRIMARY KEY,
     expires_at timestamptz NOT NULL)`,
  'CREATE INDEX dpop_proofs_seen_expiry_idx ON dpop_proofs_seen (expires_at)',
];
