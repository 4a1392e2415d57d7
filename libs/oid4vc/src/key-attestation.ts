import { Oid4vcError } from './errors';
import { isPrivateOrSymmetricJwk, jwkThumbprint, publicJwk, type JWK } from './jwk';
import { isNumericDate } from './jws';
import { verifyTrustedJwt, type TrustList } from './trusted-jwt';

export const KEY_ATTESTATION_TYP = 'key-attestation+jwt';

export interface VerifiedKeyAttestation {
  /** Thumbprints of the attested keys. */
  attestedKeyThumbprints: string[];
  attestedKeys: JWK[];
  keyStorage?: string[];
  userAuthentication?: string[];
  nonce?: string;
  trustedBy: string;
}

const stringArray = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).map((x) => x.slice(0, 100)) : undefined;

/**
 * A key attestation (OID4VCI 1.0 Appendix D.1; HAIP 1.0 Section 4.5.1): signed by a trusted
 * attester, `iat` and a non-empty `attested_keys` of public keys. Whether the proof key is one of
 * them, and the nonce of an `attestation` proof, are the caller's to check.
 */
export async function verifyKeyAttestation(
  jwt: unknown,
  options: { trustedAttesters: TrustList; now: Date },
): Promise<VerifiedKeyAttestation> {
  const { payload, trustedBy } = await verifyTrustedJwt(jwt, {
    typ: KEY_ATTESTATION_TYP,
    trust: options.trustedAttesters,
    now: options.now,
    reasons: {
      malformed: 'key_attestation_invalid',
      untrusted: 'key_attestation_untrusted',
      expired: 'key_attestation_expired',
    },
  });
  if (!isNumericDate(payload.iat)) throw new Oid4vcError('key_attestation_invalid', 'iat is missing');
  const keys = payload.attested_keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 100)
    throw new Oid4vcError('key_attestation_invalid', 'attested_keys is not a non-empty array');
  const attestedKeys = keys.map((k) => (isPrivateOrSymmetricJwk(k) ? undefined : publicJwk(k)));
  if (attestedKeys.some((k) => !k))
    throw new Oid4vcError('key_attestation_invalid', 'attested_keys holds something other than public JWKs');
  const keyStorage = stringArray(payload.key_storage);
  const userAuthentication = stringArray(payload.user_authentication);
  return {
    attestedKeys: attestedKeys as JWK[],
    attestedKeyThumbprints: await Promise.all((attestedKeys as JWK[]).map(jwkThumbprint)),
    ...(keyStorage ? { keyStorage } : {}),
    ...(userAuthentication ? { userAuthentication } : {}),
    ...(typeof payload.nonce === 'string' ? { nonce: payload.nonce } : {}),
    trustedBy,
  };
}
