import { createHash } from 'crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { Oid4vcError } from './errors';
import { isObject } from './jwk';
import { epochSeconds, parseJsonObject } from './jws';

/** The `typ` of a sealed pre-authorized code: a JWE under this key means nothing else. */
export const GRANT_CODE_TYP = 'hallmark-grant+jwe';

export interface GrantCodeTxCode {
  /** The transaction code itself: it never leaves the JWE in clear. */
  value: string;
  input_mode?: 'numeric' | 'text';
  length?: number;
}

/** What a pre-authorized code carries from the offer service to the authorization server. */
export interface GrantCodePayload {
  /** The issuance session id. */
  sid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** The offered credential configuration ids. */
  cfg: string[];
  tx?: GrantCodeTxCode;
  /** What the sealed value is: a pre-authorized code (the default) or an offer's issuer_state. */
  use?: GrantUse;
  /** The session requires a wallet attestation (client authentication). */
  wa?: boolean;
  /** The session requires key attestations. */
  ka?: boolean;
  /** SHA-256 (base64url) of the session's subject_id, for matching a login against it. */
  sub?: string;
}

export type GrantUse = 'pre-authorized_code' | 'issuer_state';

const MAX_CODE_LENGTH = 8 * 1024;

/**
 * Seals a self-contained pre-authorized code: a compact JWE (`dir`, `A256GCM`, RFC 7516) of the
 * payload under a 32-byte key shared by the offer service and the authorization server. AES-GCM
 * authenticates it and hides the transaction code; a fresh IV makes every code distinct.
 * Single use is the authorization server's to enforce (per `sid`, in its event store).
 *
 * @throws Oid4vcError `server_error` for a bad key or payload
 */
export async function sealGrantCode(key: Uint8Array, payload: GrantCodePayload): Promise<string> {
  checkKey(key);
  const checked = checkPayload(payload);
  if (!checked) throw new Oid4vcError('grant_payload_invalid');
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(checked)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: GRANT_CODE_TYP })
    .encrypt(key);
}

/**
 * Opens a pre-authorized code sealed by `sealGrantCode` and checks that it has not expired.
 *
 * @throws Oid4vcError `invalid_grant` when the code is not one of ours, was altered, or expired
 */
export async function openGrantCode(
  key: Uint8Array,
  code: string,
  now: Date,
  use: GrantUse = 'pre-authorized_code',
): Promise<GrantCodePayload> {
  checkKey(key);
  const invalid = use === 'issuer_state' ? 'issuer_state_invalid' : 'grant_code_invalid';
  if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH) {
    throw new Oid4vcError(invalid, 'not a sealed code');
  }
  let plaintext: Uint8Array;
  let typ: unknown;
  try {
    const result = await compactDecrypt(code, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    plaintext = result.plaintext;
    typ = result.protectedHeader.typ;
  } catch (cause) {
    throw new Oid4vcError(invalid, 'it does not decrypt under our key', { cause });
  }
  const payload =
    typ === GRANT_CODE_TYP ? checkPayload(parseJsonObject(new TextDecoder().decode(plaintext))) : undefined;
  if (!payload) throw new Oid4vcError(invalid, 'unexpected content');
  // An issuer_state must never pass as a pre-authorized code, nor the other way round.
  if ((payload.use ?? 'pre-authorized_code') !== use) throw new Oid4vcError(invalid, 'sealed for another use');
  if (epochSeconds(now) >= payload.exp)
    throw new Oid4vcError(use === 'issuer_state' ? 'issuer_state_invalid' : 'grant_code_expired', 'the offer expired');
  return payload;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new Oid4vcError('grant_key_invalid');
}

/** The payload with only its known members, or undefined when it is malformed. */
function checkPayload(value: unknown): GrantCodePayload | undefined {
  if (!isObject(value)) return undefined;
  const { sid, exp, cfg, tx, use, wa, ka, sub } = value;
  if (use !== undefined && use !== 'pre-authorized_code' && use !== 'issuer_state') return undefined;
  if (typeof sid !== 'string' || sid.length === 0) return undefined;
  if (!Number.isSafeInteger(exp)) return undefined;
  if (!Array.isArray(cfg) || cfg.length === 0 || !cfg.every((id) => typeof id === 'string' && id.length > 0))
    return undefined;
  const payload: GrantCodePayload = {
    sid,
    exp: exp as number,
    cfg: [...cfg],
    ...(use === 'issuer_state' ? { use } : {}),
    ...(wa === true ? { wa } : {}),
    ...(ka === true ? { ka } : {}),
    ...(typeof sub === 'string' ? { sub } : {}),
  };
  if (tx !== undefined) {
    if (!isObject(tx) || typeof tx.value !== 'string' || tx.value.length === 0) return undefined;
    if (tx.input_mode !== undefined && tx.input_mode !== 'numeric' && tx.input_mode !== 'text') return undefined;
    if (tx.length !== undefined && !(Number.isSafeInteger(tx.length) && (tx.length as number) > 0)) return undefined;
    payload.tx = {
      value: tx.value,
      ...(tx.input_mode !== undefined ? { input_mode: tx.input_mode } : {}),
      ...(tx.length !== undefined ? { length: tx.length as number } : {}),
    };
  }
  return payload;
}

/** How a session's subject_id is sealed into an issuer_state, and compared with a login's `sub`. */
export function subjectIdHash(subjectId: string): string {
  return createHash('sha256').update(subjectId, 'utf8').digest('base64url');
}
