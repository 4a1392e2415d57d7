import { streams } from '@hallmark/contracts';
import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'crypto';
import { EventStore } from '@hallmark/event-store';
import {
  ConfigError,
  ISSUER_CONFIG,
  OAuthError,
  PLATFORM_CONFIG,
  ProblemError,
  type PlatformConfig,
  type SessionClaims,
} from '@hallmark/platform';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { seal } from '../data-keys/sealing';
import { checkCreateSession, initialSessionState, refusalOf, sessionDecider, streamEventsOf } from './session.decider';
import { SessionKeys } from '../data-keys/session-keys';

/** Body of POST /internal/sessions/{id}: a session the authorization server creates after a login. */
interface CreateLoginSessionBody {
  credential_configuration_ids: string[];
  claims: Record<string, Record<string, unknown>>;
  subject_id: string;
}

const LOGIN_SESSION_LIFETIME_S = 900;
import { SessionClaimsReader } from './session-claims.reader';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Service-to-service: the credential service asks for a session's claims when it issues. The
 * offer service stays the only holder of data keys; the gateway does not route /internal.
 */
@Controller('internal/sessions')
export class SessionClaimsController {
  private readonly token: string;

  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
    private readonly reader: SessionClaimsReader,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {
    if (!config.internalToken) throw new ConfigError('HALLMARK_INTERNAL_TOKEN is required by the offer service');
    this.token = config.internalToken;
  }

  private authenticate(authorization: string | undefined): void {
    const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(presented), digest(this.token)))
      throw new OAuthError(401, 'invalid_token', 'internal calls need HALLMARK_INTERNAL_TOKEN');
  }

  /**
   * The authorization server creates a session for a wallet-initiated issuance once the user has
   * logged in: the claims from the identity provider are sealed here, as for any session.
   */
  @Post(':session_id')
  @HttpCode(201)
  async create(
    @Param('session_id') sessionId: string,
    @Body() body: CreateLoginSessionBody,
    @Headers('authorization') authorization?: string,
  ): Promise<{ session_id: string }> {
    this.authenticate(authorization);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(sessionId))
      throw new ProblemError(400, 'Invalid session id', 'a session id is a UUID');
    const ids = Array.isArray(body?.credential_configuration_ids)
      ? body.credential_configuration_ids.filter((id): id is string => typeof id === 'string')
      : [];
    const claims = body?.claims && typeof body.claims === 'object' ? body.claims : {};
    if (ids.length === 0 || typeof body?.subject_id !== 'string')
      throw new ProblemError(400, 'Invalid request body', 'credential_configuration_ids and subject_id are required');
    const problems = checkCreateSession(
      { credential_configuration_ids: ids, claims, grant_type: 'authorization_code' },
      this.issuer,
    );
    if (problems.length)
      throw new ProblemError(400, 'Invalid request body', 'the request contradicts the issuer configuration', problems);
    const key = this.keys.newKey();
    const now = new Date();
    const decided = sessionDecider.decide(
      {
        type: 'create_login_session',
        now,
        credentialConfigurationIds: ids,
        claimNames: Object.fromEntries(Object.entries(claims).map(([id, c]) => [id, Object.keys(c)])),
        personalData: seal(key, { subject_id: body.subject_id, claims }, sessionId),
        expiresAt: new Date(now.getTime() + LOGIN_SESSION_LIFETIME_S * 1000),
      },
      initialSessionState,
    );
    const refused = refusalOf(decided);
    if (refused) throw new ProblemError(409, 'Conflict', refused.data.detail);
    const events = streamEventsOf(decided);
    await this.store.transaction(async (tx) => {
      await tx.append(streams.session(sessionId), sessionId, 0, events);
      await this.keys.save(tx, sessionId, key);
    });
    return { session_id: sessionId };
  }

  @Post(':session_id/claims')
  @HttpCode(200)
  async claims(
    @Param('session_id') sessionId: string,
    @Headers('authorization') authorization?: string,
  ): Promise<SessionClaims> {
    this.authenticate(authorization);
    const claims = await this.reader.claimsFor(sessionId);
    if (!claims) throw new OAuthError(404, 'invalid_request', 'unknown or erased session');
    return claims;
  }
}
