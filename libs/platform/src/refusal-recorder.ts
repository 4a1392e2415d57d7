import { Injectable } from '@nestjs/common';
import {
  newId,
  streams,
  unattributedSessionId,
  type EventType,
  type NewEvent,
  type StreamName,
  type UnattributedRequestEventType,
} from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { currentRequestScope } from '@hallmark/telemetry';

/**
 * The session stream a refusal belongs on: the one named by the grant, code or token the request
 * carried. Any stream name (the event store checks at append that the refusal belongs in it).
 */
export interface RefusalTarget {
  streamId: StreamName<EventType>;
  sessionId: string;
}

/**
 * Where a refusal is recorded, worked out in one place. Each endpoint says how to find the session
 * from what the request carried (`locate`, tried in order: opening a code, a token's session, a
 * pushed request); a refusal that names no session (or whose locators fail) goes to this request's
 * entry in the unattributed log, so every refusal is on exactly one timeline: the session's or
 * `GET /admin/requests`'.
 */
@Injectable()
export class RefusalRecorder {
  constructor(private readonly store: EventStore) {}

  async record<T extends UnattributedRequestEventType>(
    events: NewEvent<T>[],
    ...locate: Locator[]
  ): Promise<RefusalTarget | undefined> {
    const target = await firstTarget(locate);
    if (target) {
      // Refusals commute with the stream's other events: appended at any version.
      await this.store.append(target.streamId, target.sessionId, 'any', events);
      return target;
    }
    const requestId = currentRequestScope()?.requestId ?? newId();
    await this.store.append(streams.unattributedRequest(requestId), unattributedSessionId(requestId), 'any', events);
    return undefined;
  }
}

/** Finds the session a refusal belongs to from what the request carried, or nothing. */
export type Locator = () => Promise<RefusalTarget | undefined> | RefusalTarget | undefined;

async function firstTarget(locate: Locator[]): Promise<RefusalTarget | undefined> {
  for (const find of locate) {
    // A locator that cannot open what it was given found nothing: the refusal is still recorded.
    const found = await Promise.resolve()
      .then(find)
      .catch(() => undefined);
    if (found) return found;
  }
  return undefined;
}
