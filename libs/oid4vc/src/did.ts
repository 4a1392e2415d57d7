import { ECDH } from 'crypto';
import type { JWK } from 'jose';
import { isPrivateOrSymmetricJwk, publicJwk } from './jwk';
import { parseJsonObject } from './jws';

/**
 * The two self-describing DID methods a wallet may name as the key of a key proof: `did:jwk`
 * (the JWK itself, base64url) and `did:key` for P-256 keys (multicodec `p256-pub` 0x1200, a
 * compressed point, base58btc). Anything else would need a resolver, which we do not run.
 */

export type DidKeyResolution =
  | { ok: true; method: 'did:jwk' | 'did:key'; did: string; jwk: JWK }
  | { ok: false; problem: 'unsupported' | 'invalid' | 'private'; detail: string };

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const P256_PUB_MULTICODEC = 0x1200;
const KNOWN_MULTICODECS: Record<number, string> = {
  0xe7: 'secp256k1-pub',
  0xec: 'x25519-pub',
  0xed: 'ed25519-pub',
  0x1201: 'p384-pub',
  0x1202: 'p521-pub',
  0x1205: 'rsa-pub',
  0xeb51: 'jwk_jcs-pub',
};
const MAX_DID_LENGTH = 4096;

/** Resolves a `kid` that is a `did:jwk` or a P-256 `did:key` DID (or DID URL) to its public JWK. */
export function resolveKeyDid(kid: string): DidKeyResolution {
  if (kid.length > MAX_DID_LENGTH) return { ok: false, problem: 'invalid', detail: 'the DID is too long' };
  const did = kid.split('#')[0];
  if (did.startsWith('did:jwk:')) return resolveDidJwk(did);
  if (did.startsWith('did:key:')) return resolveDidKey(did);
  const method = /^did:([a-z0-9]+):/.exec(did)?.[1];
  return {
    ok: false,
    problem: 'unsupported',
    detail: method ? `DID method ${method} is not supported` : 'the kid is not a DID',
  };
}

function resolveDidJwk(did: string): DidKeyResolution {
  const encoded = did.slice('did:jwk:'.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, problem: 'invalid', detail: 'did:jwk is not base64url' };
  const jwk = parseJsonObject(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (!jwk) return { ok: false, problem: 'invalid', detail: 'did:jwk does not hold a JSON object' };
  if (isPrivateOrSymmetricJwk(jwk))
    return { ok: false, problem: 'private', detail: 'did:jwk holds private key material' };
  const key = publicJwk(jwk);
  if (!key) return { ok: false, problem: 'invalid', detail: 'did:jwk does not hold an EC, OKP or RSA public key' };
  return { ok: true, method: 'did:jwk', did, jwk: key };
}

function resolveDidKey(did: string): DidKeyResolution {
  const multibase = did.slice('did:key:'.length);
  if (!multibase.startsWith('z')) return { ok: false, problem: 'invalid', detail: 'did:key must be base58btc (z)' };
  const bytes = base58btcDecode(multibase.slice(1));
  if (!bytes) return { ok: false, problem: 'invalid', detail: 'did:key is not base58btc' };
  const codec = readVarint(bytes);
  if (!codec) return { ok: false, problem: 'invalid', detail: 'did:key has no multicodec prefix' };
  if (codec.value !== P256_PUB_MULTICODEC) {
    const name = KNOWN_MULTICODECS[codec.value] ?? `0x${codec.value.toString(16)}`;
    return { ok: false, problem: 'unsupported', detail: `did:key of a ${name} key is not supported, only p256-pub` };
  }
  const point = bytes.subarray(codec.length);
  if (point.length !== 33 || (point[0] !== 0x02 && point[0] !== 0x03)) {
    return { ok: false, problem: 'invalid', detail: 'did:key p256-pub must hold a 33-byte compressed point' };
  }
  let uncompressed: Buffer;
  try {
    uncompressed = ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
  } catch {
    return { ok: false, problem: 'invalid', detail: 'did:key p256-pub is not a point on the curve' };
  }
  return {
    ok: true,
    method: 'did:key',
    did,
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(uncompressed.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(uncompressed.subarray(33, 65)).toString('base64url'),
    },
  };
}

/** `did:jwk` of a public key (its public members only). */
export function didJwkFromJwk(jwk: JWK): string {
  const key = publicJwk(jwk);
  if (!key || isPrivateOrSymmetricJwk(jwk)) throw new TypeError('didJwkFromJwk: not a public EC, OKP or RSA key');
  return `did:jwk:${Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')}`;
}

/** `did:key` of a P-256 public key (multicodec p256-pub, compressed point, base58btc). */
export function didKeyFromP256Jwk(jwk: JWK): string {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y)
    throw new TypeError('didKeyFromP256Jwk: not a P-256 key');
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  if (x.length !== 32 || y.length !== 32) throw new TypeError('didKeyFromP256Jwk: coordinates must be 32 bytes');
  const compressed = Buffer.concat([Buffer.from([0x80, 0x24, 0x02 + (y[31] & 1)]), x]);
  return `did:key:z${base58btcEncode(compressed)}`;
}

export function base58btcDecode(text: string): Uint8Array | undefined {
  if (text.length === 0) return undefined;
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58_ALPHABET.indexOf(char);
    if (carry < 0) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

export function base58btcEncode(data: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of data) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i] << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '';
  for (const byte of data) {
    if (byte !== 0) break;
    out += '1';
  }
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58_ALPHABET[digits[i]];
  return out;
}

/** An unsigned LEB128 varint of at most 3 bytes (multicodec codes fit). */
function readVarint(bytes: Uint8Array): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < Math.min(bytes.length, 3); i++) {
    value |= (bytes[i] & 0x7f) << (7 * i);
    if ((bytes[i] & 0x80) === 0) return { value, length: i + 1 };
  }
  return undefined;
}
