import { randomBytes } from 'crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** A wallet key pair, as a test wallet holds it (end-to-end tests and the flow benchmark). */
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
export async function dpopProof(
  key: WalletKey,
  claims: { htm: string; htu: string; nonce?: string; ath?: string; jti?: string; iat?: number },
): Promise<string> {
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomBytes(12).toString('base64url'),
    ...(claims.nonce ? { nonce: claims.nonce } : {}),
    ...(claims.ath ? { ath: claims.ath } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(key.privateKey);
}

export const form = (fields: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();

/**
 * Redeems a pre-authorized code with DPoP as a wallet does: the first request learns the server's
 * DPoP nonce (use_dpop_nonce), the second carries it. Returns the second answer.
 */
export async function redeemWithDpop(
  baseUrl: string,
  code: string,
  key: WalletKey,
  call: (
    method: string,
    url: string,
    options: { raw: string; headers: Record<string, string> },
  ) => Promise<{ status: number; headers: Headers; body: any }>, // eslint-disable-line @typescript-eslint/no-explicit-any
  extra: Record<string, string> = {},
) {
  const htu = `${baseUrl}/token`;
  const post = async (nonce?: string) =>
    call('POST', htu, {
      raw: form({
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': code,
        ...extra,
      }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        dpop: await dpopProof(key, { htm: 'POST', htu, nonce }),
      },
    });
  const first = await post();
  return first.body?.error === 'use_dpop_nonce' ? post(first.headers.get('dpop-nonce')!) : first;
}
