import { hkdfSync } from 'crypto';

/**
 * The keys derived from HALLMARK_GRANT_KEY, one per purpose, so that no key serves two purposes
 * and learning one (a nonce key, say) reveals nothing about the others. The offer service and the
 * authorization server derive the same `grantCodes` key, so codes sealed by one open in the other.
 */
export interface GrantKeys {
  /** Seals pre-authorized codes and `issuer_state` (offer service) and opens them (authorization server). */
  grantCodes: Uint8Array;
  /** Authorization codes, refresh tokens and the wallet's sealed `state` (authorization server). */
  authorizationHandles: Uint8Array;
  /** DPoP server nonces (RFC 9449 Section 8). */
  dpopNonces: Uint8Array;
  /** Wallet attestation PoP challenges. */
  attestationChallenges: Uint8Array;
  /** The PKCE verifier of the login at the upstream OpenID Provider. */
  upstreamLogin: Uint8Array;
}

/**
 * HKDF-SHA256 info per purpose. The handles, DPoP nonce and attestation challenge keys were
 * already derived with these parameters before the grant key was split, so refresh tokens and
 * codes issued before stay valid; grant codes and the login verifier used the grant key itself.
 */
export const GRANT_KEY_PURPOSES: Record<keyof GrantKeys, string> = {
  grantCodes: 'hallmark grant codes',
  authorizationHandles: 'hallmark authorization handles',
  dpopNonces: 'hallmark dpop nonce',
  attestationChallenges: 'hallmark attestation challenge',
  upstreamLogin: 'hallmark upstream login',
};

export function deriveGrantKeys(grantKey: Buffer): GrantKeys {
  if (grantKey.length !== 32) throw new Error('the grant key must be 32 bytes');
  const derive = (info: string): Uint8Array => new Uint8Array(hkdfSync('sha256', grantKey, Buffer.alloc(0), info, 32));
  return {
    grantCodes: derive(GRANT_KEY_PURPOSES.grantCodes),
    authorizationHandles: derive(GRANT_KEY_PURPOSES.authorizationHandles),
    dpopNonces: derive(GRANT_KEY_PURPOSES.dpopNonces),
    attestationChallenges: derive(GRANT_KEY_PURPOSES.attestationChallenges),
    upstreamLogin: derive(GRANT_KEY_PURPOSES.upstreamLogin),
  };
}
