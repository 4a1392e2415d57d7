import { Inject, Injectable } from '@nestjs/common';
import type { AuthorizationRequestSummary } from '@hallmark/contracts';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError, type GrantCodePayload, type VerifiedClientAttestation } from '@hallmark/oid4vc';
import { ISSUER_CONFIG } from '@hallmark/platform';
import {
  AuthorizationRequestError,
  checkClient,
  parseAuthorizationRequest,
  type AuthorizationParameters,
  type ParsedAuthorizationRequest,
} from './authorization-request';
import { SealedHandles } from './sealed-handles';
import { UpstreamLogin } from './upstream-login';

/**
 * An authorization request's parameters, pushed (PAR) or in the query: checked, with the offer
 * behind issuer_state, and summarised for the authorization's stream (no secret in clear).
 */
@Injectable()
export class AuthorizationRequests {
  constructor(
    private readonly handles: SealedHandles,
    private readonly login: UpstreamLogin,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {}

  /** Validates the parameters, including the offer behind issuer_state. */
  async validate(params: AuthorizationParameters, now: Date): Promise<ParsedAuthorizationRequest> {
    const client = checkClient(params, this.issuer.authorization ?? {});
    let offer: GrantCodePayload | null = null;
    if (params.issuer_state !== undefined) {
      try {
        offer = await this.handles.openOffer(params.issuer_state, now, 'issuer_state');
      } catch (err) {
        throw new AuthorizationRequestError(
          err as Oid4vcError,
          client.effectiveRedirectUri,
          client.clientId,
          params.state ?? null,
        );
      }
    }
    const parsed = parseAuthorizationRequest(params, client, this.issuer, offer);
    if (!offer && !this.login.enabled)
      throw new AuthorizationRequestError(
        new Oid4vcError('authorization_issuer_state_required'),
        client.effectiveRedirectUri,
        client.clientId,
        parsed.state,
      );
    return parsed;
  }

  async summaryOf(
    parsed: ParsedAuthorizationRequest,
    attestation: VerifiedClientAttestation | null,
  ): Promise<AuthorizationRequestSummary> {
    return {
      client_id: parsed.clientId,
      redirect_uri: parsed.redirectUri,
      credential_configuration_ids: parsed.credentialConfigurationIds,
      scope: parsed.scope,
      authorization_details: parsed.authorizationDetails,
      code_challenge: parsed.codeChallenge,
      code_challenge_method: 'S256',
      dpop_jkt: parsed.dpopJkt,
      state_sealed: parsed.state === null ? null : await this.handles.seal('state', { v: parsed.state }),
      issuer_initiated: parsed.offer !== null,
      subject_sealed: parsed.offer?.sub ? await this.handles.seal('state', { v: parsed.offer.sub }) : null,
      ...(parsed.offer?.ka ? { key_attestation_required: true } : {}),
      client_attestation: attestation
        ? {
            wallet_provider: attestation.walletProvider,
            instance_jkt: attestation.instanceJkt,
            trusted_by: attestation.trustedBy,
          }
        : null,
    };
  }
}
