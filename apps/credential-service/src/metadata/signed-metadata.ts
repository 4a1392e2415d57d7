import { SignJWT } from 'jose';
import type { CredentialSigningKey } from '@hallmark/issuer-keys';

export const SIGNED_METADATA_TYP = 'openidvci-issuer-metadata+jwt';

/**
 * Signed issuer metadata (OID4VCI 1.0 Section 12.2.3): every metadata parameter as a top-level
 * claim, `sub` the issuer identifier, `iat`; the key is found by the `x5c` chain (leaf first, the
 * root left out). By default it is the credential signing key, so the credential chain covers it.
 */
export function signIssuerMetadata(
  metadata: Record<string, unknown>,
  key: Pick<CredentialSigningKey, 'privateKey' | 'x5c'>,
  now: Date,
): Promise<string> {
  return new SignJWT({ ...metadata })
    .setProtectedHeader({ alg: 'ES256', typ: SIGNED_METADATA_TYP, x5c: key.x5c })
    .setSubject(String(metadata.credential_issuer))
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .sign(key.privateKey);
}

/** The q-value an Accept header gives a media type (RFC 9110 Section 12.5.1): the most specific range wins. */
function quality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const range of accept.split(',')) {
    const [media, ...params] = range.trim().toLowerCase().split(';');
    const specificity = media === type ? 2 : media === `${major}/*` ? 1 : media === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(value) ? value : 0 };
  }
  return best.q;
}

/**
 * Whether a wallet asked for signed metadata: `application/jwt` acceptable and preferred to
 * `application/json` (JSON stays the answer to no Accept, a wildcard or a tie: every wallet reads it).
 */
export function wantsSignedMetadata(accept: string | undefined): boolean {
  if (!accept) return false;
  const jwt = quality(accept, 'application/jwt');
  return jwt > 0 && jwt > quality(accept, 'application/json');
}
