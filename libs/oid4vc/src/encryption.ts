import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { KeyObject, webcrypto } from 'crypto';
import { Oid4vcError } from './errors';
import { isObject, isPrivateOrSymmetricJwk, publicJwk } from './jwk';

/**
 * Encrypted credential requests and responses (OID4VCI 1.0 Section 10): JWE compact
 * serialisation, ECDH-ES key agreement on P-256 (HAIP 1.0), A128GCM or A256GCM, optionally
 * DEFLATE-compressed. jose does the JWE work; this module says which parameters are accepted.
 */
export const ENCRYPTION_ALGS = ['ECDH-ES'] as const;
export const ENCRYPTION_ENCS = ['A128GCM', 'A256GCM'] as const;
export const ENCRYPTION_ZIPS = ['DEF'] as const;

/** What the wallet asked for in `credential_response_encryption` (OID4VCI 1.0 Section 8.2), checked. */
export interface ResponseEncryption {
  /** The wallet's public key, its `alg` and any `kid` kept (the JWE header names them). */
  jwk: JWK;
  alg: (typeof ENCRYPTION_ALGS)[number];
  enc: (typeof ENCRYPTION_ENCS)[number];
  zip?: (typeof ENCRYPTION_ZIPS)[number];
}

const listed = <T extends string>(values: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);

/**
 * The request's `credential_response_encryption`, checked: an EC P-256 public `jwk` whose `alg`
 * is ECDH-ES (the JWE `alg` comes from the key), a supported `enc`, `zip` absent or DEF. Absent:
 * undefined, unless the issuer requires encrypted responses. A request that asks for an encrypted
 * response must itself be encrypted (Section 8.2: otherwise an attacker could substitute the key).
 */
export async function responseEncryptionOf(
  value: unknown,
  context: { requestEncrypted: boolean; required: boolean },
): Promise<ResponseEncryption | undefined> {
  if (value === undefined) {
    if (context.required) throw new Oid4vcError('credential_response_encryption_required');
    return undefined;
  }
  if (!context.requestEncrypted) throw new Oid4vcError('credential_response_encryption_unprotected');
  if (!isObject(value))
    throw new Oid4vcError('credential_response_encryption_invalid', 'credential_response_encryption is not an object');
  const { jwk, enc, zip } = value;
  if (jwk === undefined)
    throw new Oid4vcError('credential_response_encryption_invalid', 'jwk is missing', {
      expected: 'jwk',
      provided: '(none)',
    });
  const key = publicJwk(jwk);
  if (!key || isPrivateOrSymmetricJwk(jwk) || key.kty !== 'EC' || key.crv !== 'P-256')
    throw new Oid4vcError('credential_response_encryption_invalid', 'jwk must be a public EC P-256 key', {
      expected: 'EC P-256 public key',
      provided: isObject(jwk) ? `${String(jwk.kty)} ${String(jwk.crv ?? '')}`.trim() : typeof jwk,
    });
  const alg = (jwk as Record<string, unknown>).alg;
  if (!listed(ENCRYPTION_ALGS, alg))
    throw new Oid4vcError('credential_response_encryption_invalid', 'jwk.alg names the key agreement', {
      expected: ENCRYPTION_ALGS,
      provided: alg ?? '(none)',
    });
  if (!listed(ENCRYPTION_ENCS, enc))
    throw new Oid4vcError('credential_response_encryption_invalid', 'unsupported enc', {
      expected: ENCRYPTION_ENCS,
      provided: enc ?? '(none)',
    });
  if (zip !== undefined && !listed(ENCRYPTION_ZIPS, zip))
    throw new Oid4vcError('credential_response_encryption_invalid', 'unsupported zip', {
      expected: ENCRYPTION_ZIPS,
      provided: zip,
    });
  const kid = (jwk as Record<string, unknown>).kid;
  // Checked before anything is issued: a point off the curve would otherwise fail after signing.
  await importJWK({ ...key, alg }, alg).catch((err: unknown) => {
    throw new Oid4vcError('credential_response_encryption_invalid', 'jwk is not a usable P-256 public key', {
      cause: err,
      expected: 'EC P-256 public key',
      provided: 'a point not on the curve',
    });
  });
  return {
    jwk: { ...key, alg, ...(typeof kid === 'string' ? { kid } : {}) },
    alg,
    enc,
    ...(zip !== undefined ? { zip } : {}),
  };
}

/** A credential response as a JWE to the wallet's key (OID4VCI 1.0 Section 10): `kid` echoed when the key has one. */
export async function encryptCredentialResponse(payload: object, encryption: ResponseEncryption): Promise<string> {
  const key = await importJWK(encryption.jwk, encryption.alg);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({
      alg: encryption.alg,
      enc: encryption.enc,
      ...(encryption.zip ? { zip: encryption.zip } : {}),
      ...(encryption.jwk.kid ? { kid: encryption.jwk.kid } : {}),
    })
    .encrypt(key);
}

/**
 * An encrypted credential request (`application/jwt`, OID4VCI 1.0 Section 10) decrypted with the
 * issuer's encryption key: its header must name a supported alg, enc and zip (and, when it has a
 * `kid`, our key); the plaintext is the JSON credential request.
 */
export async function decryptCredentialRequest(
  jwe: string,
  issuerKey: { kid: string; privateKey: KeyObject | webcrypto.CryptoKey },
): Promise<unknown> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe.trim()) as Record<string, unknown>;
  } catch {
    throw new Oid4vcError('credential_request_undecryptable', 'not a JWE in compact serialisation');
  }
  if (jwe.trim().split('.').length !== 5)
    throw new Oid4vcError('credential_request_undecryptable', 'not a JWE in compact serialisation');
  const check = (name: string, values: readonly string[], value: unknown, optional = false): void => {
    if (optional && value === undefined) return;
    if (!listed(values, value))
      throw new Oid4vcError('credential_request_encryption_unsupported', `JWE header ${name}`, {
        expected: values,
        provided: value ?? '(none)',
      });
  };
  check('alg', ENCRYPTION_ALGS, header.alg);
  check('enc', ENCRYPTION_ENCS, header.enc);
  check('zip', ENCRYPTION_ZIPS, header.zip, true);
  check('kid', [issuerKey.kid], header.kid, true);
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(jwe.trim(), issuerKey.privateKey, {
      keyManagementAlgorithms: [...ENCRYPTION_ALGS],
      contentEncryptionAlgorithms: [...ENCRYPTION_ENCS],
    }));
  } catch (err) {
    throw new Oid4vcError('credential_request_undecryptable', 'decryption failed', { cause: err });
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new Oid4vcError('credential_request_json_invalid', 'the decrypted request is not JSON');
  }
}
