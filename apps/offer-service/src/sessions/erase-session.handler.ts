import { streams } from '@hallmark/contracts';
import { Injectable } from '@nestjs/common';
import { EventStore } from '@hallmark/event-store';
import { ProblemError } from '@hallmark/platform';
import { SessionKeys } from '../data-keys/session-keys';
import { decide, foldSession, SessionRejected } from './session.decider';

/** DELETE /admin/sessions/{id}: destroys the data key (crypto-shredding) and appends session_erased. */
@Injectable()
export class EraseSessionHandler {
  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
  ) {}

  async handle(sessionId: string, reason?: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      // Decided under the stream lock: two concurrent erasures append session_erased once.
      const history = await tx.readStreamLocked(streams.session(sessionId));
      let events;
      try {
        events = decide({ type: 'erase_session', reason }, foldSession(history));
      } catch (err) {
        if (err instanceof SessionRejected) throw new ProblemError(404, 'Not Found', `no session ${sessionId}`);
        throw err;
      }
      await tx.append(streams.session(sessionId), sessionId, history.length, events);
      await this.keys.destroy(tx, sessionId);
    });
  }
}
