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
}

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
export async function openGrantCode(key: Uint8Array, code: string, now: Date): Promise<GrantCodePayload> {
  checkKey(key);
  if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH) {
    throw new Oid4vcError('grant_code_invalid', 'not a sealed code');
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
    throw new Oid4vcError('grant_code_invalid', 'it does not decrypt under our key', { cause });
  }
  const payload = typ === GRANT_CODE_TYP ? checkPayload(parseJsonObject(new TextDecoder().decode(plaintext))) : undefined;
  if (!payload) throw new Oid4vcError('grant_code_invalid', 'unexpected content');
  if (epochSeconds(now) >= payload.exp) throw new Oid4vcError('grant_code_expired');
  return payload;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw new Oid4vcError('grant_key_invalid');
}

/** The payload with only its known members, or undefined when it is malformed. */
function checkPayload(value: unknown): GrantCodePayload | undefined {
  if (!isObject(value)) return undefined;
  const { sid, exp, cfg, tx } = value;
  if (typeof sid !== 'string' || sid.length === 0) return undefined;
  if (!Number.isSafeInteger(exp)) return undefined;
  if (!Array.isArray(cfg) || cfg.length === 0 || !cfg.every((id) => typeof id === 'string' && id.length > 0)) return undefined;
  const payload: GrantCodePayload = { sid, exp: exp as number, cfg: [...cfg] };
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
