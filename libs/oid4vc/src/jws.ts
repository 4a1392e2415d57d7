import { compactVerify, type JWK } from 'jose';
import { isObject } from './jwk';
import { importPublicJwk } from './recent-keys';

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * The protected header of a compact JWS (three base64url segments, a JSON object header), or
 * undefined when the value is not one. Nothing is verified here; an empty signature is let
 * through so that `alg: none` is reported as the disallowed algorithm it is.
 */
export function decodeCompactJwsHeader(token: unknown, maxLength: number): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token.length > maxLength) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !SEGMENT.test(parts[0]) || !SEGMENT.test(parts[1]) || !SIGNATURE_SEGMENT.test(parts[2])) {
    return undefined;
  }
  return parseJsonObject(Buffer.from(parts[0], 'base64url').toString('utf8'));
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export type SignatureCheck =
  | { ok: true; payload: Record<string, unknown> | undefined }
  | { ok: false; stage: 'key' | 'signature'; cause: unknown };

/**
 * Verifies a compact JWS with a public JWK and one algorithm (jose does the cryptography).
 * On success the payload is returned parsed, or undefined when it is not a JSON object.
 */
export async function verifyCompactJws(token: string, jwk: JWK, alg: string): Promise<SignatureCheck> {
  let key: Awaited<ReturnType<typeof importPublicJwk>>;
  try {
    key = await importPublicJwk(jwk, alg);
  } catch (cause) {
    return { ok: false, stage: 'key', cause };
  }
  try {
    const { payload } = await compactVerify(token, key, { algorithms: [alg] });
    return { ok: true, payload: parseJsonObject(new TextDecoder().decode(payload)) };
  } catch (cause) {
    return { ok: false, stage: 'signature', cause };
  }
}

/** True when a NumericDate claim is a finite number. */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Seconds since the epoch, with fractions (claims may carry them; RFC 7519 Section 2). */
export function epochSeconds(now: Date): number {
  return now.getTime() / 1000;
}

/** `typ` comparison per RFC 7515 Section 4.1.9: case-insensitive, `application/` optional. */
export function isMediaType(typ: string, expected: string): boolean {
  const lower = typ.toLowerCase();
  return lower === expected || lower === `application/${expected}`;
}
