import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'crypto';
import { SignJWT } from 'jose';
import type { AuthorizationRequestSummary } from '@hallmark/contracts';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import { ISSUER_KEYS, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';

export interface AuthorizationDetail {
  type: 'openid_credential';
  credential_configuration_id: string;
  credential_identifiers: string[];
}

export interface AccessTokenGrant {
  sessionId: string;
  clientId: string | undefined;
  credentialConfigurationIds: string[];
  dpopJkt: string | null;
  /** Present when the wallet asked with authorization_details: the credential request must then name an identifier. */
  authorizationDetails?: AuthorizationDetail[];
  /** The session requires key attestations (OID4VCI 1.0 Appendix D): the credential service reads it from the token. */
  keyAttestationRequired?: boolean;
  now: Date;
}

export interface MintedAccessToken {
  token: string;
  tokenType: 'DPoP' | 'Bearer';
  /** SHA-256 of the token's jti: what events and revocation lists hold. */
  tokenIdHash: string;
  expiresAt: Date;
  expiresIn: number;
}

/** The token response (RFC 6749 Section 5.1; OID4VCI 1.0 Section 6.2). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'DPoP' | 'Bearer';
  expires_in: number;
  refresh_token?: string;
  authorization_details?: AuthorizationDetail[];
}

export const sha256Base64url = (s: string): string => createHash('sha256').update(s).digest('base64url');

/**
 * The identifiers of a configuration in authorization_details: the configuration id itself, so
 * they stay the same across token responses (refresh, a second authorization) as OID4VCI 1.0
 * Section 6.2 asks.
 */
export const credentialIdentifiersFor = (ids: string[]): AuthorizationDetail[] =>
  ids.map((id) => ({ type: 'openid_credential', credential_configuration_id: id, credential_identifiers: [id] }));

/** What an authorization of the authorization code flow grants: its client, configurations and, when asked with them, authorization_details. */
export function authorizationGrant(
  sessionId: string,
  summary: AuthorizationRequestSummary,
  dpopJkt: string | null,
  now: Date,
): AccessTokenGrant {
  return {
    sessionId,
    clientId: summary.client_id,
    credentialConfigurationIds: summary.credential_configuration_ids,
    dpopJkt,
    keyAttestationRequired: summary.key_attestation_required === true,
    ...(summary.authorization_details
      ? { authorizationDetails: credentialIdentifiersFor(summary.credential_configuration_ids) }
      : {}),
    now,
  };
}

/** RFC 9068 access tokens, signed with the authorization server's key and bound to the DPoP key by cnf.jkt. */
@Injectable()
export class AccessTokens {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ISSUER_KEYS) private readonly keys: IssuerKeys,
  ) {}

  /** A fresh token id and expiry, decided before the events are appended; signed after. */
  prepare(now: Date): { jti: string; tokenIdHash: string; expiresAt: Date } {
    const jti = randomBytes(16).toString('base64url');
    return {
      jti,
      tokenIdHash: sha256Base64url(jti),
      expiresAt: new Date(now.getTime() + this.config.accessTokenTtlSeconds * 1000),
    };
  }

  async sign(
    grant: AccessTokenGrant,
    prepared: { jti: string; tokenIdHash: string; expiresAt: Date },
  ): Promise<MintedAccessToken> {
    const signing = this.keys.accessTokenSigning;
    const token = await new SignJWT({
      client_id: grant.clientId ?? 'anonymous',
      credential_configuration_ids: grant.credentialConfigurationIds,
      ...(grant.authorizationDetails ? { authorization_details: grant.authorizationDetails } : {}),
      ...(grant.keyAttestationRequired ? { key_attestation_required: true } : {}),
      ...(grant.dpopJkt ? { cnf: { jkt: grant.dpopJkt } } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid })
      .setIssuer(this.config.publicUrl)
      .setSubject(grant.sessionId)
      .setAudience(this.config.publicUrl)
      .setIssuedAt(Math.floor(grant.now.getTime() / 1000))
      .setExpirationTime(Math.floor(prepared.expiresAt.getTime() / 1000))
      .setJti(prepared.jti)
      .sign(signing.privateKey);
    return {
      token,
      tokenType: grant.dpopJkt ? 'DPoP' : 'Bearer',
      tokenIdHash: prepared.tokenIdHash,
      expiresAt: prepared.expiresAt,
      expiresIn: this.config.accessTokenTtlSeconds,
    };
  }

  /** Signs the prepared token and answers with it, the refresh token and the authorization_details when there are. */
  async respond(
    grant: AccessTokenGrant,
    prepared: { jti: string; tokenIdHash: string; expiresAt: Date },
    refreshToken?: string,
  ): Promise<TokenResponseBody> {
    const minted = await this.sign(grant, prepared);
    return {
      access_token: minted.token,
      token_type: minted.tokenType,
      expires_in: minted.expiresIn,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(grant.authorizationDetails ? { authorization_details: grant.authorizationDetails } : {}),
    };
  }
}
