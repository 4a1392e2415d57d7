import { createHash } from 'crypto';
import type { JWK } from 'jose';
import { sha256Thumbprint } from './recent-keys';

export type { JWK } from 'jose';

/** Asymmetric JWS algorithms (RFC 7518, RFC 8037, RFC 9864). `none` and MACs are never accepted. */
export const ASYMMETRIC_SIGNING_ALGS: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
];

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** True when the JWK holds private or symmetric key material (or is not an object at all). */
export function isPrivateOrSymmetricJwk(jwk: unknown): boolean {
  if (!isObject(jwk)) return true;
  if (jwk.kty === 'oct') return true;
  return PRIVATE_MEMBERS.some((member) => member in jwk);
}

/** The public members of an EC, OKP or RSA key (RFC 7518 Section 6, RFC 8037 Section 2); undefined otherwise. */
export function publicJwk(jwk: unknown): JWK | undefined {
  if (!isObject(jwk)) return undefined;
  const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  switch (jwk.kty) {
    case 'EC':
      return str(jwk.crv) && str(jwk.x) && str(jwk.y) ? { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y } : undefined;
    case 'OKP':
      return str(jwk.crv) && str(jwk.x) ? { kty: 'OKP', crv: jwk.crv, x: jwk.x } : undefined;
    case 'RSA':
      return str(jwk.n) && str(jwk.e) ? { kty: 'RSA', n: jwk.n, e: jwk.e } : undefined;
    default:
      return undefined;
  }
}

/** True when a public JWK has the key type (and curve) that the JWS alg requires. */
export function jwkFitsAlg(jwk: JWK, alg: string): boolean {
  switch (alg) {
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'ES512':
      return jwk.kty === 'EC' && jwk.crv === 'P-521';
    case 'EdDSA':
      return jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448');
    case 'Ed25519':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    default:
      return /^(RS|PS)(256|384|512)$/.test(alg) && jwk.kty === 'RSA';
  }
}

/** The allowed algorithms a caller asked for, minus anything that is not an asymmetric signature algorithm. */
export function effectiveAlgs(allowedAlgs: readonly string[]): string[] {
  return allowedAlgs.filter((alg) => ASYMMETRIC_SIGNING_ALGS.includes(alg));
}

/** RFC 7638 JWK SHA-256 thumbprint, base64url (the DPoP `jkt`, RFC 9449 Section 6.1). */
export async function jwkThumbprint(jwk: JWK): Promise<string> {
  return sha256Thumbprint(jwk);
}

/** base64url(SHA-256(ASCII(access token))): the DPoP `ath` claim (RFC 9449 Section 4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'utf8').digest('base64url');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
