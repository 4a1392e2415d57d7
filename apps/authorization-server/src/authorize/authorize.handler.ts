import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import {
  newId,
  streams,
  type AuthorizationRequestedV1,
  type AuthorizationRequestSummary,
  type RequestContext,
} from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import { ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { authorizationDecider, type AuthorizationEvent } from '../authorization/authorization.decider';
import {
  AuthorizationRequestError,
  authorizationIdOf,
  checkClient,
  type AuthorizationParameters,
} from '../authorization/authorization-request';
import { AuthorizationRequests } from '../authorization/authorization-requests';
import { AuthorizationResponses } from '../authorization/authorization-responses';
import { ClientAuthentication } from '../authorization/client-authentication';
import { UpstreamLogin } from '../authorization/upstream-login';
import { rejectionOf, stateOf } from '../stream-decisions';
import { AuthorizationOutcomes } from './authorization-outcomes';
import { Interactions, type PendingAuthorization } from './interactions';

/** What the authorization endpoint answers: a redirect, or a page asking the user to consent. */
export type AuthorizeOutcome =
  { location: string } | { consent: { interaction: string; clientId: string; credentialConfigurationIds: string[] } };

type Denied = Extract<AuthorizationEvent, { event_type: 'authorization_denied' }>;

/**
 * GET /authorize: a pushed request (by request_uri) or, unless PAR is required, one in the
 * query; then who the user is. Holding the offer is enough (after consent when the deployment
 * asks for it), unless it wants a login for offers too; without an offer the user logs in
 * upstream.
 */
@Injectable()
export class AuthorizeHandler {
  constructor(
    private readonly store: EventStore,
    private readonly requests: AuthorizationRequests,
    private readonly responses: AuthorizationResponses,
    private readonly clients: ClientAuthentication,
    private readonly login: UpstreamLogin,
    private readonly interactions: Interactions,
    private readonly outcomes: AuthorizationOutcomes,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {}

  async authorize(params: AuthorizationParameters, request: RequestContext): Promise<AuthorizeOutcome> {
    const now = new Date();
    const authorization =
      params.request_uri !== undefined
        ? await this.openPushed(params, request, now)
        : await this.fromQuery(params, request, now);
    return this.identifyUser(authorization, request, now);
  }

  /** A pushed request (RFC 9126 Section 4), decided from its stream: known, this client's, not expired, no code yet. */
  private async openPushed(
    params: AuthorizationParameters,
    request: RequestContext,
    now: Date,
  ): Promise<PendingAuthorization> {
    const authorizationId = authorizationIdOf(params.request_uri);
    const stream = authorizationId ? streams.authorization(authorizationId) : undefined;
    const history = stream ? await this.store.readStream(stream) : [];
    const state = stateOf(authorizationDecider, history);
    const events = authorizationDecider.decide(
      {
        type: 'open_pushed_request',
        now,
        clientId: params.client_id,
        registeredRedirectUri: this.responses.registeredRedirectUri(params.client_id),
        request,
      },
      state,
    );
    // Opening commutes with itself (the request_uri is reusable until a code is issued): appended at any version.
    if (stream && history.length > 0) await this.store.append(stream, history[0].session_id, 'any', events);
    const rejection = rejectionOf(events);
    if (rejection) {
      const denied = events.find((e): e is Denied => e.event_type === 'authorization_denied');
      const trusted = denied?.data.redirected ? state.summary : null;
      throw new AuthorizationRequestError(
        rejection,
        trusted ? this.responses.redirectOf(trusted) : null,
        params.client_id ?? null,
        trusted ? await this.responses.stateOf(trusted) : null,
        // An unknown request_uri has no stream: the controller records the denial elsewhere.
        history.length > 0,
      );
    }
    return { authorizationId: authorizationId!, sessionId: history[0].session_id, summary: state.summary! };
  }

  /** The parameters in the query (OID4VCI profile only): checked like a pushed request, on a new stream. */
  private async fromQuery(
    params: AuthorizationParameters,
    request: RequestContext,
    now: Date,
  ): Promise<PendingAuthorization> {
    const client = checkClient(params, this.issuer.authorization ?? {});
    if (this.config.profile === 'haip')
      throw new AuthorizationRequestError(
        new Oid4vcError('par_required'),
        client.effectiveRedirectUri,
        client.clientId,
        params.state ?? null,
      );
    const parsed = await this.requests.validate(params, now);
    if (parsed.offer?.wa || this.clients.attestationAlwaysRequired) {
      // A wallet attestation travels in headers, which a browser redirect cannot carry: such clients must push.
      throw new AuthorizationRequestError(
        new Oid4vcError('par_required', 'a wallet attestation is required, and it is sent at PAR'),
        parsed.effectiveRedirectUri,
        parsed.clientId,
        parsed.state,
      );
    }
    const summary = await this.requests.summaryOf(parsed, null);
    const authorizationId = randomBytes(32).toString('base64url');
    const sessionId = parsed.offer?.sid ?? newId();
    const data: AuthorizationRequestedV1 = { via: 'query', authorization: summary, request };
    await this.store.append(streams.authorization(authorizationId), sessionId, 0, [
      { event_type: 'authorization_requested', data, occurred_at: now.toISOString() },
    ]);
    return { authorizationId, sessionId, summary };
  }

  private async identifyUser(
    authorization: PendingAuthorization,
    request: RequestContext,
    now: Date,
  ): Promise<AuthorizeOutcome> {
    const summary: AuthorizationRequestSummary = authorization.summary;
    const interaction = await this.interactions.seal(authorization.authorizationId, now);
    if (summary.issuer_initiated && !this.login.settings?.for_offers) {
      if (this.issuer.authorization?.user_consent === 'prompt') {
        return {
          consent: {
            interaction,
            clientId: summary.client_id,
            credentialConfigurationIds: summary.credential_configuration_ids,
          },
        };
      }
      return this.outcomes.issueCode(authorization, { user: 'offer' }, request, now);
    }
    try {
      return { location: await this.login.loginUrl(authorization.authorizationId, interaction) };
    } catch (err) {
      throw await this.responses.refusal(summary, err as Oid4vcError, false);
    }
  }
}
