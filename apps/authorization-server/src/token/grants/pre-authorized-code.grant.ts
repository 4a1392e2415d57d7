import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'crypto';
import { streams } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { ClientAuthentication } from '../../authorization/client-authentication';
import { SealedHandles } from '../../authorization/sealed-handles';
import { DpopProofs } from '../../dpop/dpop-proofs';
import { decideOnStream, rejectionOf } from '../../stream-decisions';
import { AccessTokens, type TokenResponseBody } from '../access-tokens';
import { PRE_AUTHORIZED_GRANT_TYPE, preAuthorizedGrantDecider } from '../pre-authorized-grant.decider';
import { TokenRefusal } from '../token-refusals';
import { requiredTokenParameter, tokenParameter, type TokenRequest } from '../token-request';
import type { TokenGrant } from './token-grant';

export const MAX_TX_CODE_ATTEMPTS = 5;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Constant-time comparison of two strings of any length. */
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));

/**
 * grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code (OID4VCI 1.0 Section 6.1):
 * opens the self-contained code (no read model needed, so this works milliseconds after the offer
 * was created), decides on the grant's stream, and signs an RFC 9068 access token bound to the
 * DPoP key.
 */
@Injectable()
export class PreAuthorizedCodeGrant implements TokenGrant {
  readonly grantType = PRE_AUTHORIZED_GRANT_TYPE;

  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
    private readonly dpopProofs: DpopProofs,
    private readonly accessTokens: AccessTokens,
    private readonly clients: ClientAuthentication,
  ) {}

  async redeem(request: TokenRequest): Promise<TokenResponseBody> {
    const { now } = request;
    const code = requiredTokenParameter(request, 'pre-authorized_code');
    const dpopJkt = await this.dpopProofs.tokenRequestKey(request.dpop, now);
    const grant = await this.handles.openOffer(code, now);
    const clientId = tokenParameter(request.body, 'client_id');
    const txCode = tokenParameter(request.body, 'tx_code');
    // Under HAIP, or when the session asks for it, the wallet authenticates with its attestation here.
    await this.clients.authenticate(request.attestation, clientId, grant.wa === true, now);
    const prepared = this.accessTokens.prepare(now);
    const expected = grant.tx?.value;
    const { events } = await decideOnStream(
      this.store,
      streams.grant(grant.sid),
      preAuthorizedGrantDecider,
      {
        now,
        request: request.request,
        credentialConfigurationIds: grant.cfg,
        txCodeExpected: expected !== undefined,
        txCodeProvided: txCode !== undefined && txCode !== '',
        txCodeMatches: expected !== undefined && txCode !== undefined && sameSecret(txCode, expected),
        maxTxCodeAttempts: MAX_TX_CODE_ATTEMPTS,
        token: {
          token_type: dpopJkt ? 'DPoP' : 'Bearer',
          dpop_jkt: dpopJkt,
          token_id_hash: prepared.tokenIdHash,
          expires_at: prepared.expiresAt.toISOString(),
        },
      },
      () => grant.sid,
    );
    const rejection = rejectionOf(events);
    if (rejection) throw new TokenRefusal(rejection);
    return this.accessTokens.respond(
      {
        sessionId: grant.sid,
        clientId,
        credentialConfigurationIds: grant.cfg,
        dpopJkt,
        keyAttestationRequired: grant.ka === true,
        now,
      },
      prepared,
    );
  }
}
