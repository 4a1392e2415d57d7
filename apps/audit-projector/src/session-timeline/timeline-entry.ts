import type { RawEventEnvelope, RequestContext } from '@hallmark/contracts';
import { traceIdOf } from '@hallmark/telemetry';

export type Level = 'debug' | 'info' | 'warn' | 'error';

/** One row of a session's timeline: what happened, where, and the ids to find it in traces and logs. */
export interface TimelineEntry {
  event_id: string;
  session_id: string;
  occurred_at: string;
  type: string;
  level: Level;
  source: string;
  endpoint: string | null;
  message: string;
  data: Record<string, unknown>;
  trace_id: string | null;
  request_id: string;
}

const MESSAGES: Record<string, (data: Record<string, unknown>) => string> = {
  session_created: (d) => `Issuance session created for ${(d.credential_configuration_ids as string[]).join(', ')}`,
  offer_created: (d) => `Credential offer created (${(d.grant as { type: string }).type} grant)`,
  offer_retrieved: () => 'Wallet fetched the credential offer',
  offer_retrieval_refused: (d) => `Offer fetch refused: ${d.error} (${d.error_description})`,
  session_erased: () => 'Session erased: its personal data and secrets are no longer readable',
  token_issued: (d) => `Access token issued (${d.token_type}${d.dpop_jkt ? ', bound to the wallet key' : ''})`,
  token_rejected: (d) => `Token request refused: ${d.error} (${d.error_description})`,
  credential_issued: (d) =>
    `${d.count} credential${d.count === 1 ? '' : 's'} issued: ${d.credential_configuration_id} (${d.format})`,
  credential_request_rejected: (d) => `Credential request refused: ${d.error} (${d.error_description})`,
  nonce_issued: () => 'c_nonce issued',
  par_request_stored: (d) =>
    `Pushed authorization request stored for client ${(d.authorization as { client_id: string }).client_id}`,
  authorization_requested: (d) =>
    `Wallet opened the authorization endpoint (${d.via === 'par' ? 'pushed request' : 'parameters in the query'})`,
  authorization_code_issued: (d) =>
    `Authorization code issued (user ${d.user === 'login' ? 'logged in' : 'holds the offer'})`,
  authorization_denied: (d) => `Authorization refused at ${d.endpoint}: ${d.error} (${d.error_description})`,
  tokens_revoked: (d) => `${(d.token_id_hashes as string[]).length} token(s) revoked: ${d.reason}`,
  credential_request_mapped: (d) => `Draft-shaped credential request mapped to ${d.credential_configuration_id}`,
};

/** Refusals a wallet can recover from are warnings; one that ends the session is an error. */
const levelOf = (type: string, data: Record<string, unknown>): Level => {
  // An expired or unknown offer: the wallet may still get a new one.
  if (type === 'offer_retrieval_refused') return 'warn';
  // The first DPoP request of every wallet learns the server nonce this way: part of the protocol.
  if (data.error === 'use_dpop_nonce') return 'info';
  if (type === 'token_rejected') return data.locked ? 'error' : 'warn';
  if (type === 'authorization_denied') return data.error === 'access_denied' ? 'error' : 'warn';
  if (type === 'tokens_revoked') return 'error';
  if (type === 'credential_request_rejected' || type === 'credential_request_mapped') return 'warn';
  return 'info';
};

/**
 * Redaction for the timeline, applied to every payload: sealed values show only their size,
 * secret hashes a short fingerprint. Events never carry secrets in clear, so this is the second
 * line of defence, not the first.
 */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (v.alg === 'A256GCM' && typeof v.ciphertext === 'string')
      return `<sealed, len=${Buffer.from(v.ciphertext, 'base64url').length}>`;
    const fingerprint = (x: unknown) => (typeof x === 'string' ? `sha256:${x.slice(0, 12)}` : redact(x));
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        k.endsWith('_hash')
          ? fingerprint(x)
          : k.endsWith('_hashes') && Array.isArray(x)
            ? x.map(fingerprint)
            : redact(x),
      ]),
    );
  }
  return value;
}

export function toTimelineEntry(event: RawEventEnvelope): TimelineEntry {
  const request = event.data.request as RequestContext | undefined;
  return {
    event_id: event.event_id,
    session_id: event.session_id,
    occurred_at: event.occurred_at,
    type: event.event_type,
    level: levelOf(event.event_type, event.data),
    source: event.source,
    endpoint: request ? `${request.method} ${request.path}` : null,
    message: MESSAGES[event.event_type]?.(event.data) ?? event.event_type.replace(/_/g, ' '),
    data: redact(event.data) as Record<string, unknown>,
    trace_id: traceIdOf(event.traceparent),
    request_id: event.correlation_id,
  };
}
