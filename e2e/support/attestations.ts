import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { REPO_ROOT } from '@hallmark/testing';
import type { WalletKeyPair } from '@hallmark/test-wallet';

/** A test wallet provider and key attester, trusted by the issuer through its configuration. */
export interface TestTrust {
  provider: { privateKey: CryptoKey; jwk: Record<string, unknown> };
  attester: { privateKey: CryptoKey; jwk: Record<string, unknown> };
}

async function signer(kid: string): Promise<{ privateKey: CryptoKey; jwk: Record<string, unknown> }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

export async function testTrust(): Promise<TestTrust> {
  return { provider: await signer('test-wallet-provider'), attester: await signer('test-key-attester') };
}

/** The demo issuer configuration with an `authorization` section, written to a temporary file; returns its path. */
export function issuerConfigWith(authorization: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'config', 'issuer.json'), 'utf8'));
  config.authorization = authorization;
  const file = join(mkdtempSync(join(tmpdir(), 'hallmark-config-')), 'issuer.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** The `authorization` section that trusts the test provider and attester. */
export const trusting = (trust: TestTrust, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  trusted_wallet_providers: { keys: [trust.provider.jwk] },
  trusted_key_attesters: { keys: [trust.attester.jwk] },
  ...more,
});

/** A wallet attestation (attest_jwt_client_auth) by the test provider for a wallet instance key. */
export const walletAttestation = (
  trust: TestTrust,
  clientId: string,
  instance: WalletKeyPair,
  claims: Record<string, unknown> = {},
): Promise<string> =>
  new SignJWT({
    sub: clientId,
    cnf: { jwk: instance.publicJwk },
    wallet_name: 'Hallmark test wallet',
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation+jwt', kid: 'test-wallet-provider' })
    .setIssuer('https://wallet-provider.test')
    .setIssuedAt()
    .sign(trust.provider.privateKey);

/** A key attestation (OID4VCI 1.0 Appendix D) by the test attester for the given keys. */
export const keyAttestation = (trust: TestTrust, keys: WalletKeyPair[], nonce?: string): Promise<string> =>
  new SignJWT({
    attested_keys: keys.map((k) => k.publicJwk),
    key_storage: ['iso_18045_moderate'],
    user_authentication: ['iso_18045_moderate'],
    ...(nonce ? { nonce } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', kid: 'test-key-attester' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(trust.attester.privateKey);
