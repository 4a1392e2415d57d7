import { activeTraceHeaders } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';

/** A session's personal data, opened by the offer service (the only holder of data keys) at the moment of issuance. */
export interface SessionClaims {
  subject_id: string | null;
  claims: Record<string, Record<string, unknown>>;
}

/**
 * The offer service's claims for a session, in the same process: the one-process build binds it
 * (SESSION_CLAIMS_SOURCE) and the credential service asks it directly instead of over HTTP.
 * Null for a session that is unknown or erased.
 */
export interface SessionClaimsSource {
  claimsFor(sessionId: string): Promise<SessionClaims | null>;
}

export const SESSION_CLAIMS_SOURCE = Symbol('SESSION_CLAIMS_SOURCE');

/**
 * A service-to-service call to the offer service's internal API (never routed by the gateway):
 * the internal token, the active trace context, a JSON body and a bounded wait.
 */
export function callOfferService(config: PlatformConfig, path: string, body?: unknown): Promise<Response> {
  const trace = activeTraceHeaders();
  return fetch(`${config.offerServiceUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.internalToken ?? ''}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
      ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5000),
  });
}
