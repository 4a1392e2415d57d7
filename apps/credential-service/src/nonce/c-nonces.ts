import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';
import { newId, streams, unattributedSessionId, type NonceIssuedV1, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { PLATFORM_CONFIG, SERVICE_DATA_SOURCE, type PlatformConfig } from '@hallmark/platform';
import { Oid4vcError } from '@hallmark/oid4vc';
import { currentRequestScope } from '@hallmark/telemetry';

export const nonceHash = (nonce: string): string => createHash('sha256').update(nonce).digest('base64url');
const hash = nonceHash;

/**
 * c_nonces for key proofs (OID4VCI 1.0 Section 7): random, kept (hashed) in the service's
 * database so any replica accepts them, valid for HALLMARK_C_NONCE_TTL (five minutes), used once.
 */
@Injectable()
export class CNonces {
  constructor(
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
    private readonly store: EventStore,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Issues a nonce and records `nonce_issued` (unattributed: no token comes with the request). */
  async issue(now: Date, request: RequestContext): Promise<string> {
    const nonce = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.cNonceTtlSeconds * 1000);
    const issued: NonceIssuedV1 = { c_nonce_hash: hash(nonce), expires_at: expiresAt.toISOString(), request };
    const sessionId = unattributedSessionId(currentRequestScope()?.requestId ?? newId());
    await this.store.transaction(async (tx) => {
      await tx.append(streams.nonce(issued.c_nonce_hash), sessionId, 0, [{ event_type: 'nonce_issued', data: issued }]);
      await tx.query('INSERT INTO c_nonces (nonce_hash, expires_at) VALUES ($1, $2)', [issued.c_nonce_hash, expiresAt]);
    });
    if (Math.random() < 0.01) await this.db.query(`DELETE FROM c_nonces WHERE expires_at < now() - interval '1 hour'`);
    return nonce;
  }

  /**
   * Whether the nonce was issued here and is unexpired and unused (does not use it); false for a
   * nonce never issued here. A used or expired one throws its own reason: the wallet's fix differs.
   */
  async isUsable(nonce: string, now: Date): Promise<boolean> {
    const [row] = await this.db.query('SELECT used_at, expires_at FROM c_nonces WHERE nonce_hash = $1', [hash(nonce)]);
    if (!row) return false;
    if (row.used_at) throw new Oid4vcError('credential_nonce_used');
    if (new Date(row.expires_at) <= now) throw new Oid4vcError('proof_nonce_expired');
    return true;
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
