import { Injectable } from '@nestjs/common';
import { streams } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';
import { singleParameters } from '../../authorization/authorization-parameters';
import { authorizationDecider } from '../../authorization/authorization.decider';
import { ClientAuthentication } from '../../authorization/client-authentication';
import { SealedHandles } from '../../authorization/sealed-handles';
import { DpopProofs } from '../../dpop/dpop-proofs';
import { decideOnStream, rejectionOf, stateOf } from '../../stream-decisions';
import { AccessTokens, authorizationGrant, type TokenResponseBody } from '../access-tokens';
import { RefreshTokens } from '../refresh-tokens';
import { TokenRefusal } from '../token-refusals';
import { requiredTokenParameter, type TokenRequest } from '../token-request';
import type { TokenGrant } from './token-grant';

/**
 * grant_type=refresh_token (RFC 6749 Section 6): decided on the authorization's stream (the
 * latest generation, same client, DPoP key and, when attested, wallet instance), rotating the
 * refresh token.
 */
@Injectable()
export class RefreshTokenGrant implements TokenGrant {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly store: EventStore,
    private readonly handles: SealedHandles,
    private readonly dpopProofs: DpopProofs,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly clients: ClientAuthentication,
  ) {}

  async redeem(request: TokenRequest): Promise<TokenResponseBody> {
    const { now } = request;
    requiredTokenParameter(request, 'refresh_token');
    const dpopJkt = await this.dpopProofs.tokenRequestKey(request.dpop, now);
    const params = singleParameters(request.body);
    const opened = await this.handles.open('refresh', params.refresh_token, now);
    if (!opened || opened.expired || typeof opened.aid !== 'string' || typeof opened.gen !== 'number')
      throw new Oid4vcError('refresh_token_invalid', opened?.expired ? 'expired' : undefined);
    const generation = opened.gen;
    const stream = streams.authorization(opened.aid);
    // An attested client refreshes as the same wallet instance (the attestation's cnf key): the decider compares them.
    const attested = stateOf(authorizationDecider, await this.store.readStream(stream)).summary?.client_attestation;
    const attestation = attested
      ? await this.clients.authenticate(request.attestation, params.client_id, true, now)
      : null;
    const prepared = this.accessTokens.prepare(now);
    const next = await this.refreshTokens.mint(opened.aid, generation + 1, now);
    const { events, state, sessionId } = await decideOnStream(
      this.store,
      stream,
      authorizationDecider,
      {
        type: 'refresh',
        now,
        generation,
        clientId: params.client_id,
        dpopJkt,
        walletInstanceJkt: attestation?.instanceJkt ?? null,
        request: request.request,
        token: {
          token_type: dpopJkt ? 'DPoP' : 'Bearer',
          token_id_hash: prepared.tokenIdHash,
          expires_at: prepared.expiresAt.toISOString(),
          refresh_token_id_hash: next.idHash,
          refresh_generation: generation + 1,
        },
      },
      // An authorization that never existed has no session to record on (the decider refuses it).
      (history) => history[0]?.session_id,
    );
    const rejection = rejectionOf(events);
    if (rejection) throw new TokenRefusal(rejection);
    return this.accessTokens.respond(
      authorizationGrant(sessionId!, state.summary!, dpopJkt, now),
      prepared,
      next.token,
    );
  }
}
