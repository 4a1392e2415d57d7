import { Injectable } from '@nestjs/common';
import { streams, type AuthorizationRequestSummary } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';
import { authorizationDecider } from '../authorization/authorization.decider';
import { AuthorizationRequestError } from '../authorization/authorization-request';
import { SealedHandles } from '../authorization/sealed-handles';
import { stateOf } from '../stream-decisions';

const INTERACTION_TTL_SECONDS = 600;

/** An authorization waiting for its user at the authorization endpoint. */
export interface PendingAuthorization {
  authorizationId: string;
  sessionId: string;
  summary: AuthorizationRequestSummary;
}

/**
 * The handle that carries an authorization through the user's interaction (the consent form,
 * the `state` of the upstream login): sealed, so the page or the identity provider cannot
 * change which authorization it is.
 */
@Injectable()
export class Interactions {
  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
  ) {}

  seal(authorizationId: string, now: Date): Promise<string> {
    return this.handles.seal('interaction', {
      aid: authorizationId,
      exp: Math.floor(now.getTime() / 1000) + INTERACTION_TTL_SECONDS,
    });
  }

  /** The authorization an interaction handle belongs to. */
  async open(handle: string | undefined, now: Date): Promise<PendingAuthorization> {
    const opened = await this.handles.open('interaction', handle, now);
    const authorizationId = opened && !opened.expired && typeof opened.aid === 'string' ? opened.aid : undefined;
    const history = authorizationId ? await this.store.readStream(streams.authorization(authorizationId)) : [];
    const summary = stateOf(authorizationDecider, history).summary;
    if (!authorizationId || !summary)
      throw new AuthorizationRequestError(
        new Oid4vcError(
          'authorization_request_invalid',
          'the interaction is unknown or has expired: start again at the wallet',
        ),
        null,
        null,
        null,
      );
    return { authorizationId, sessionId: history[0].session_id, summary };
  }
}
