import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';
import type { SealedValue } from '@hallmark/contracts';

const b64u = (b: Buffer): string => b.toString('base64url');

/** AES-256-GCM with a fresh 96-bit IV; `aad` binds the ciphertext to its session. */
export function seal(key: Buffer, value: unknown, aad: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { alg: 'A256GCM', iv: b64u(iv), ciphertext: b64u(ciphertext), tag: b64u(cipher.getAuthTag()) };
}

export function open<T>(key: Buffer, sealed: SealedValue, aad: string): T {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as T;
}

/** Data keys are wrapped with the master key (AES-256-GCM, the session id as AAD). */
export function wrapKey(masterKey: Buffer, dataKey: Buffer, sessionId: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(sessionId));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]);
}

export function unwrapKey(masterKey: Buffer, wrapped: Buffer, sessionId: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, 12));
  decipher.setAAD(Buffer.from(sessionId));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
}

/** SHA-256 fingerprint of a high-entropy secret (codes, issuer_state), for look-up without storing it. */
export const secretHash = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

export const newDataKey = (): Buffer => randomBytes(32);
