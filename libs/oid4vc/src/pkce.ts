import { createHash, timingSafeEqual } from 'crypto';
import { Oid4vcError } from './errors';

/** RFC 7636 Section 4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is a base64url SHA-256 digest: 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 Section 4.2). */
export function pkceS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Checks the PKCE parameters of an authorization request: S256 only (HAIP, FAPI 2.0), a
 * well-formed challenge. Returns the challenge to keep.
 */
export function checkPkceChallenge(challenge: string | undefined, method: string | undefined): string {
  if (!challenge) throw new Oid4vcError('pkce_missing');
  if (method !== 'S256')
    throw new Oid4vcError(
      'pkce_method_unsupported',
      method ? `code_challenge_method ${method.slice(0, 20)}` : 'code_challenge_method is missing',
      { expected: 'S256', provided: method ?? null },
    );
  if (!S256_CHALLENGE.test(challenge))
    throw new Oid4vcError('authorization_request_invalid', 'code_challenge is not a base64url SHA-256 digest');
  return challenge;
}

/** Checks a code_verifier against the stored S256 challenge (RFC 7636 Section 4.6), in constant time. */
export function verifyPkce(challenge: string, verifier: string | undefined): void {
  if (!verifier) throw new Oid4vcError('pkce_verifier_missing');
  if (!VERIFIER.test(verifier))
    throw new Oid4vcError('pkce_verifier_mismatch', 'code_verifier is not 43 to 128 unreserved characters');
  const computed = Buffer.from(pkceS256Challenge(verifier));
  const expected = Buffer.from(challenge);
  if (computed.length !== expected.length || !timingSafeEqual(computed, expected))
    throw new Oid4vcError('pkce_verifier_mismatch');
}
