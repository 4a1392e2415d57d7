import { X509Certificate, type KeyObject } from 'crypto';
import { compactVerify, type JWK } from 'jose';
import { Oid4vcError, type Oid4vcReason } from './errors';
import { ASYMMETRIC_SIGNING_ALGS, publicJwk } from './jwk';
import { decodeCompactJwsHeader, epochSeconds, isMediaType, isNumericDate, parseJsonObject } from './jws';
import { importPublicJwk } from './recent-keys';

/**
 * Who an issuer trusts to sign attestations (wallet providers, key attesters): keys, picked by
 * `kid` when the JWT names one, and root certificates that an `x5c` chain must lead to (HAIP
 * 1.0: the trust anchor itself is not in the chain).
 */
export interface TrustList {
  keys?: JWK[];
  /** Root certificates, PEM or base64 DER. */
  roots?: string[];
}

export interface TrustedJwtReasons {
  malformed: Oid4vcReason;
  untrusted: Oid4vcReason;
  expired: Oid4vcReason;
}

export interface TrustedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** How the signer was trusted: `kid:<kid>`, `key:<index>` or `x5c:<subject of the leaf>`. */
  trustedBy: string;
}

const MAX_LENGTH = 32 * 1024;

const certificate = (value: string): X509Certificate | undefined => {
  try {
    return new X509Certificate(value.includes('-----BEGIN') ? value : Buffer.from(value, 'base64'));
  } catch {
    return undefined;
  }
};

const validAt = (cert: X509Certificate, now: Date): boolean =>
  new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);

/** The leaf key of an x5c chain that leads to one of the roots, all certificates valid now; undefined otherwise. */
function chainKey(x5c: unknown, roots: X509Certificate[], now: Date): { key: KeyObject; subject: string } | undefined {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 10 || !x5c.every((c) => typeof c === 'string'))
    return undefined;
  const chain = x5c.map((c: string) => certificate(c));
  if (chain.some((c) => !c || !validAt(c, now))) return undefined;
  const certs = chain as X509Certificate[];
  for (let i = 0; i + 1 < certs.length; i++)
    if (!certs[i].checkIssued(certs[i + 1]) || !certs[i].verify(certs[i + 1].publicKey)) return undefined;
  const top = certs[certs.length - 1];
  const anchored = roots.some(
    (root) =>
      validAt(root, now) &&
      (root.fingerprint256 === top.fingerprint256 || (top.checkIssued(root) && top.verify(root.publicKey))),
  );
  return anchored ? { key: certs[0].publicKey, subject: certs[0].subject.replace(/\n/g, ', ') } : undefined;
}

/**
 * Verifies a JWT signed by a party of the trust list: `typ`, an asymmetric `alg`, the signature
 * with a trusted key or an `x5c` chain to a trusted root, and `exp` when present. The caller
 * checks the claims that belong to its kind of attestation.
 */
export async function verifyTrustedJwt(
  jwt: unknown,
  options: { typ: string; trust: TrustList; now: Date; reasons: TrustedJwtReasons },
): Promise<TrustedJwt> {
  const { reasons, now } = options;
  const header = decodeCompactJwsHeader(jwt, MAX_LENGTH);
  if (!header) throw new Oid4vcError(reasons.malformed, 'not a compact JWS');
  if (typeof header.typ !== 'string' || !isMediaType(header.typ, options.typ))
    throw new Oid4vcError(reasons.malformed, `typ must be ${options.typ}`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !ASYMMETRIC_SIGNING_ALGS.includes(alg))
    throw new Oid4vcError(reasons.malformed, 'alg is not an asymmetric signature algorithm');

  const candidates: { key: KeyObject | JWK; trustedBy: string }[] = [];
  if (header.x5c !== undefined) {
    const roots = (options.trust.roots ?? []).map(certificate).filter((c): c is X509Certificate => c !== undefined);
    const leaf = chainKey(header.x5c, roots, now);
    if (leaf) candidates.push({ key: leaf.key, trustedBy: `x5c:${leaf.subject}` });
  } else {
    (options.trust.keys ?? []).forEach((jwk, index) => {
      if (header.kid === undefined || jwk.kid === header.kid)
        candidates.push({ key: jwk, trustedBy: jwk.kid ? `kid:${jwk.kid}` : `key:${index}` });
    });
  }
  let verified: { payload: Uint8Array; trustedBy: string } | undefined;
  for (const candidate of candidates) {
    try {
      const key = 'kty' in candidate.key ? await importPublicJwk(publicJwk(candidate.key) ?? {}, alg) : candidate.key;
      const { payload } = await compactVerify(jwt as string, key, { algorithms: [alg] });
      verified = { payload, trustedBy: candidate.trustedBy };
      break;
    } catch {
      /* the next candidate */
    }
  }
  if (!verified)
    throw new Oid4vcError(
      reasons.untrusted,
      header.x5c !== undefined
        ? 'the x5c chain does not verify up to a trusted root'
        : header.kid !== undefined
          ? `no trusted key verifies it (kid ${String(header.kid).slice(0, 60)})`
          : 'no trusted key verifies it',
    );
  const payload = parseJsonObject(new TextDecoder().decode(verified.payload));
  if (!payload) throw new Oid4vcError(reasons.malformed, 'the payload is not a JSON object');
  if (payload.exp !== undefined && (!isNumericDate(payload.exp) || payload.exp <= epochSeconds(now)))
    throw new Oid4vcError(reasons.expired);
  return { header, payload, trustedBy: verified.trustedBy };
}
