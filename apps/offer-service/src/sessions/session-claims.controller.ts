import { Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'crypto';
import { EventStore } from '@hallmark/event-store';
import { ConfigError, OAuthError, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import type { SessionCreatedV1 } from '@hallmark/contracts';
import { SessionKeys } from '../data-keys/session-keys';
import { open } from '../data-keys/sealing';
import { sessionStream } from './create-session.handler';

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
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    if (!config.internalToken) throw new ConfigError('HALLMARK_INTERNAL_TOKEN is required by the offer service');
    this.token = config.internalToken;
  }

  @Post(':session_id/claims')
  @HttpCode(200)
  async claims(@Param('session_id') sessionId: string, @Headers('authorization') authorization?: string): Promise<{ subject_id: string | null; claims: Record<string, Record<string, unknown>> }> {
    const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
    if (!timingSafeEqual(digest(presented), digest(this.token))) throw new OAuthError(401, 'invalid_token', 'internal calls need HALLMARK_INTERNAL_TOKEN');
    const events = await this.store.readStream(sessionStream(sessionId));
    const created = events.find((e) => e.event_type === 'session_created')?.data as unknown as SessionCreatedV1 | undefined;
    const key = await this.keys.find(sessionId);
    if (!created || !key || events.some((e) => e.event_type === 'session_erased')) throw new OAuthError(404, 'invalid_request', 'unknown or erased session');
    if (!created.personal_data) return { subject_id: null, claims: {} };
    return open(key, created.personal_data, sessionId);
  }
}
