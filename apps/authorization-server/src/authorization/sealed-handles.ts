import { hkdfSync } from 'crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { isObject } from '@hallmark/oid4vc';

/** The kinds of handle the authorization server hands out and reads back. */
export type HandleKind = 'code' | 'refresh' | 'state' | 'interaction';

const MAX_LENGTH = 4096;

/**
 * Self-contained handles (authorization codes, refresh tokens, the wallet's sealed `state`):
 * compact JWEs (`dir`, A256GCM) under a key derived from the grant key, so any replica can open
 * them without a look-up; single use and rotation are decided on the authorization's stream.
 */
export class SealedHandles {
  private readonly key: Uint8Array;

  constructor(grantKey: Buffer) {
    this.key = new Uint8Array(hkdfSync('sha256', grantKey, Buffer.alloc(0), 'hallmark authorization handles', 32));
  }

  seal(kind: HandleKind, payload: Record<string, unknown>): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: `hallmark-${kind}+jwe` })
      .encrypt(this.key);
  }

  /** The payload, or undefined when the value is not a handle of this kind sealed by us (or has expired, `exp` in seconds). */
  async open(kind: HandleKind, value: unknown, now: Date): Promise<Record<string, unknown> | undefined> {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
    try {
      const { plaintext, protectedHeader } = await compactDecrypt(value, this.key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      if (protectedHeader.typ !== `hallmark-${kind}+jwe`) return undefined;
      const payload: unknown = JSON.parse(new TextDecoder().decode(plaintext));
      if (!isObject(payload)) return undefined;
      if (typeof payload.exp === 'number' && payload.exp * 1000 <= now.getTime()) return { ...payload, expired: true };
      return payload;
    } catch {
      return undefined;
    }
  }
}
