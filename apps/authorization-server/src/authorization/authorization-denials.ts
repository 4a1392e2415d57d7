import { Injectable } from '@nestjs/common';
import { streams, type AuthorizationDeniedV1, type NewEvent, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';
import { RefusalRecorder, type RefusalTarget } from '@hallmark/platform';
import { authorizationIdOf, AuthorizationRequestError, type AuthorizationParameters } from './authorization-request';
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
    private readonly recorder: RefusalRecorder,
  ) {}

  /**
   * Runs a PAR or authorize request: a refusal its decider recorded comes back as it is; any other
   * (an Oid4vcError thrown by a check, or an unrecorded AuthorizationRequestError) is recorded here
   * first. What leaves is answered by the controller, which records nothing.
   */
  async recorded<T>(
    endpoint: 'par' | 'authorize',
    params: () => AuthorizationParameters,
    request: RequestContext,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (caught) {
      const failure =
        caught instanceof Oid4vcError
          ? new AuthorizationRequestError(caught, null, params().client_id ?? null, null)
          : caught;
      if (!(failure instanceof AuthorizationRequestError) || failure.recorded) throw failure;
      await this.record(endpoint, params(), failure, request);
      throw new AuthorizationRequestError(
        failure.rejection,
        failure.redirectUri,
        failure.clientId,
        failure.state,
        true,
      );
    }
  }

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
    await this.recorder.record(
      events,
      () => this.pushedAuthorization(params.request_uri),
      () => this.offerSession(params.issuer_state),
    );
  }

  /** The pushed request's authorization, when the request_uri is ours. */
  private async pushedAuthorization(requestUri: string | undefined): Promise<RefusalTarget | undefined> {
    const pushedId = authorizationIdOf(requestUri);
    if (!pushedId) return undefined;
    const streamId = streams.authorization(pushedId);
    const pushed = await this.store.readStream(streamId);
    return pushed.length > 0 ? { streamId, sessionId: pushed[0].session_id } : undefined;
  }

  /** The session of the offer behind issuer_state. */
  private async offerSession(issuerState: string | undefined): Promise<RefusalTarget | undefined> {
    if (!issuerState) return undefined;
    const { sid } = await this.handles.openOffer(issuerState, new Date(), 'issuer_state');
    return { streamId: streams.authorizationDenied(sid), sessionId: sid };
  }
}
