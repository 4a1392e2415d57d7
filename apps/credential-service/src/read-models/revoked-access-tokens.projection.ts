import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { knownEvent, type RawEventEnvelope } from '@hallmark/contracts';
import { SERVICE_DATA_SOURCE } from '@hallmark/platform';

/**
 * Which access tokens stop working before they expire: the authorization server revokes the
 * tokens of an authorization whose code was used twice (RFC 6749 Section 4.1.2). Idempotent.
 * Fed by RevokedAccessTokensConsumer.
 */
@Injectable()
export class RevokedAccessTokensProjection {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  async apply(received: RawEventEnvelope): Promise<void> {
    const event = knownEvent(received);
    if (event?.event_type !== 'tokens_revoked') return;
    const d = event.data;
    if (d.token_id_hashes.length === 0) return;
    await this.db.query(
      `INSERT INTO revoked_access_tokens (token_id_hash, session_id, revoked_at)
       SELECT h, $2, $3 FROM unnest($1::text[]) AS h ON CONFLICT (token_id_hash) DO NOTHING`,
      [d.token_id_hashes, event.session_id, event.occurred_at],
    );
  }

  async isRevoked(tokenIdHash: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM revoked_access_tokens WHERE token_id_hash = $1', [
      tokenIdHash,
    ]);
    return rows.length > 0;
  }
}
