import { Inject, Injectable } from '@nestjs/common';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { isObject, openGrantCode, type GrantCodePayload, type GrantUse } from '@hallmark/oid4vc';
import { PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';

/** The kinds of handle the authorization server hands out and reads back. */
export type HandleKind = 'code' | 'refresh' | 'state' | 'interaction';

const MAX_LENGTH = 4096;

/**
 * Self-contained handles, so any replica opens them without a look-up; single use and rotation
 * are decided on the streams. Ours (authorization codes, refresh tokens, interactions, the
 * wallet's sealed `state`) are compact JWEs (`dir`, A256GCM) under the grant key's handles key;
 * the offer service's (pre-authorized codes, `issuer_state`) under its grant-code key, which both
 * services derive alike (`GrantKeys`, libs/platform/src/config/grant-keys.ts).
 */
@Injectable()
export class SealedHandles {
  private readonly grantCodeKey: Uint8Array;
  private readonly key: Uint8Array;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.grantCodeKey = config.grantKeys.grantCodes;
    this.key = config.grantKeys.authorizationHandles;
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

  /** An offer's pre-authorized code or issuer_state; throws the catalogue's refusal when it is not one of ours or expired. */
  openOffer(value: string, now: Date, use: GrantUse = 'pre-authorized_code'): Promise<GrantCodePayload> {
    return openGrantCode(this.grantCodeKey, value, now, use);
  }

  /** The wallet's value sealed as `state` (its own state, the offer's subject hash), or null. */
  async openValue(sealed: string | null | undefined): Promise<string | null> {
    if (!sealed) return null;
    const opened = await this.open('state', sealed, new Date(0));
    return typeof opened?.v === 'string' ? opened.v : null;
  }
}
