import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';
import { SERVICE_DATA_SOURCE } from '@hallmark/platform';

export const C_NONCE_TTL_SECONDS = 300;
const hash = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url');

/**
 * c_nonces for key proofs (OID4VCI 1.0 Section 7): random, kept (hashed) in the service's
 * database so any replica accepts them, valid for five minutes, used once.
 */
@Injectable()
export class CNonces {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  async issue(now: Date): Promise<string> {
    const nonce = randomBytes(24).toString('base64url');
    await this.db.query('INSERT INTO c_nonces (nonce_hash, expires_at) VALUES ($1, $2)', [hash(nonce), new Date(now.getTime() + C_NONCE_TTL_SECONDS * 1000)]);
    if (Math.random() < 0.01) await this.db.query(`DELETE FROM c_nonces WHERE expires_at < now() - interval '1 hour'`);
    return nonce;
  }

  /** Whether the nonce was issued here, is unexpired and unused (does not use it). */
  async isUsable(nonce: string, now: Date): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM c_nonces WHERE nonce_hash = $1 AND used_at IS NULL AND expires_at > $2', [hash(nonce), now]);
    return rows.length === 1;
  }

  /** Uses the nonce; false when another request used it first. */
  async use(nonce: string, now: Date): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not rows.
    const [{ used }] = await this.db.query(
      `WITH u AS (UPDATE c_nonces SET used_at = $2 WHERE nonce_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING 1)
       SELECT count(*)::int AS used FROM u`,
      [hash(nonce), now],
    );
    return used === 1;
  }
}
