import { Inject, Injectable } from '@nestjs/common';
import { Oid4vcError } from '@hallmark/oid4vc';
import { PLATFORM_CONFIG, callOfferService, type PlatformConfig } from '@hallmark/platform';

/**
 * Asks the offer service, the only holder of session data keys, for a session's claims at the
 * moment of issuance. The claims are used to sign and then dropped: never stored or logged here.
 */
@Injectable()
export class SessionClaimsClient {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  async claimsFor(sessionId: string): Promise<Record<string, Record<string, unknown>>> {
    const r = await callOfferService(this.config, `/internal/sessions/${encodeURIComponent(sessionId)}/claims`);
    if (r.status === 404) throw new Oid4vcError('credential_session_unavailable');
    if (!r.ok) throw new Error(`offer service answered ${r.status} for session claims`);
    const body = (await r.json()) as { claims?: Record<string, Record<string, unknown>> };
    return body.claims ?? {};
  }
}
