import { Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import { newId, streams, type ParRequestStoredV1, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError, type VerifiedClientAttestation } from '@hallmark/oid4vc';
import {
  AuthorizationRequestError,
  REQUEST_URI_PREFIX,
  type AuthorizationParameters,
} from '../authorization/authorization-request';
import { AuthorizationRequests } from '../authorization/authorization-requests';
import { ClientAuthentication, type ClientAttestationHeaders } from '../authorization/client-authentication';

export const PAR_TTL_SECONDS = 60;

/**
 * POST /par (RFC 9126 Section 2): checks the request and authenticates the client, then stores
 * the request on a new authorization stream under a fresh request_uri (random; the stream is
 * named by its hash).
 */
@Injectable()
export class PushAuthorizationRequestHandler {
  constructor(
    private readonly store: EventStore,
    private readonly requests: AuthorizationRequests,
    private readonly clients: ClientAuthentication,
  ) {}

  async push(
    params: AuthorizationParameters,
    auth: ClientAttestationHeaders,
    dpopJkt: string | null,
    request: RequestContext,
  ): Promise<{ request_uri: string; expires_in: number }> {
    const now = new Date();
    const parsed = await this.requests.validate(params, now);
    if (dpopJkt !== null && parsed.dpopJkt !== null && dpopJkt !== parsed.dpopJkt)
      throw new AuthorizationRequestError(new Oid4vcError('dpop_jkt_mismatch'), null, parsed.clientId, null);
    let attestation: VerifiedClientAttestation | null;
    try {
      attestation = await this.clients.authenticate(auth, parsed.clientId, parsed.offer?.wa === true, now);
    } catch (err) {
      throw new AuthorizationRequestError(err as Oid4vcError, null, parsed.clientId, null);
    }
    const summary = await this.requests.summaryOf({ ...parsed, dpopJkt: parsed.dpopJkt ?? dpopJkt }, attestation);
    const authorizationId = randomBytes(32).toString('base64url');
    const data: ParRequestStoredV1 = {
      authorization: summary,
      expires_at: new Date(now.getTime() + PAR_TTL_SECONDS * 1000).toISOString(),
      request,
    };
    // A wallet-initiated authorization gets its session id now; the session itself follows the login.
    await this.store.append(streams.authorization(authorizationId), parsed.offer?.sid ?? newId(), 0, [
      { event_type: 'par_request_stored', data, occurred_at: now.toISOString() },
    ]);
    return { request_uri: `${REQUEST_URI_PREFIX}${authorizationId}`, expires_in: PAR_TTL_SECONDS };
  }
}
