import { createHash } from 'node:crypto';

/**
 * Every event stream's name, in one place. A stream is the consistency boundary of one decider;
 * `session_id` (the partition key) is carried separately in each envelope.
 */
export const streams = {
  /** offer-service: a session and its offer (session_created, offer_created, offer_retrieved, session_erased). */
  session: (sessionId: string): string => `session:${sessionId}`,
  /** authorization-server: one pre-authorized code's redemptions (token_issued, token_rejected). */
  grant: (sessionId: string): string => `grant:${sessionId}`,
  /**
   * authorization-server: one authorization of the authorization code flow, named by the hash of
   * its id so the id (a bearer handle inside request_uri and code) never appears in clear.
   */
  authorization: (authorizationId: string): string =>
    `authorization:${createHash('sha256').update(authorizationId).digest('base64url')}`,
  /** authorization-server: refusals at PAR or authorize that name an offer's session but no authorization. */
  authorizationDenied: (sessionId: string): string => `authorization-denied:${sessionId}`,
  /** credential-service: a session's credential requests (credential_issued, credential_request_rejected, ...). */
  credentials: (sessionId: string): string => `credentials:${sessionId}`,
  /** credential-service: one c_nonce, appended once (expected version 0) when it is used up. */
  nonce: (cNonceHash: string): string => `nonce:${cNonceHash}`,
  /** Any service: a wallet request no session could be tied to (session id `unattributed:<request id>`). */
  unattributedRequest: (requestId: string): string => `request:${requestId}`,
} as const;
