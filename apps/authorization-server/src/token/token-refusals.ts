import { Injectable } from '@nestjs/common';
import { streams, type NewEvent, type TokenRejectedV1 } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';
import { RefusalRecorder, type RefusalTarget } from '@hallmark/platform';
import { SealedHandles } from '../authorization/sealed-handles';
import { tokenParameter, type TokenRequest } from './token-request';

/** A refused token request, recorded: the one error the token endpoint turns into its wire answer. */
export class TokenRefusal extends Error {
  constructor(readonly rejection: Oid4vcError) {
    super(rejection.message);
  }
}

/**
 * Records the refusals no decider recorded: those decided before a grant's decider runs (an
 * unsupported grant type, a malformed request, DPoP, client authentication, a code that is not
 * ours). They go on the stream of the code or token the request carries when it opens (the
 * authorization's for a code or refresh token, the offer's grant for a pre-authorized code), so
 * they land on the session's timeline; else in the unattributed log.
 */
@Injectable()
export class TokenRefusals {
  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
    private readonly recorder: RefusalRecorder,
  ) {}

  /**
   * Runs a token request: a refusal a grant's decider recorded comes back as it is; any other
   * refusal (an Oid4vcError thrown by a check) is recorded here first. What leaves is answered
   * by the controller, which records nothing.
   */
  async recorded<T>(request: TokenRequest, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (caught) {
      throw caught instanceof Oid4vcError ? await this.record(request, caught) : caught;
    }
  }

  async record(request: TokenRequest, rejection: Oid4vcError): Promise<TokenRefusal> {
    const grantType = tokenParameter(request.body, 'grant_type');
    const data: TokenRejectedV1 = {
      grant_type: (grantType ?? '').slice(0, 200),
      ...rejection.toDiagnostic(),
      request: request.request,
    };
    const event: NewEvent<'token_rejected'>[] = [{ event_type: 'token_rejected', data }];
    await this.recorder.record(
      event,
      () => this.authorizationOf(grantType, request.body),
      () => this.offerOf(request.body),
    );
    return new TokenRefusal(rejection);
  }

  /** The authorization a code or refresh token names (also when it has expired). */
  private async authorizationOf(grantType: string | undefined, body: unknown): Promise<RefusalTarget | undefined> {
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return undefined;
    const opened =
      grantType === 'refresh_token'
        ? await this.handles.open('refresh', tokenParameter(body, 'refresh_token'), new Date())
        : await this.handles.open('code', tokenParameter(body, 'code'), new Date());
    if (!opened || typeof opened.aid !== 'string') return undefined;
    const streamId = streams.authorization(opened.aid);
    const history = await this.store.readStream(streamId);
    return history.length > 0 ? { streamId, sessionId: history[0].session_id } : undefined;
  }

  /** The session of a pre-authorized code sent along (with any grant type). */
  private async offerOf(body: unknown): Promise<RefusalTarget | undefined> {
    const code = tokenParameter(body, 'pre-authorized_code');
    if (!code) return undefined;
    const { sid } = await this.handles.openOffer(code, new Date());
    return { streamId: streams.grant(sid), sessionId: sid };
  }
}
