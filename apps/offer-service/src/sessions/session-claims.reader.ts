import { Injectable } from '@nestjs/common';
import { streams } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { SessionClaims, SessionClaimsSource } from '@hallmark/platform';
import { open } from '../data-keys/sealing';
import { SessionKeys } from '../data-keys/session-keys';

/** Opens a session's sealed personal data with its data key; null once the session is erased (its key is gone). */
@Injectable()
export class SessionClaimsReader implements SessionClaimsSource {
  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
  ) {}

  async claimsFor(sessionId: string): Promise<SessionClaims | null> {
    const [events, key] = await Promise.all([
      this.store.readStream(streams.session(sessionId)),
      this.keys.find(sessionId),
    ]);
    const created = events.find((e) => e.event_type === 'session_created')?.data;
    if (!created || !key || events.some((e) => e.event_type === 'session_erased')) return null;
    if (!created.personal_data) return { subject_id: null, claims: {} };
    return open(key, created.personal_data, sessionId);
  }
}
