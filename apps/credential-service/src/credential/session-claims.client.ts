import { Inject, Injectable } from '@nestjs/common';
import { Oid4vcError } from '@hallmark/oid4vc';
import { PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { activeTraceHeaders } from '@hallmark/telemetry';

/**
 * Asks the offer service, the only holder of session data keys, for a session's claims at the
 * moment of issuance. The claims are used to sign and then dropped: never stored or logged here.
 */
@Injectable()
export class SessionClaimsClient {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  async claimsFor(sessionId: string): Promise<Record<string, Record<string, unknown>>> {
    const trace = activeTraceHeaders();
    const r = await fetch(`${this.config.offerServiceUrl}/internal/sessions/${encodeURIComponent(sessionId)}/claims`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.config.internalToken ?? ''}`,
        ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
        ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
      },
      signal: AbortSignal.timeout(5000),
    });
    if (r.status === 404) throw new Oid4vcError('credential_session_unavailable');
    if (!r.ok) throw new Error(`offer service answered ${r.status} for session claims`);
    const body = (await r.json()) as { claims?: Record<string, Record<string, unknown>> };
    return body.claims ?? {};
  }
}
