import { cpus } from 'os';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';

/**
 * ES256 operations per flow, read off the code path (see docs/performance.md):
 * issuer  - POST /token, nonce challenge: the DPoP proof is verified before its nonce is checked (1 verify);
 *           POST /token: DPoP proof (1 verify), access token (1 sign);
 *           POST /credential: access token (1 verify), DPoP proof (1 verify), one key proof per
 *           credential (1 verify each), one SD-JWT VC per credential (1 sign each).
 * wallet  - three DPoP proofs (two at /token, one at /credential), one key proof per credential.
 * A key new to the issuer is imported from the JWK first (counted in "verify with import"): the
 * DPoP key at its first proof (the issuer remembers it for the flow's next three), each key proof's key.
 */
export const perFlow = (batch: number) => ({
  issuer: { signs: 1 + batch, verifies_with_import: 1 + batch, verifies: 3 },
  wallet: { signs: 3 + batch },
});

export interface CryptoCeiling {
  cores: number;
  /** Single thread, jose, P-256. */
  signs_per_second: number;
  verifies_per_second: number;
  verifies_with_jwk_import_per_second: number;
  per_flow: ReturnType<typeof perFlow>;
  /** Every core doing nothing but the issuer's ES256 work. */
  issuer_max_flows_per_second: number;
  /** ... and the wallets' signatures too, as in this benchmark where they share the machine. */
  machine_max_flows_per_second: number;
}

async function rate(seconds: number, op: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() < end) {
    await op();
    n += 1;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Measures jose's ES256 sign and verify rates on one thread, then scales by the core count. */
export async function measureCryptoCeiling(batch: number, seconds = 2): Promise<CryptoCeiling> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const jwt = await new SignJWT({ sub: 'x', aud: 'y', nonce: 'z' })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(privateKey);
  await rate(0.3, () => new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey)); // warm-up
  const signs = await rate(seconds, () =>
    new SignJWT({ sub: 'x', aud: 'y', nonce: 'z' })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey),
  );
  const verifies = await rate(seconds, () => jwtVerify(jwt, publicKey, { algorithms: ['ES256'] }));
  const verifiesWithImport = await rate(seconds, async () =>
    jwtVerify(jwt, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] }),
  );
  const cores = cpus().length;
  const f = perFlow(batch);
  const issuerSeconds =
    f.issuer.signs / signs + f.issuer.verifies / verifies + f.issuer.verifies_with_import / verifiesWithImport;
  const walletSeconds = f.wallet.signs / signs;
  return {
    cores,
    signs_per_second: Math.round(signs),
    verifies_per_second: Math.round(verifies),
    verifies_with_jwk_import_per_second: Math.round(verifiesWithImport),
    per_flow: f,
    issuer_max_flows_per_second: Math.round(cores / issuerSeconds),
    machine_max_flows_per_second: Math.round(cores / (issuerSeconds + walletSeconds)),
  };
}
