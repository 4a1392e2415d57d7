import { randomBytes } from 'crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** A wallet key pair, as a test wallet holds it. */
export interface WalletKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

export async function walletKey(): Promise<WalletKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey: privateKey as CryptoKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/** An RFC 9449 proof for one request. */
export async function dpopProof(key: WalletKey, claims: { htm: string; htu: string; nonce?: string; ath?: string; jti?: string; iat?: number }): Promise<string> {
  return new SignJWT({ htm: claims.htm, htu: claims.htu, jti: claims.jti ?? randomBytes(12).toString('base64url'), ...(claims.nonce ? { nonce: claims.nonce } : {}), ...(claims.ath ? { ath: claims.ath } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(key.privateKey);
}

export const form = (fields: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
