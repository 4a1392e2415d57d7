import { Injectable } from '@nestjs/common';
import {
  newId,
  streams,
  unattributedSessionId,
  type AuthorizationDeniedV1,
  type RequestContext,
  type NewEvent,
} from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { currentRequestScope } from '@hallmark/telemetry';
import {
  authorizationIdOf,
  type AuthorizationParameters,
  type AuthorizationRequestError,
} from './authorization-request';
import { SealedHandles } from './sealed-handles';

/**
 * Records a refused authorization request (at PAR or authorize) that no decider recorded: on the
 * pushed request's authorization when the request_uri is ours, else on the session of the offer
 * behind issuer_state, else in the unattributed log.
 */
@Injectable()
export class AuthorizationDenials {
  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
  ) {}

  async record(
    endpoint: 'par' | 'authorize',
    params: AuthorizationParameters,
    failure: AuthorizationRequestError,
    request: RequestContext,
  ): Promise<void> {
    const data: AuthorizationDeniedV1 = {
      endpoint,
      client_id: failure.clientId?.slice(0, 512) ?? null,
      ...failure.rejection.toDiagnostic(),
      redirected: failure.redirectUri !== null,
      request,
    };
    const events: NewEvent<'authorization_denied'>[] = [{ event_type: 'authorization_denied', data }];
    const offer = params.issuer_state
      ? await this.handles.openOffer(params.issuer_state, new Date(), 'issuer_state').catch(() => undefined)
      : undefined;
    const pushedId = authorizationIdOf(params.request_uri);
    const pushed = pushedId ? await this.store.readStream(streams.authorization(pushedId)) : [];
    if (pushed.length > 0)
      await this.store.append(streams.authorization(pushedId!), pushed[0].session_id, 'any', events);
    else if (offer) await this.store.append(streams.authorizationDenied(offer.sid), offer.sid, 'any', events);
    else {
      const requestId = currentRequestScope()?.requestId ?? newId();
      await this.store.append(streams.unattributedRequest(requestId), unattributedSessionId(requestId), 'any', events);
    }
  }
}
