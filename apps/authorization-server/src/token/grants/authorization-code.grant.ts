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
import { AccessTokens, authorizationGrant, sha256Base64url, type TokenResponseBody } from '../access-tokens';
import { RefreshTokens } from '../refresh-tokens';
import { TokenRefusal } from '../token-refusals';
import { requiredTokenParameter, type TokenRequest } from '../token-request';
import type { TokenGrant } from './token-grant';

/**
 * grant_type=authorization_code (RFC 6749 Section 4.1.3): the code names its authorization; the
 * redemption is decided on the authorization's stream, with the wallet instance when the client
 * was attested at PAR.
 */
@Injectable()
export class AuthorizationCodeGrant implements TokenGrant {
  readonly grantType = 'authorization_code';

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
    requiredTokenParameter(request, 'code');
    const dpopJkt = await this.dpopProofs.tokenRequestKey(request.dpop, now);
    const params = singleParameters(request.body);
    const opened = await this.handles.open('code', params.code, now);
    if (!opened || typeof opened.aid !== 'string') throw new Oid4vcError('authorization_code_invalid');
    const authorizationId = opened.aid;
    const stream = streams.authorization(authorizationId);
    const summary = stateOf(authorizationDecider, await this.store.readStream(stream)).summary;
    if (!summary) throw new Oid4vcError('authorization_code_invalid');
    // Refused like any check: the token endpoint records it on the authorization the code names.
    if (opened.expired) throw new Oid4vcError('authorization_code_expired');
    // A client attested at PAR authenticates again; the decider wants the same wallet instance.
    const attestation = summary.client_attestation
      ? await this.clients.authenticate(request.attestation, params.client_id ?? summary.client_id, true, now)
      : null;
    const prepared = this.accessTokens.prepare(now);
    const refresh = this.refreshTokens.enabled ? await this.refreshTokens.mint(authorizationId, 0, now) : undefined;
    const { events, sessionId } = await decideOnStream(
      this.store,
      stream,
      authorizationDecider,
      {
        type: 'redeem_code',
        now,
        codeHash: sha256Base64url(params.code!),
        clientId: params.client_id,
        redirectUri: params.redirect_uri,
        codeVerifier: params.code_verifier,
        dpopJkt,
        walletInstanceJkt: attestation?.instanceJkt ?? null,
        request: request.request,
        token: {
          token_type: dpopJkt ? 'DPoP' : 'Bearer',
          token_id_hash: prepared.tokenIdHash,
          expires_at: prepared.expiresAt.toISOString(),
          ...(refresh ? { refresh_token_id_hash: refresh.idHash, refresh_generation: 0 } : {}),
        },
      },
      // An authorization that never existed has no session to record on (the decider refuses it).
      (history) => history[0]?.session_id,
    );
    const rejection = rejectionOf(events);
    if (rejection) throw new TokenRefusal(rejection);
    return this.accessTokens.respond(authorizationGrant(sessionId!, summary, dpopJkt, now), prepared, refresh?.token);
  }
}
