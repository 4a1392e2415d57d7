import { createHash } from 'crypto';
import { SignJWT, type CryptoKey, type JWTHeaderParameters } from 'jose';
import { call, type Answer } from './http';
import { dpopProof, redeemWithDpop, walletKey, type WalletKey } from './wallet';

export const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** RFC 9449 `ath`: the base64url SHA-256 of the access token. */
export const ath = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** What a wallet holds after the token endpoint. */
export interface Authorization {
  sessionId: string;
  accessToken: string;
  dpop: WalletKey;
}

const expectStatus = (what: string, r: Answer, status: number): Answer => {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r;
};

/** Offer -> token (with the DPoP nonce retry): what a wallet holds before asking for credentials. */
export async function tokenFor(
  t: { baseUrl: string; adminToken: string },
  configurationIds: string[],
  claims: Record<string, unknown>,
): Promise<Authorization> {
  const created = expectStatus(
    'session',
    await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: configurationIds, claims },
    }),
    201,
  );
  const dpop = await walletKey();
  const r = expectStatus(
    'token',
    await redeemWithDpop(t.baseUrl, created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'], dpop, call),
    200,
  );
  return { sessionId: created.body.session_id, accessToken: r.body.access_token, dpop };
}

/** A fresh c_nonce from the nonce endpoint. */
export async function cNonce(baseUrl: string): Promise<string> {
  const r = expectStatus('nonce', await call('POST', `${baseUrl}/nonce`), 200);
  if (r.headers.get('cache-control') !== 'no-store') throw new Error('nonce answered without Cache-Control: no-store');
  return r.body.c_nonce;
}

/** A key proof of the jwt proof type; `header` replaces members of the usual header (typ, alg, jwk). */
export async function keyProof(
  key: WalletKey,
  claims: { aud: string; nonce: string },
  header: Partial<JWTHeaderParameters> = {},
  signingKey: CryptoKey | Uint8Array = key.privateKey,
): Promise<string> {
  return new SignJWT({ aud: claims.aud, nonce: claims.nonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: key.publicJwk, ...header })
    .setIssuedAt()
    .sign(signingKey);
}

/** POST /credential with the access token and a DPoP proof for it. */
export async function requestCredential(
  baseUrl: string,
  auth: Pick<Authorization, 'accessToken' | 'dpop'>,
  body: unknown,
  options: { query?: string; dpopKey?: WalletKey; htu?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<Answer> {
  return call('POST', `${baseUrl}/credential${options.query ?? ''}`, {
    ...(options.raw !== undefined ? { raw: options.raw } : { body }),
    headers: {
      authorization: `DPoP ${auth.accessToken}`,
      dpop: await dpopProof(options.dpopKey ?? auth.dpop, {
        htm: 'POST',
        htu: options.htu ?? `${baseUrl}/credential`,
        ath: ath(auth.accessToken),
      }),
      ...options.headers,
    },
  });
}
