import { Inject, Injectable } from '@nestjs/common';
import type { RequestContext } from '@hallmark/contracts';
import { Oid4vcError, subjectIdHash } from '@hallmark/oid4vc';
import { PLATFORM_CONFIG, callOfferService, type PlatformConfig } from '@hallmark/platform';
import { UpstreamLogin, type UpstreamIdentity } from '../authorization/upstream-login';
import { AuthorizationOutcomes } from './authorization-outcomes';
import { Interactions, type PendingAuthorization } from './interactions';

/**
 * GET /authorize/callback: the user comes back from the identity provider. For an offer, the
 * decider compares who logged in with the offer's subject; without one (wallet-initiated), the
 * offer service creates the session from the mapped claims, so personal data is still sealed by
 * its only custodian.
 */
@Injectable()
export class LoginCallbackHandler {
  constructor(
    private readonly interactions: Interactions,
    private readonly outcomes: AuthorizationOutcomes,
    private readonly login: UpstreamLogin,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async complete(callbackUrl: URL, request: RequestContext): Promise<{ location: string }> {
    const now = new Date();
    const state = callbackUrl.searchParams.get('state') ?? undefined;
    const authorization = await this.interactions.open(state, now);
    let identity: UpstreamIdentity;
    try {
      identity = await this.login.complete(callbackUrl, authorization.authorizationId, state!);
    } catch (err) {
      if (!(err instanceof Oid4vcError)) throw err;
      throw await this.outcomes.deny(authorization, err, request, now);
    }
    if (!authorization.summary.issuer_initiated) {
      const unavailable = await this.createSession(authorization, identity);
      if (unavailable) throw await this.outcomes.deny(authorization, unavailable, request, now);
    }
    const loggedInSubject = subjectIdHash(this.login.subjectOf(identity));
    return this.outcomes.issueCode(authorization, { user: 'login', loggedInSubject }, request, now);
  }

  /** Asks the offer service for the session of a wallet-initiated issuance; the refusal when it cannot be made. */
  private async createSession(
    { sessionId, summary }: PendingAuthorization,
    identity: UpstreamIdentity,
  ): Promise<Oid4vcError | undefined> {
    const created = await callOfferService(this.config, `/internal/sessions/${encodeURIComponent(sessionId)}`, {
      credential_configuration_ids: summary.credential_configuration_ids,
      claims: this.login.claimsFor(identity, summary.credential_configuration_ids),
      subject_id: this.login.subjectOf(identity),
    }).catch(() => undefined);
    if (created?.ok) return undefined;
    return new Oid4vcError(
      'authorization_session_unavailable',
      created ? `offer service answered ${created.status}` : 'offer service unreachable',
    );
  }
}
