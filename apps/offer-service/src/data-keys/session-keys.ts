import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import type { EventStoreTransaction } from '@hallmark/event-store';
import { EventStore } from '@hallmark/event-store';
import { newDataKey, unwrapKey, wrapKey } from './sealing';

/**
 * Per-session data keys, wrapped by the master key, in a table of their own (not the event log):
 * deleting a session's row makes everything sealed with its key unreadable everywhere.
 */
@Injectable()
export class SessionKeys {
  private readonly masterKey: Buffer;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly store: EventStore,
  ) {
    this.masterKey = config.masterKey;
  }

  /** A fresh data key; stored (wrapped) by `save` in the transaction that appends the session. */
  newKey(): Buffer {
    return newDataKey();
  }

  async save(tx: EventStoreTransaction, sessionId: string, key: Buffer): Promise<void> {
    await tx.query('INSERT INTO session_data_keys (session_id, wrapped_key) VALUES ($1, $2)', [
      sessionId,
      wrapKey(this.masterKey, key, sessionId),
    ]);
  }

  /** The session's data key, or null once the session was erased. */
  async find(sessionId: string): Promise<Buffer | null> {
    const rows = await this.store.dataSource.query('SELECT wrapped_key FROM session_data_keys WHERE session_id = $1', [
      sessionId,
    ]);
    return rows.length ? unwrapKey(this.masterKey, rows[0].wrapped_key, sessionId) : null;
  }

  async destroy(tx: EventStoreTransaction, sessionId: string): Promise<void> {
    await tx.query('DELETE FROM session_data_keys WHERE session_id = $1', [sessionId]);
  }
}
