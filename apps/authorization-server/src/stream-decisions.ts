import {
  fold,
  type AuthorizationDeniedV1,
  type Decider,
  type EventEnvelope,
  type NewEvent,
  type TokenRejectedV1,
} from '@hallmark/contracts';
import type { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';

/** What a decider here decides: catalogue events with today's payload interfaces. */
interface DecidedEvent {
  event_type: string;
  data: object;
  occurred_at?: string;
}

type StoredEvent = Pick<NewEvent, 'event_type' | 'data'>;

/** A stream's events as a decider folds them (types it does not know fall through its evolve). */
export const decidable = <E extends DecidedEvent>(history: readonly StoredEvent[]): E[] => history as unknown as E[];

/** A decider's events as the store appends them. */
export const appendable = (events: readonly DecidedEvent[]): NewEvent[] => events as unknown as NewEvent[];

/** The state of a stream's events. */
export const stateOf = <C, E extends DecidedEvent, S>(decider: Decider<C, E, S>, history: readonly StoredEvent[]): S =>
  fold(decider, decidable<E>(history));

/**
 * Decides a command on its stream and appends what was decided at the version it was decided
 * from (`EventStore.decide`: decided again when another command appended first). Without a
 * session id (a stream that never existed) nothing is appended; the events still say what the
 * answer is.
 */
export async function decideOnStream<C, E extends DecidedEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: NoInfer<C>,
  sessionIdOf: (history: readonly EventEnvelope[]) => string | undefined,
): Promise<{ events: E[]; state: S; sessionId: string | undefined }> {
  return store.decide(streamId, (history) => {
    const state = stateOf(decider, history);
    const sessionId = sessionIdOf(history);
    const events = decider.decide(command, state);
    return {
      sessionId: sessionId ?? '',
      events: sessionId ? appendable(events) : [],
      result: { events, state, sessionId },
    };
  });
}

type RejectionEvent =
  | { event_type: 'token_rejected'; data: TokenRejectedV1 }
  | { event_type: 'authorization_denied'; data: AuthorizationDeniedV1 };

const isRejection = (event: DecidedEvent): event is RejectionEvent =>
  event.event_type === 'token_rejected' || event.event_type === 'authorization_denied';

/** The error a refused decision answers with, derived from its rejection event; undefined when nothing was refused. */
export function rejectionOf(events: readonly DecidedEvent[]): Oid4vcError | undefined {
  const rejection = events.find(isRejection);
  return rejection ? Oid4vcError.fromDiagnostic(rejection.data) : undefined;
}
