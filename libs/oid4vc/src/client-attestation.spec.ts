import { verifyClientAttestation, type VerifyClientAttestationOptions } from './client-attestation';
import {
  es256Key,
  expectOid4vcError,
  issuedCertificate,
  rejection,
  selfSignedCertificate,
  signJws,
  type TestKey,
} from './test-support';

const AS = 'https://issuer.example';
const now = new Date('2026-11-28T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('verifyClientAttestation (wallet attestation, attest_jwt_client_auth)', () => {
  let provider: TestKey;
  let instance: TestKey;
  let other: TestKey;

  beforeAll(async () => {
    [provider, instance, other] = await Promise.all([es256Key(), es256Key(), es256Key()]);
  });

  const attestation = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = provider) =>
    signJws(
      { alg: 'ES256', typ: 'oauth-client-attestation+jwt', kid: 'wp-1', ...header },
      {
        iss: 'https://wallet-provider.example',
        sub: 'did:jwk:wallet',
        exp: t + 3600,
        iat: t,
        cnf: { jwk: instance.publicJwk },
        ...claims,
      },
      key.privateKey,
    );
  const pop = (claims: Record<string, unknown> = {}, key = instance) =>
    signJws(
      { alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' },
      { iss: 'did:jwk:wallet', aud: AS, jti: 'pop-1', iat: t, ...claims },
      key.privateKey,
    );
  const options = async (
    over: Partial<VerifyClientAttestationOptions> = {},
  ): Promise<VerifyClientAttestationOptions> => ({
    attestation: await attestation(),
    pop: await pop(),
    clientId: 'did:jwk:wallet',
    audience: AS,
    trustedWalletProviders: { keys: [{ ...provider.publicJwk, kid: 'wp-1' }] },
    now,
    ...over,
  });

  it('accepts an attestation of a trusted provider with a fresh PoP by the instance key', async () => {
    const verified = await verifyClientAttestation(await options());
    expect(verified).toMatchObject({
      clientId: 'did:jwk:wallet',
      walletProvider: 'https://wallet-provider.example',
      trustedBy: 'kid:wp-1',
      popJti: 'pop-1',
    });
    expect(verified.instanceJkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('trusts a provider by an x5c chain to a configured root (root not in the chain)', async () => {
    const root = await selfSignedCertificate(other, 'Wallet provider root');
    const leaf = await issuedCertificate(provider, other, 'Wallet provider root', 'Wallet provider');
    const verified = await verifyClientAttestation(
      await options({
        attestation: await attestation({}, { kid: undefined, x5c: [leaf] }),
        trustedWalletProviders: { roots: [root] },
      }),
    );
    expect(verified.trustedBy).toBe('x5c:CN=Wallet provider');
    const notAnchored = await rejection(
      verifyClientAttestation(
        await options({
          attestation: await attestation({}, { kid: undefined, x5c: [leaf] }),
          trustedWalletProviders: { roots: [await selfSignedCertificate(instance)] },
        }),
      ),
    );
    expectOid4vcError(notAnchored, 'invalid_client_attestation', 'client_attestation_untrusted');
  });

  it.each([
    [
      'headers absent',
      async () => ({ attestation: undefined, pop: undefined }),
      'invalid_client',
      'client_attestation_missing',
    ],
    ['PoP absent', async () => ({ pop: undefined }), 'invalid_client', 'client_attestation_missing'],
    [
      'bad attestation signature',
      async () => ({ attestation: await attestation({}, {}, other) }),
      'invalid_client_attestation',
      'client_attestation_untrusted',
    ],
    [
      'attestation exp in the past',
      async () => ({ attestation: await attestation({ exp: t - 1 }) }),
      'invalid_client_attestation',
      'client_attestation_expired',
    ],
    [
      'no sub',
      async () => ({ attestation: await attestation({ sub: undefined }) }),
      'invalid_client_attestation',
      'client_attestation_invalid',
    ],
    [
      'no cnf',
      async () => ({ attestation: await attestation({ cnf: undefined }) }),
      'invalid_client_attestation',
      'client_attestation_invalid',
    ],
    [
      'wrong typ',
      async () => ({ attestation: await attestation({}, { typ: 'JWT' }) }),
      'invalid_client_attestation',
      'client_attestation_invalid',
    ],
    [
      'client_id other than sub',
      async () => ({ clientId: 'did:jwk:other' }),
      'invalid_client_attestation',
      'client_attestation_client_id_mismatch',
    ],
    [
      'bad PoP signature',
      async () => ({ pop: `${(await pop()).slice(0, -4)}AAAA` }),
      'invalid_client_attestation',
      'client_attestation_pop_invalid',
    ],
    [
      'PoP signed by a key other than cnf.jwk',
      async () => ({ pop: await pop({}, other) }),
      'invalid_client_attestation',
      'client_attestation_pop_invalid',
    ],
    [
      'PoP with a wrong aud',
      async () => ({ pop: await pop({ aud: 'https://other.example' }) }),
      'invalid_client_attestation',
      'client_attestation_pop_audience',
    ],
    [
      'PoP an hour old',
      async () => ({ pop: await pop({ iat: t - 3600 }) }),
      'use_fresh_attestation',
      'client_attestation_pop_stale',
    ],
    [
      'PoP without the challenge',
      async () => ({ expectedChallenges: ['c-1'] }),
      'use_attestation_challenge',
      'client_attestation_challenge_required',
    ],
  ] as const)('refuses: %s', async (_case, change, error, reason) => {
    expectOid4vcError(await rejection(verifyClientAttestation(await options(await change()))), error, reason);
  });

  it('accepts the challenge in the PoP when one is asked for', async () => {
    await expect(
      verifyClientAttestation(await options({ pop: await pop({ challenge: 'c-1' }), expectedChallenges: ['c-1'] })),
    ).resolves.toMatchObject({ clientId: 'did:jwk:wallet' });
  });
});
