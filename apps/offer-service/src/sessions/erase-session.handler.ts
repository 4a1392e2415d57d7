import { fold, streams } from '@hallmark/contracts';
import { Injectable } from '@nestjs/common';
import { EventStore } from '@hallmark/event-store';
import { ProblemError } from '@hallmark/platform';
import { SessionKeys } from '../data-keys/session-keys';
import { refusalOf, sessionDecider, streamEventsOf } from './session.decider';

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
      const decided = sessionDecider.decide({ type: 'erase_session', reason }, fold(sessionDecider, history));
      if (refusalOf(decided)) throw new ProblemError(404, 'Not Found', `no session ${sessionId}`);
      await tx.append(streams.session(sessionId), sessionId, history.length, streamEventsOf(decided));
      await this.keys.destroy(tx, sessionId);
    });
  }
}
