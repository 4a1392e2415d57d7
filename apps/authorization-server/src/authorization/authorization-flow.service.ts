import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import {
  newId,
  unattributedSessionId,
  type AuthorizationDeniedV1,
  type AuthorizationRequestSummary,
  type AuthorizationRequestedV1,
  type NewEvent,
  type ParRequestStoredV1,
  type RequestContext,
} from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { IssuerConfig } from '@hallmark/issuer-config';
import {
  Oid4vcError,
  openGrantCode,
  subjectIdHash,
  type GrantCodePayload,
  type VerifiedClientAttestation,
} from '@hallmark/oid4vc';
import { currentRequestScope } from '@hallmark/telemetry';
import { ConfigError, ISSUER_CONFIG, PLATFORM_CONFIG, callOfferService, type PlatformConfig } from '@hallmark/platform';
import {
  AccessTokens,
  credentialIdentifiersFor,
  sha256Base64url,
  type AuthorizationDetail,
} from '../token/access-tokens';
import {
  decideIssueCode,
  decideOpenPushedRequest,
  decideRedeemCode,
  decideRefresh,
  foldAuthorization,
  type Decision,
} from './authorization.decider';
import {
  AuthorizationRequestError,
  checkClient,
  parseAuthorizationRequest,
  type AuthorizationParameters,
  type ParsedAuthorizationRequest,
} from './authorization-request';
import { ClientAuthentication, type ClientAttestationHeaders } from './client-authentication';
import { SealedHandles } from './sealed-handles';
import { UpstreamLogin } from './upstream-login';

/** What the authorization endpoint answers: a redirect, or a page asking the user to consent. */
export type AuthorizeOutcome =
  { location: string } | { consent: { interaction: string; clientId: string; credentialConfigurationIds: string[] } };

const INTERACTION_TTL_SECONDS = 600;

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
export const PAR_TTL_SECONDS = 60;
export const CODE_TTL_SECONDS = 60;

/** The event stream of one authorization; named by a hash so the request_uri itself is never stored. */
export const authorizationStream = (authorizationId: string): string =>
  `authorization:${sha256Base64url(authorizationId)}`;

export interface TokenResponseBody {
  access_token: string;
  token_type: 'DPoP' | 'Bearer';
  expires_in: number;
  refresh_token?: string;
  authorization_details?: AuthorizationDetail[];
}

/** A step already recorded on the authorization's stream: only the wire answer is left to give. */
export class RecordedAuthorizationRejection extends Error {
  constructor(readonly rejection: Oid4vcError) {
    super(rejection.message);
  }
}

/**
 * The authorization code flow (OID4VCI 1.0 Section 5, RFC 9126, RFC 7636, RFC 9449, HAIP 1.0):
 * every step is decided from the authorization's own events under its stream lock, so any
 * replica can serve any step, and each step leaves an event on the session's timeline.
 */
@Injectable()
export class AuthorizationFlow {
  private readonly handles: SealedHandles;
  private readonly grantKey: Buffer;

  constructor(
    private readonly store: EventStore,
    private readonly accessTokens: AccessTokens,
    private readonly clients: ClientAuthentication,
    private readonly login: UpstreamLogin,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {
    if (!config.grantKey)
      throw new ConfigError('HALLMARK_GRANT_KEY is required by the authorization server (32 bytes, base64)');
    this.grantKey = config.grantKey;
    this.handles = new SealedHandles(config.grantKey);
  }

  get parRequired(): boolean {
    return this.config.profile === 'haip';
  }

  get refreshTokensEnabled(): boolean {
    return this.issuer.authorization?.refresh_tokens !== false;
  }

  /** Validates the parameters, including the offer behind issuer_state. */
  async validate(params: AuthorizationParameters, now: Date): Promise<ParsedAuthorizationRequest> {
    const client = checkClient(params, this.issuer.authorization ?? {});
    let offer: GrantCodePayload | null = null;
    if (params.issuer_state !== undefined) {
      try {
        offer = await openGrantCode(this.grantKey, params.issuer_state, now, 'issuer_state');
      } catch (err) {
        throw new AuthorizationRequestError(
          err as Oid4vcError,
          client.effectiveRedirectUri,
          client.clientId,
          params.state ?? null,
        );
      }
    }
    const parsed = parseAuthorizationRequest(params, client, this.issuer, offer);
    if (!offer && !this.login.enabled)
      throw new AuthorizationRequestError(
        new Oid4vcError('authorization_issuer_state_required'),
        client.effectiveRedirectUri,
        client.clientId,
        parsed.state,
      );
    return parsed;
  }

  private async summaryOf(
    parsed: ParsedAuthorizationRequest,
    attestation: VerifiedClientAttestation | null,
  ): Promise<AuthorizationRequestSummary> {
    return {
      client_id: parsed.clientId,
      redirect_uri: parsed.redirectUri,
      credential_configuration_ids: parsed.credentialConfigurationIds,
      scope: parsed.scope,
      authorization_details: parsed.authorizationDetails,
      code_challenge: parsed.codeChallenge,
      code_challenge_method: 'S256',
      dpop_jkt: parsed.dpopJkt,
      state_sealed: parsed.state === null ? null : await this.handles.seal('state', { v: parsed.state }),
      issuer_initiated: parsed.offer !== null,
      subject_sealed: parsed.offer?.sub ? await this.handles.seal('state', { v: parsed.offer.sub }) : null,
      ...(parsed.offer?.ka ? { key_attestation_required: true } : {}),
      client_attestation: attestation
        ? {
            wallet_provider: attestation.walletProvider,
            instance_jkt: attestation.instanceJkt,
            trusted_by: attestation.trustedBy,
          }
        : null,
    };
  }

  /** POST /par (RFC 9126 Section 2): stores the request under a fresh request_uri. */
  async push(
    params: AuthorizationParameters,
    auth: ClientAttestationHeaders,
    dpopJkt: string | null,
    request: RequestContext,
  ): Promise<{ request_uri: string; expires_in: number }> {
    const now = new Date();
    const parsed = await this.validate(params, now);
    if (dpopJkt !== null && parsed.dpopJkt !== null && dpopJkt !== parsed.dpopJkt)
      throw new AuthorizationRequestError(new Oid4vcError('dpop_jkt_mismatch'), null, parsed.clientId, null);
    let attestation: VerifiedClientAttestation | null;
    try {
      attestation = await this.clients.authenticate(auth, parsed.clientId, parsed.offer?.wa === true, now);
    } catch (err) {
      throw new AuthorizationRequestError(err as Oid4vcError, null, parsed.clientId, null);
    }
    const summary = await this.summaryOf({ ...parsed, dpopJkt: parsed.dpopJkt ?? dpopJkt }, attestation);
    const authorizationId = randomBytes(32).toString('base64url');
    const data: ParRequestStoredV1 = {
      authorization: summary,
      expires_at: new Date(now.getTime() + PAR_TTL_SECONDS * 1000).toISOString(),
      request,
    };
    // A wallet-initiated authorization gets its session id now; the session itself follows the login.
    await this.store.append(authorizationStream(authorizationId), parsed.offer?.sid ?? newId(), 0, [
      {
        event_type: 'par_request_stored',
        data: data as unknown as Record<string, unknown>,
        occurred_at: now.toISOString(),
      },
    ]);
    return { request_uri: `${REQUEST_URI_PREFIX}${authorizationId}`, expires_in: PAR_TTL_SECONDS };
  }

  /**
   * GET /authorize: a pushed request (by request_uri) or, unless PAR is required, one in the
   * query. Returns the authorization and where to send the code. The user is the one the offer
   * was made for: holding the offer is enough.
   */
  async authorize(params: AuthorizationParameters, request: RequestContext): Promise<AuthorizeOutcome> {
    const now = new Date();
    let authorizationId: string;
    let sessionId: string;
    let summary: AuthorizationRequestSummary;
    if (params.request_uri !== undefined) {
      const id = params.request_uri.startsWith(REQUEST_URI_PREFIX)
        ? params.request_uri.slice(REQUEST_URI_PREFIX.length)
        : '';
      authorizationId = id;
      const history = id ? await this.store.readStream(authorizationStream(id)) : [];
      const state = foldAuthorization(history);
      const refusal = decideOpenPushedRequest(state, { now, clientId: params.client_id });
      if (refusal) {
        // The redirect URI is trusted only when the request_uri is ours and pushed by this client.
        const trusted = state.summary && state.summary.client_id === params.client_id ? state.summary : null;
        throw new AuthorizationRequestError(
          refusal,
          trusted ? this.redirectOf(trusted) : null,
          params.client_id ?? null,
          trusted ? await this.stateOf(trusted) : null,
        );
      }
      summary = state.summary!;
      sessionId = history[0].session_id;
      await this.store.append(authorizationStream(id), sessionId, 'any', [
        this.requested('par', undefined, request, now),
      ]);
    } else {
      const client = checkClient(params, this.issuer.authorization ?? {});
      if (this.parRequired)
        throw new AuthorizationRequestError(
          new Oid4vcError('par_required'),
          client.effectiveRedirectUri,
          client.clientId,
          params.state ?? null,
        );
      const parsed = await this.validate(params, now);
      if (parsed.offer?.wa || this.clients.attestationAlwaysRequired) {
        // A wallet attestation travels in headers, which a browser redirect cannot carry: such clients must push.
        throw new AuthorizationRequestError(
          new Oid4vcError('par_required', 'a wallet attestation is required, and it is sent at PAR'),
          parsed.effectiveRedirectUri,
          parsed.clientId,
          parsed.state,
        );
      }
      summary = await this.summaryOf(parsed, null);
      authorizationId = randomBytes(32).toString('base64url');
      sessionId = parsed.offer?.sid ?? newId();
      await this.store.append(authorizationStream(authorizationId), sessionId, 0, [
        this.requested('query', summary, request, now),
      ]);
    }
    return this.proceed(authorizationId, sessionId, summary, request, now);
  }

  /**
   * Who the user is: holding the offer is enough (optionally after consent), unless the
   * deployment wants a login for offers too; without an offer the user logs in upstream.
   */
  private async proceed(
    authorizationId: string,
    sessionId: string,
    summary: AuthorizationRequestSummary,
    request: RequestContext,
    now: Date,
  ): Promise<AuthorizeOutcome> {
    const interaction = await this.handles.seal('interaction', {
      aid: authorizationId,
      exp: Math.floor(now.getTime() / 1000) + INTERACTION_TTL_SECONDS,
    });
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
      return { location: await this.issueCode(authorizationId, sessionId, summary, request, now, 'offer') };
    }
    try {
      return { location: await this.login.loginUrl(authorizationId, interaction) };
    } catch (err) {
      throw new AuthorizationRequestError(
        err as Oid4vcError,
        this.redirectOf(summary),
        summary.client_id,
        await this.stateOf(summary),
      );
    }
  }

  /** The authorization an interaction handle (consent form, login state) belongs to. */
  private async interactionOf(
    handle: string | undefined,
    now: Date,
  ): Promise<{ authorizationId: string; sessionId: string; summary: AuthorizationRequestSummary }> {
    const opened = await this.handles.open('interaction', handle, now);
    const history =
      opened && !opened.expired && typeof opened.aid === 'string'
        ? await this.store.readStream(authorizationStream(opened.aid))
        : [];
    const summary = foldAuthorization(history).summary;
    if (!summary)
      throw new AuthorizationRequestError(
        new Oid4vcError(
          'authorization_request_invalid',
          'the interaction is unknown or has expired: start again at the wallet',
        ),
        null,
        null,
        null,
      );
    return { authorizationId: opened!.aid as string, sessionId: history[0].session_id, summary };
  }

  /** Refuses an authorization whose request was fine (the user said no, the login failed): recorded, then back to the wallet. */
  private async deny(
    authorizationId: string,
    sessionId: string,
    summary: AuthorizationRequestSummary,
    rejection: Oid4vcError,
    request: RequestContext,
  ): Promise<never> {
    const data: AuthorizationDeniedV1 = {
      endpoint: 'authorize',
      client_id: summary.client_id,
      ...rejection.toDiagnostic(),
      redirected: true,
      request,
    };
    await this.store.append(authorizationStream(authorizationId), sessionId, 'any', [
      { event_type: 'authorization_denied', data: data as unknown as Record<string, unknown> },
    ]);
    throw new AuthorizationRequestError(
      rejection,
      this.redirectOf(summary),
      summary.client_id,
      await this.stateOf(summary),
      true,
    );
  }

  /** POST /authorize/consent: the user's answer on the consent page. */
  async consent(
    interaction: string | undefined,
    decision: string | undefined,
    request: RequestContext,
  ): Promise<{ location: string }> {
    const now = new Date();
    const { authorizationId, sessionId, summary } = await this.interactionOf(interaction, now);
    if (decision !== 'allow')
      return this.deny(authorizationId, sessionId, summary, new Oid4vcError('authorization_access_denied'), request);
    return { location: await this.issueCode(authorizationId, sessionId, summary, request, now, 'offer') };
  }

  /** GET /authorize/callback: the user comes back from the identity provider. */
  async loginCallback(callbackUrl: URL, request: RequestContext): Promise<{ location: string }> {
    const now = new Date();
    const state = callbackUrl.searchParams.get('state') ?? undefined;
    const { authorizationId, sessionId, summary } = await this.interactionOf(state, now);
    let identity;
    try {
      identity = await this.login.complete(callbackUrl, authorizationId, state!);
    } catch (err) {
      if (!(err instanceof Oid4vcError)) throw err;
      return this.deny(authorizationId, sessionId, summary, err, request);
    }
    if (summary.issuer_initiated) {
      const expected = summary.subject_sealed
        ? await this.handles.open('state', summary.subject_sealed, new Date(0))
        : undefined;
      if (expected && expected.v !== subjectIdHash(this.login.subjectOf(identity)))
        return this.deny(
          authorizationId,
          sessionId,
          summary,
          new Oid4vcError('authorization_subject_mismatch'),
          request,
        );
    } else {
      const created = await callOfferService(this.config, `/internal/sessions/${encodeURIComponent(sessionId)}`, {
        credential_configuration_ids: summary.credential_configuration_ids,
        claims: this.login.claimsFor(identity, summary.credential_configuration_ids),
        subject_id: this.login.subjectOf(identity),
      }).catch(() => undefined);
      if (!created?.ok)
        return this.deny(
          authorizationId,
          sessionId,
          summary,
          new Oid4vcError(
            'authorization_session_unavailable',
            created ? `offer service answered ${created.status}` : 'offer service unreachable',
          ),
          request,
        );
    }
    return { location: await this.issueCode(authorizationId, sessionId, summary, request, now, 'login') };
  }

  private requested(
    via: 'par' | 'query',
    summary: AuthorizationRequestSummary | undefined,
    request: RequestContext,
    now: Date,
  ): NewEvent {
    const data: AuthorizationRequestedV1 = { via, ...(summary ? { authorization: summary } : {}), request };
    return {
      event_type: 'authorization_requested',
      data: data as unknown as Record<string, unknown>,
      occurred_at: now.toISOString(),
    };
  }

  private async issueCode(
    authorizationId: string,
    sessionId: string,
    summary: AuthorizationRequestSummary,
    request: RequestContext,
    now: Date,
    user: 'offer' | 'login',
  ): Promise<string> {
    const expiresAt = new Date(now.getTime() + CODE_TTL_SECONDS * 1000);
    const code = await this.handles.seal('code', {
      aid: authorizationId,
      exp: Math.floor(expiresAt.getTime() / 1000),
      n: randomBytes(8).toString('base64url'),
    });
    const decision = await this.store.decide(authorizationStream(authorizationId), (history) => {
      const d = decideIssueCode(foldAuthorization(history), {
        now,
        codeHash: sha256Base64url(code),
        expiresAt,
        user,
        request,
      });
      return { sessionId, events: d.events, result: d };
    });
    if (decision.rejection)
      throw new AuthorizationRequestError(
        decision.rejection,
        this.redirectOf(summary),
        summary.client_id,
        await this.stateOf(summary),
      );
    return this.responseLocation(summary, { code });
  }

  redirectOf(summary: AuthorizationRequestSummary): string | null {
    return (
      summary.redirect_uri ??
      this.issuer.authorization?.clients?.find((c) => c.client_id === summary.client_id)?.redirect_uris[0] ??
      null
    );
  }

  async stateOf(summary: AuthorizationRequestSummary): Promise<string | null> {
    if (!summary.state_sealed) return null;
    const opened = await this.handles.open('state', summary.state_sealed, new Date(0));
    return typeof opened?.v === 'string' ? opened.v : null;
  }

  /** The authorization response (RFC 6749 Section 4.1.2) with `iss` (RFC 9207), or an error response. */
  async responseLocation(summary: AuthorizationRequestSummary, params: Record<string, string>): Promise<string> {
    const state = await this.stateOf(summary);
    return withQuery(this.redirectOf(summary)!, {
      ...params,
      ...(state === null ? {} : { state }),
      iss: this.config.publicUrl,
    });
  }

  errorLocation(redirectUri: string, rejection: Oid4vcError, state: string | null): string {
    return withQuery(redirectUri, {
      error: rejection.error,
      error_description: rejection.error_description,
      ...(state === null ? {} : { state }),
      iss: this.config.publicUrl,
    });
  }

  /** Records a refused authorization request on the session when it is known, else in the unattributed log. */
  async recordDenial(
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
    const event: NewEvent = { event_type: 'authorization_denied', data: data as unknown as Record<string, unknown> };
    const offer = params.issuer_state
      ? await openGrantCode(this.grantKey, params.issuer_state, new Date(), 'issuer_state').catch(() => undefined)
      : undefined;
    const pushedId = params.request_uri?.startsWith(REQUEST_URI_PREFIX)
      ? params.request_uri.slice(REQUEST_URI_PREFIX.length)
      : undefined;
    const pushed = pushedId ? await this.store.readStream(authorizationStream(pushedId)) : [];
    if (pushed.length > 0)
      await this.store.append(authorizationStream(pushedId!), pushed[0].session_id, 'any', [event]);
    else if (offer) await this.store.append(`authorization-denied:${offer.sid}`, offer.sid, 'any', [event]);
    else {
      const requestId = currentRequestScope()?.requestId ?? newId();
      await this.store.append(`request:${requestId}`, unattributedSessionId(requestId), 'any', [event]);
    }
  }

  /**
   * Records a token request refused before its authorization was decided (DPoP, a malformed
   * request): on the session when the code or refresh token opens, else false (the caller logs it
   * as unattributed).
   */
  async recordTokenRejection(
    grantType: string,
    body: Record<string, string | undefined>,
    rejection: Oid4vcError,
    request: RequestContext,
  ): Promise<boolean> {
    const opened = await this.handles.open(
      grantType === 'refresh_token' ? 'refresh' : 'code',
      grantType === 'refresh_token' ? body.refresh_token : body.code,
      new Date(),
    );
    if (!opened || typeof opened.aid !== 'string') return false;
    const history = await this.store.readStream(authorizationStream(opened.aid));
    if (history.length === 0) return false;
    await this.store.append(authorizationStream(opened.aid), history[0].session_id, 'any', [
      { event_type: 'token_rejected', data: { grant_type: grantType, ...rejection.toDiagnostic(), request } },
    ]);
    return true;
  }

  /** grant_type=authorization_code (RFC 6749 Section 4.1.3). */
  async redeemCode(
    body: Record<string, string | undefined>,
    dpopJkt: string | null,
    auth: ClientAttestationHeaders,
    request: RequestContext,
  ): Promise<TokenResponseBody> {
    const now = new Date();
    const opened = await this.handles.open('code', body.code, now);
    if (!opened || typeof opened.aid !== 'string') throw new Oid4vcError('authorization_code_invalid');
    const authorizationId = opened.aid;
    const stream = authorizationStream(authorizationId);
    const history = await this.store.readStream(stream);
    const summary = foldAuthorization(history).summary;
    if (!summary || history.length === 0) throw new Oid4vcError('authorization_code_invalid');
    const sessionId = history[0].session_id;
    const reject = async (err: Oid4vcError): Promise<never> => {
      await this.store.append(stream, sessionId, 'any', [
        { event_type: 'token_rejected', data: { grant_type: 'authorization_code', ...err.toDiagnostic(), request } },
      ]);
      throw new RecordedAuthorizationRejection(err);
    };
    if (opened.expired) await reject(new Oid4vcError('authorization_code_expired'));
    if (summary.client_attestation) {
      const attestation = await this.clients
        .authenticate(auth, body.client_id ?? summary.client_id, true, now)
        .catch(reject);
      if (attestation && attestation.instanceJkt !== summary.client_attestation.instance_jkt)
        await reject(new Oid4vcError('client_attestation_client_id_mismatch', 'another wallet instance than at PAR'));
    }
    const prepared = this.accessTokens.prepare(now);
    const refresh = this.refreshTokensEnabled ? await this.refreshToken(authorizationId, 0, now) : undefined;
    const decision: Decision = await this.store.decide(stream, (history) => {
      const d = decideRedeemCode(foldAuthorization(history), {
        now,
        codeHash: sha256Base64url(body.code!),
        clientId: body.client_id,
        redirectUri: body.redirect_uri,
        codeVerifier: body.code_verifier,
        dpopJkt,
        request,
        token: {
          token_type: dpopJkt ? 'DPoP' : 'Bearer',
          token_id_hash: prepared.tokenIdHash,
          expires_at: prepared.expiresAt.toISOString(),
          ...(refresh ? { refresh_token_id_hash: refresh.idHash, refresh_generation: 0 } : {}),
        },
      });
      return { sessionId, events: d.events, result: d };
    });
    if (decision.rejection) throw new RecordedAuthorizationRejection(decision.rejection);
    return this.tokenResponse(sessionId, summary, dpopJkt, prepared, refresh?.token, now);
  }

  /** grant_type=refresh_token (RFC 6749 Section 6), rotating the refresh token. */
  async refresh(
    body: Record<string, string | undefined>,
    dpopJkt: string | null,
    auth: ClientAttestationHeaders,
    request: RequestContext,
  ): Promise<TokenResponseBody> {
    const now = new Date();
    const opened = await this.handles.open('refresh', body.refresh_token, now);
    if (!opened || opened.expired || typeof opened.aid !== 'string' || typeof opened.gen !== 'number')
      throw new Oid4vcError('refresh_token_invalid', opened?.expired ? 'expired' : undefined);
    const stream = authorizationStream(opened.aid);
    // An attested client refreshes as the same wallet instance (the attestation's cnf key).
    const attested = foldAuthorization(await this.store.readStream(stream)).summary?.client_attestation;
    if (attested) {
      const attestation = await this.clients.authenticate(auth, body.client_id, true, now);
      if (attestation?.instanceJkt !== attested.instance_jkt)
        throw new Oid4vcError('refresh_token_binding_mismatch', 'another wallet instance');
    }
    const prepared = this.accessTokens.prepare(now);
    const next = await this.refreshToken(opened.aid, opened.gen + 1, now);
    const result = await this.store.decide(stream, (history) => {
      const state = foldAuthorization(history);
      const d = decideRefresh(state, {
        now,
        generation: opened.gen as number,
        clientId: body.client_id,
        dpopJkt,
        request,
        token: {
          token_type: dpopJkt ? 'DPoP' : 'Bearer',
          token_id_hash: prepared.tokenIdHash,
          expires_at: prepared.expiresAt.toISOString(),
          refresh_token_id_hash: next.idHash,
          refresh_generation: (opened.gen as number) + 1,
        },
      });
      // An authorization that never existed has no session to record on (the decider refuses it).
      const sessionId = history[0]?.session_id;
      return {
        sessionId: sessionId ?? '',
        events: sessionId ? d.events : [],
        result: { d, sessionId, summary: state.summary },
      };
    });
    if (result.d.rejection) throw new RecordedAuthorizationRejection(result.d.rejection);
    return this.tokenResponse(result.sessionId!, result.summary!, dpopJkt, prepared, next.token, now);
  }

  private async refreshToken(
    authorizationId: string,
    generation: number,
    now: Date,
  ): Promise<{ token: string; idHash: string }> {
    const ttl = this.issuer.authorization?.refresh_token_ttl ?? 86400;
    const id = randomBytes(16).toString('base64url');
    const token = await this.handles.seal('refresh', {
      aid: authorizationId,
      gen: generation,
      id,
      exp: Math.floor(now.getTime() / 1000) + ttl,
    });
    return { token, idHash: sha256Base64url(id) };
  }

  private async tokenResponse(
    sessionId: string,
    summary: AuthorizationRequestSummary,
    dpopJkt: string | null,
    prepared: ReturnType<AccessTokens['prepare']>,
    refreshToken: string | undefined,
    now: Date,
  ): Promise<TokenResponseBody> {
    const details = summary.authorization_details
      ? credentialIdentifiersFor(summary.credential_configuration_ids)
      : undefined;
    const minted = await this.accessTokens.sign(
      {
        sessionId,
        clientId: summary.client_id,
        credentialConfigurationIds: summary.credential_configuration_ids,
        dpopJkt,
        keyAttestationRequired: summary.key_attestation_required === true,
        ...(details ? { authorizationDetails: details } : {}),
        now,
      },
      prepared,
    );
    return {
      access_token: minted.token,
      token_type: minted.tokenType,
      expires_in: minted.expiresIn,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(details ? { authorization_details: details } : {}),
    };
  }
}

/** Adds query parameters to a redirect URI, keeping the ones it has (RFC 6749 Section 3.1.2). */
export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
