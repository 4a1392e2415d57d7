import {
  fold,
  type Decider,
  type EventEnvelope,
  type EventType,
  type NewEvent,
  type StreamName,
} from '@hallmark/contracts';
import type { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';

/** The state of a stream's events (a stream's envelopes are its decider's events). */
export const stateOf = <C, T extends EventType, S>(
  decider: Decider<C, NewEvent<T>, S>,
  history: readonly EventEnvelope<T>[],
): S => fold(decider, history);

/**
 * Decides a command on its stream and appends what was decided at the version it was decided
 * from (`EventStore.decide`: decided again when another command appended first). Without a
 * session id (a stream that never existed) nothing is appended; the events still say what the
 * answer is.
 */
export async function decideOnStream<C, T extends EventType, S>(
  store: EventStore,
  streamId: StreamName<T>,
  decider: Decider<C, NewEvent<T>, S>,
  command: NoInfer<C>,
  sessionIdOf: (history: readonly EventEnvelope<T>[]) => string | undefined,
): Promise<{ events: NewEvent<T>[]; state: S; sessionId: string | undefined }> {
  return store.decide(streamId, (history) => {
    const state = stateOf(decider, history);
    const sessionId = sessionIdOf(history);
    const events = decider.decide(command, state);
    return {
      sessionId: sessionId ?? '',
      events: sessionId ? events : [],
      result: { events, state, sessionId },
    };
  });
}

type RejectionEvent = NewEvent<'token_rejected' | 'authorization_denied'>;

const isRejection = (event: NewEvent): event is RejectionEvent =>
  event.event_type === 'token_rejected' || event.event_type === 'authorization_denied';

/** The error a refused decision answers with, derived from its rejection event; undefined when nothing was refused. */
export function rejectionOf(events: readonly NewEvent[]): Oid4vcError | undefined {
  const rejection = events.find(isRejection);
  return rejection ? Oid4vcError.fromDiagnostic(rejection.data) : undefined;
}
