import type { JWK } from 'jose';
import { Oid4vcError, quoteValue } from './errors';
import { decodeCompactJwsHeader, epochSeconds, isMediaType, isNumericDate, verifyCompactJws } from './jws';
import { accessTokenHash, effectiveAlgs, isPrivateOrSymmetricJwk, jwkFitsAlg, jwkThumbprint, publicJwk } from './jwk';

export interface VerifyDpopProofOptions {
  /** The value of the request's single `DPoP` header (a compact JWS), if any. */
  proof: string | undefined | null;
  /** The request method as received, e.g. `POST` (compared case-sensitively). */
  htm: string;
  /** The request's target URI as the server sees it (query and fragment are ignored). */
  htu: string;
  now: Date;
  /**
   * The DPoP nonce the server currently expects (several during a rotation). When given, a
   * proof without it fails with `use_dpop_nonce`, and the caller answers with a fresh
   * `DPoP-Nonce` header.
   */
  expectedNonce?: string | readonly string[];
  /** The access token presented with the proof (resource requests): `ath` must be its hash. */
  accessToken?: string;
  /** How old `iat` may be. Default 300 seconds. */
  maxAgeSeconds?: number;
  /** How far in the future `iat` may be (clock skew). Default 30 seconds. */
  clockSkewSeconds?: number;
  /** Accepted `alg` values; anything that is not an asymmetric signature algorithm is ignored. Default `['ES256']`. */
  allowedAlgs?: readonly string[];
}

export interface VerifiedDpopProof {
  /** RFC 7638 thumbprint of the proof key: the `cnf.jkt` an access token is bound to. */
  jkt: string;
  /** The proof's `jti`: the caller checks and records it in its replay ledger. */
  jti: string;
  iat: number;
  nonce?: string;
  alg: string;
  /** The proof key (public members only). */
  jwk: JWK;
}

const MAX_PROOF_LENGTH = 8 * 1024;
const MAX_JTI_LENGTH = 512;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Verifies a DPoP proof JWT against the request it came with (RFC 9449 Section 4.3, plus the
 * `ath` check of Section 7.1 and the nonce of Section 8). Pure: replay of `jti` is the
 * caller's check, against its own ledger. The nonce is checked last, so `use_dpop_nonce` only
 * ever answers an otherwise valid proof.
 *
 * @throws Oid4vcError `invalid_dpop_proof` or `use_dpop_nonce`
 */
export async function verifyDpopProof(options: VerifyDpopProofOptions): Promise<VerifiedDpopProof> {
  const { proof, now } = options;
  const maxAge = options.maxAgeSeconds ?? 300;
  const skew = options.clockSkewSeconds ?? 30;
  const algs = effectiveAlgs(options.allowedAlgs ?? ['ES256']);

  if (proof === undefined || proof === null || proof === '') throw new Oid4vcError('dpop_missing');
  const header = decodeCompactJwsHeader(proof, MAX_PROOF_LENGTH);
  if (!header) throw new Oid4vcError('dpop_malformed');

  if (typeof header.typ !== 'string' || !isMediaType(header.typ, 'dpop+jwt')) {
    throw new Oid4vcError('dpop_typ_invalid', `typ ${quoteValue(header.typ)}`, {
      expected: 'dpop+jwt',
      provided: header.typ ?? '(none)',
    });
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !algs.includes(alg)) {
    throw new Oid4vcError('dpop_alg_not_allowed', `alg ${quoteValue(alg)}, allowed: ${algs.join(' ')}`, {
      expected: algs,
      provided: alg ?? '(none)',
    });
  }
  if (header.jwk === undefined) throw new Oid4vcError('dpop_jwk_missing');
  if (isPrivateOrSymmetricJwk(header.jwk)) throw new Oid4vcError('dpop_jwk_private');
  const jwk = publicJwk(header.jwk);
  if (!jwk || !jwkFitsAlg(jwk, alg)) throw new Oid4vcError('dpop_jwk_invalid', `for alg ${alg}`);

  const checked = await verifyCompactJws(proof, jwk, alg);
  if (!checked.ok) {
    throw checked.stage === 'key'
      ? new Oid4vcError('dpop_jwk_invalid', undefined, { cause: checked.cause })
      : new Oid4vcError('dpop_signature_invalid', undefined, { cause: checked.cause });
  }
  const claims = checked.payload;
  if (!claims) throw new Oid4vcError('dpop_malformed', 'the payload is not a JSON object');

  const { jti, htm, htu, iat, ath, nonce } = claims;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    throw new Oid4vcError('dpop_jti_missing');
  if (htm !== options.htm)
    throw new Oid4vcError('dpop_htm_mismatch', `htm ${quoteValue(htm)} on a ${options.htm} request`, {
      expected: options.htm,
      provided: htm ?? '(none)',
    });

  const expectedHtu = normalizeHtu(options.htu);
  if (!expectedHtu) throw new Oid4vcError('request_uri_invalid');
  if (typeof htu !== 'string' || normalizeHtu(htu) !== expectedHtu) {
    throw new Oid4vcError('dpop_htu_mismatch', `htu ${quoteValue(htu)} for ${expectedHtu}`, {
      expected: expectedHtu,
      provided: htu ?? '(none)',
    });
  }

  if (!isNumericDate(iat)) throw new Oid4vcError('dpop_iat_missing');
  const nowSeconds = epochSeconds(now);
  if (nowSeconds - iat > maxAge)
    throw new Oid4vcError('dpop_iat_stale', `older than ${maxAge} s`, {
      expected: `at least ${nowSeconds - maxAge}`,
      provided: iat,
    });
  if (iat - nowSeconds > skew)
    throw new Oid4vcError('dpop_iat_future', `more than ${skew} s ahead`, {
      expected: `at most ${nowSeconds + skew}`,
      provided: iat,
    });

  if (options.accessToken !== undefined) {
    if (ath === undefined) throw new Oid4vcError('dpop_ath_missing');
    if (ath !== accessTokenHash(options.accessToken)) throw new Oid4vcError('dpop_ath_mismatch');
  }

  if (nonce !== undefined && typeof nonce !== 'string')
    throw new Oid4vcError('dpop_malformed', 'nonce is not a string');
  if (options.expectedNonce !== undefined) {
    const expected = typeof options.expectedNonce === 'string' ? [options.expectedNonce] : options.expectedNonce;
    if (nonce === undefined) throw new Oid4vcError('dpop_nonce_missing');
    if (!expected.includes(nonce)) throw new Oid4vcError('dpop_nonce_mismatch');
  }

  return {
    jkt: await jwkThumbprint(jwk),
    jti,
    iat,
    ...(nonce !== undefined ? { nonce } : {}),
    alg,
    jwk,
  };
}

/**
 * The form in which `htu` values are compared (RFC 9449 Section 4.3): an absolute http(s) URI
 * without query, fragment or user info, with RFC 3986 Section 6.2.2 and 6.2.3 normalisation
 * (scheme and host in lower case, default port dropped, dot segments removed, empty path as `/`,
 * percent-encodings in upper case, unreserved characters decoded). Undefined when the value is
 * not such a URI.
 */
export function normalizeHtu(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const path = url.pathname.replace(/%[0-9A-Fa-f]{2}/g, (escape) => {
    const char = String.fromCharCode(parseInt(escape.slice(1), 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });
  return `${url.protocol}//${url.host}${path}`;
}
