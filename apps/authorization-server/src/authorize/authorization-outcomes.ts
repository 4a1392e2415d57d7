import { Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import { streams, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { Oid4vcError } from '@hallmark/oid4vc';
import { authorizationDecider, type AuthorizationCommand } from '../authorization/authorization.decider';
import type { AuthorizationRequestError } from '../authorization/authorization-request';
import { AuthorizationResponses } from '../authorization/authorization-responses';
import { SealedHandles } from '../authorization/sealed-handles';
import { decideOnStream, rejectionOf } from '../stream-decisions';
import { sha256Base64url } from '../token/access-tokens';
import type { PendingAuthorization } from './interactions';

export const CODE_TTL_SECONDS = 60;

/** How the user was established: holding the offer, or a login (whose subject the decider compares with the offer's). */
export type AuthorizedUser = { user: 'offer' } | { user: 'login'; loggedInSubject: string };

/**
 * How an authorization ends at the authorization endpoint, decided on its stream: a code (a
 * sealed handle naming the authorization, 60 s) sent to the redirect URI, or a denial recorded
 * and sent back there.
 */
@Injectable()
export class AuthorizationOutcomes {
  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
    private readonly responses: AuthorizationResponses,
  ) {}

  async issueCode(
    authorization: PendingAuthorization,
    user: AuthorizedUser,
    request: RequestContext,
    now: Date,
  ): Promise<{ location: string }> {
    const { authorizationId, summary } = authorization;
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    const code = await this.handles.seal('code', {
      aid: authorizationId,
      exp: Math.floor(expiresAt.getTime() / 1000),
      n: randomBytes(8).toString('base64url'),
    });
    const base = { type: 'issue_code', now, codeHash: sha256Base64url(code), expiresAt, request } as const;
    const rejection = await this.decide(
      authorization,
      user.user === 'offer'
        ? { ...base, user: 'offer' }
        : {
            ...base,
            user: 'login',
            offerSubject: await this.handles.openValue(summary.subject_sealed),
            loggedInSubject: user.loggedInSubject,
          },
    );
    if (rejection) throw await this.responses.refusal(summary, rejection, true);
    return { location: await this.responses.responseLocation(summary, { code }) };
  }

  /**
   * Refuses an authorization whose request was fine (the user said no, the login failed, no
   * session could be made): recorded, and the refusal to send back to the wallet.
   */
  async deny(
    authorization: PendingAuthorization,
    rejection: Oid4vcError,
    request: RequestContext,
    now: Date,
  ): Promise<AuthorizationRequestError> {
    const recorded = await this.decide(authorization, { type: 'deny', now, rejection, request });
    return this.responses.refusal(authorization.summary, recorded!, true);
  }

  /** Decides on the authorization's stream; the error of a refusal, derived from the rejection event recorded there. */
  private async decide(
    authorization: PendingAuthorization,
    command: AuthorizationCommand,
  ): Promise<Oid4vcError | undefined> {
    const { events } = await decideOnStream(
      this.store,
      streams.authorization(authorization.authorizationId),
      authorizationDecider,
      command,
      () => authorization.sessionId,
    );
    return rejectionOf(events);
  }
}
