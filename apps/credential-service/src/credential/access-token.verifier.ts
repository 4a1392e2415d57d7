import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { Oid4vcError, verifyDpopProof } from '@hallmark/oid4vc';
import { DpopReplayLedger, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { RevokedAccessTokensProjection } from '../read-models/revoked-access-tokens.projection';

/**
 * A refused access: the wire error, and the session when the token's signature verified (an
 * expired token, a missing or wrong DPoP proof), so the refusal lands on that session's timeline.
 */
export class RefusedAccess extends Error {
  constructor(
    readonly rejection: Oid4vcError,
    readonly sessionId: string | undefined,
  ) {
    super(rejection.message);
  }
}

export interface AuthorizedRequest {
  sessionId: string;
  credentialConfigurationIds: string[];
  jkt: string | null;
  scheme: 'DPoP' | 'Bearer';
  /** identifier -> configuration id, when the token response carried authorization_details. */
  credentialIdentifiers?: Record<string, string>;
  /** SHA-256 of the token's jti, as the authorization server's events name it. */
  tokenIdHash: string;
  /** The session requires key attestations (carried by the token, so no read model can lag behind it). */
  keyAttestationRequired: boolean;
}

/** The identifiers an access token's authorization_details hand out (OID4VCI 1.0 Section 6.2). */
function identifiersOf(details: unknown): Record<string, string> | undefined {
  if (!Array.isArray(details)) return undefined;
  const out: Record<string, string> = {};
  for (const d of details as Array<Record<string, unknown>>) {
    if (
      d?.type !== 'openid_credential' ||
      typeof d.credential_configuration_id !== 'string' ||
      !Array.isArray(d.credential_identifiers)
    )
      continue;
    for (const id of d.credential_identifiers) if (typeof id === 'string') out[id] = d.credential_configuration_id;
  }
  return out;
}

/**
 * Checks the access token (an RFC 9068 JWT from the authorization server, verified with its
 * published keys, which jose caches: no call per request) and, for DPoP-bound tokens, the proof
 * that comes with it (RFC 9449 Section 7).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly replay: DpopReplayLedger,
    private readonly revoked: RevokedAccessTokensProjection,
  ) {
    this.keys = createRemoteJWKSet(new URL(config.authorizationServerJwksUrl), {
      cacheMaxAge: 10 * 60 * 1000,
      cooldownDuration: 30 * 1000,
    });
  }

  /** @throws RefusedAccess */
  async verify(input: {
    authorization?: string;
    dpop?: string;
    htm: string;
    htu: string;
    queryHasToken: boolean;
    now: Date;
  }): Promise<AuthorizedRequest> {
    let sessionId: string | undefined;
    try {
      return await this.check(input, (sid) => (sessionId = sid));
    } catch (err) {
      if (err instanceof Oid4vcError) throw new RefusedAccess(err, sessionId);
      throw err;
    }
  }

  private async check(
    input: { authorization?: string; dpop?: string; htm: string; htu: string; queryHasToken: boolean; now: Date },
    signedFor: (sessionId: string | undefined) => void,
  ): Promise<AuthorizedRequest> {
    if (input.queryHasToken) throw new Oid4vcError('access_token_in_query');
    const m = /^(DPoP|Bearer)\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(input.authorization ?? '');
    if (!m) throw new Oid4vcError('access_token_missing');
    const scheme = m[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = m[2];
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.publicUrl,
        audience: this.config.publicUrl,
        typ: 'at+jwt',
        algorithms: ['ES256'],
        currentDate: input.now,
      }));
      signedFor(typeof payload.sub === 'string' ? payload.sub : undefined);
    } catch (err) {
      // jose checks claims only after the signature: a claim failure still names our session.
      const claims = (err as { payload?: { sub?: unknown; exp?: unknown } }).payload;
      if (claims && typeof claims.sub === 'string') signedFor(claims.sub);
      const code = (err as { code?: string }).code;
      const expiry =
        code === 'ERR_JWT_EXPIRED' && typeof claims?.exp === 'number'
          ? { expected: `after ${input.now.toISOString()}`, provided: new Date(claims.exp * 1000).toISOString() }
          : {};
      throw new Oid4vcError('access_token_invalid', code, { cause: err, ...expiry });
    }
    const tokenIdHash = createHash('sha256').update(String(payload.jti)).digest('base64url');
    if (await this.revoked.isRevoked(tokenIdHash)) throw new Oid4vcError('access_token_revoked');
    const jkt = (payload.cnf as { jkt?: string } | undefined)?.jkt ?? null;
    if (jkt) {
      if (scheme !== 'DPoP')
        throw new Oid4vcError('access_token_scheme_mismatch', undefined, { expected: 'DPoP', provided: scheme });
      const proof = await verifyDpopProof({
        proof: input.dpop,
        htm: input.htm,
        htu: input.htu,
        now: input.now,
        accessToken: token,
      });
      if (proof.jkt !== jkt)
        throw new Oid4vcError('access_token_key_mismatch', undefined, { expected: jkt, provided: proof.jkt });
      if (!(await this.replay.firstUse(proof.jkt, proof.jti, input.now))) throw new Oid4vcError('dpop_jti_replayed');
    } else if (!this.config.allowBearerTokens) {
      throw new Oid4vcError('access_token_invalid', 'not sender-constrained');
    }
    return {
      sessionId: String(payload.sub),
      credentialConfigurationIds: Array.isArray(payload.credential_configuration_ids)
        ? (payload.credential_configuration_ids as string[])
        : [],
      jkt,
      scheme,
      tokenIdHash,
      keyAttestationRequired: payload.key_attestation_required === true,
      ...(payload.authorization_details !== undefined
        ? { credentialIdentifiers: identifiersOf(payload.authorization_details) }
        : {}),
    };
  }
}
