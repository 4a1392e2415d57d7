import { X509Certificate } from 'crypto';
import type { JWK } from 'jose';
import { resolveKeyDid } from './did';
import { Oid4vcError, quoteValue } from './errors';
import { decodeCompactJwsHeader, epochSeconds, isMediaType, isNumericDate, verifyCompactJws } from './jws';
import { effectiveAlgs, isPrivateOrSymmetricJwk, jwkFitsAlg, publicJwk } from './jwk';

/**
 * How the caller checks the `nonce` of a key proof: the `c_nonce` it expects, or a callback
 * that looks the value up in its own store (and may consume it). The callback runs only for an
 * otherwise valid proof, so a forged proof never burns a nonce.
 */
export type ExpectedNonce = string | ((nonce: string) => boolean | Promise<boolean>);

export interface VerifyCredentialProofOptions {
  /** One element of `proofs.jwt` from the Credential Request. */
  proofJwt: string;
  /** The Credential Issuer Identifier: the expected `aud`. */
  issuerId: string;
  now: Date;
  expectedNonce: ExpectedNonce;
  /** Accepted `alg` values (`proof_signing_alg_values_supported`); non-asymmetric ones are ignored. Default `['ES256']`. */
  allowedAlgs?: readonly string[];
  /**
   * The client_id behind the access token; undefined for anonymous pre-authorized access, in
   * which case `iss` is not checked.
   */
  clientId?: string;
  /** How old `iat` may be. Default 300 seconds. */
  maxAgeSeconds?: number;
  /** How far in the future `iat` may be. Default 30 seconds. */
  clockSkewSeconds?: number;
}

export type HolderKeySource = 'jwk' | 'x5c' | 'did:jwk' | 'did:key';

export interface VerifiedCredentialProof {
  /** The key the credential is to be bound to (public members only). */
  holderJwk: JWK;
  keySource: HolderKeySource;
  /** The header `kid` when the key came from one (a DID URL). */
  kid?: string;
  /** The header `x5c` as sent when the key came from it; the chain is not validated here. */
  x5c?: string[];
  nonce: string;
  iat: number;
  alg: string;
  /** The `key_attestation` header as sent, for the caller to verify (OID4VCI 1.0 Appendix D). */
  keyAttestation?: string;
}

const MAX_PROOF_LENGTH = 64 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Verifies a key proof of the `jwt` proof type (OID4VCI 1.0 Appendix F.1 and F.4): explicit
 * type, an allowed asymmetric `alg`, exactly one of `kid` / `jwk` / `x5c` naming a public key,
 * the signature, `aud`, `iat` within a window, `iss` when a client is known, and a `nonce` the
 * caller accepts. A `key_attestation` header is handed back, not evaluated here; nor is an `x5c` chain.
 *
 * @throws Oid4vcError `invalid_proof` or `invalid_nonce`; whatever the nonce callback throws
 */
export async function verifyCredentialProof(options: VerifyCredentialProofOptions): Promise<VerifiedCredentialProof> {
  const { proofJwt, now } = options;
  const maxAge = options.maxAgeSeconds ?? 300;
  const skew = options.clockSkewSeconds ?? 30;
  const algs = effectiveAlgs(options.allowedAlgs ?? ['ES256']);

  const header = decodeCompactJwsHeader(proofJwt, MAX_PROOF_LENGTH);
  if (!header) throw new Oid4vcError('proof_malformed');
  if (typeof header.typ !== 'string' || !isMediaType(header.typ, 'openid4vci-proof+jwt')) {
    throw new Oid4vcError('proof_typ_invalid', `typ ${quoteValue(header.typ)}`, {
      expected: 'openid4vci-proof+jwt',
      provided: header.typ ?? '(none)',
    });
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !algs.includes(alg)) {
    throw new Oid4vcError('proof_alg_not_allowed', `alg ${quoteValue(alg)}, allowed: ${algs.join(' ')}`, {
      expected: algs,
      provided: alg ?? '(none)',
    });
  }

  const holder = holderKey(header);
  if (!jwkFitsAlg(holder.jwk, alg)) throw new Oid4vcError('proof_jwk_invalid', `the key does not fit alg ${alg}`);

  const checked = await verifyCompactJws(proofJwt, holder.jwk, alg);
  if (!checked.ok) {
    throw checked.stage === 'key'
      ? new Oid4vcError('proof_jwk_invalid', undefined, { cause: checked.cause })
      : new Oid4vcError('proof_signature_invalid', undefined, { cause: checked.cause });
  }
  const claims = checked.payload;
  if (!claims) throw new Oid4vcError('proof_malformed', 'the payload is not a JSON object');

  const { aud, iat, iss, nonce } = claims;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.issuerId)) {
    throw new Oid4vcError(
      'proof_aud_mismatch',
      `aud ${quoteValue(aud)}, expected ${quoteValue(options.issuerId, 200)}`,
      { expected: options.issuerId, provided: aud ?? '(none)' },
    );
  }
  if (!isNumericDate(iat)) throw new Oid4vcError('proof_iat_missing');
  const nowSeconds = epochSeconds(now);
  if (nowSeconds - iat > maxAge)
    throw new Oid4vcError('proof_iat_stale', `older than ${maxAge} s`, {
      expected: `at least ${nowSeconds - maxAge}`,
      provided: iat,
    });
  if (iat - nowSeconds > skew)
    throw new Oid4vcError('proof_iat_future', `more than ${skew} s ahead`, {
      expected: `at most ${nowSeconds + skew}`,
      provided: iat,
    });
  if (options.clientId !== undefined && iss !== undefined && iss !== options.clientId) {
    throw new Oid4vcError('proof_iss_mismatch', `iss ${quoteValue(iss)}`, {
      expected: options.clientId,
      provided: iss,
    });
  }

  if (nonce === undefined || nonce === '') throw new Oid4vcError('proof_nonce_missing');
  if (typeof nonce !== 'string') throw new Oid4vcError('proof_nonce_invalid', 'nonce is not a string');
  const expected = options.expectedNonce;
  const accepted = typeof expected === 'string' ? nonce === expected : await expected(nonce);
  if (!accepted) throw new Oid4vcError('proof_nonce_invalid');

  return {
    holderJwk: holder.jwk,
    keySource: holder.source,
    ...(holder.kid !== undefined ? { kid: holder.kid } : {}),
    ...(holder.x5c !== undefined ? { x5c: holder.x5c } : {}),
    nonce,
    iat,
    alg,
    ...(typeof header.key_attestation === 'string' ? { keyAttestation: header.key_attestation } : {}),
  };
}

interface HolderKey {
  jwk: JWK;
  source: HolderKeySource;
  kid?: string;
  x5c?: string[];
}

function holderKey(header: Record<string, unknown>): HolderKey {
  const present = (['kid', 'jwk', 'x5c'] as const).filter((name) => header[name] !== undefined);
  if (present.length === 0) throw new Oid4vcError('proof_key_missing');
  if (present.length > 1) throw new Oid4vcError('proof_key_ambiguous', `found ${present.join(' and ')}`);

  switch (present[0]) {
    case 'jwk': {
      if (isPrivateOrSymmetricJwk(header.jwk)) throw new Oid4vcError('proof_jwk_private');
      const jwk = publicJwk(header.jwk);
      if (!jwk) throw new Oid4vcError('proof_jwk_invalid', 'jwk is not an EC, OKP or RSA public key');
      return { jwk, source: 'jwk' };
    }
    case 'x5c': {
      const x5c = header.x5c;
      if (
        !Array.isArray(x5c) ||
        x5c.length === 0 ||
        !x5c.every((cert) => typeof cert === 'string' && BASE64.test(cert))
      ) {
        throw new Oid4vcError('proof_x5c_invalid');
      }
      let exported: unknown;
      try {
        exported = new X509Certificate(Buffer.from(x5c[0], 'base64')).publicKey.export({ format: 'jwk' });
      } catch (cause) {
        throw new Oid4vcError('proof_x5c_invalid', 'the first certificate cannot be parsed', { cause });
      }
      const jwk = publicJwk(exported);
      if (!jwk) throw new Oid4vcError('proof_jwk_invalid', 'the certificate key is not an EC, OKP or RSA key');
      return { jwk, source: 'x5c', x5c: x5c as string[] };
    }
    case 'kid': {
      const kid = header.kid;
      if (typeof kid !== 'string') throw new Oid4vcError('proof_kid_invalid', 'kid is not a string');
      const resolved = resolveKeyDid(kid);
      if (resolved.ok) return { jwk: resolved.jwk, source: resolved.method, kid };
      if (resolved.problem === 'unsupported') throw new Oid4vcError('proof_kid_unsupported', resolved.detail);
      if (resolved.problem === 'private') throw new Oid4vcError('proof_jwk_private', resolved.detail);
      throw new Oid4vcError('proof_kid_invalid', resolved.detail);
    }
  }
}
