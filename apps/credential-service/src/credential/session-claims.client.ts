import { Inject, Injectable, Optional } from '@nestjs/common';
import { Oid4vcError } from '@hallmark/oid4vc';
import {
  PLATFORM_CONFIG,
  SESSION_CLAIMS_SOURCE,
  callOfferService,
  type PlatformConfig,
  type SessionClaims,
  type SessionClaimsSource,
} from '@hallmark/platform';

/**
 * Asks the offer service, the only holder of session data keys, for a session's claims at the
 * moment of issuance: over its internal API, or directly when both run in one process. The claims
 * are used to sign and then dropped: never stored or logged here.
 */
@Injectable()
export class SessionClaimsClient {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Optional() @Inject(SESSION_CLAIMS_SOURCE) private readonly local?: SessionClaimsSource,
  ) {}

  async claimsFor(sessionId: string): Promise<Record<string, Record<string, unknown>>> {
    const found = this.local ? await this.local.claimsFor(sessionId) : await this.fetch(sessionId);
    if (!found) throw new Oid4vcError('credential_session_unavailable');
    return found.claims ?? {};
  }

  private async fetch(sessionId: string): Promise<SessionClaims | null> {
    const r = await callOfferService(this.config, `/internal/sessions/${encodeURIComponent(sessionId)}/claims`);
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(`offer service answered ${r.status} for session claims`);
    return (await r.json()) as SessionClaims;
  }
}
