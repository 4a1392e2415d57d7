import { jwkThumbprint } from './jwk';
import { verifyKeyAttestation } from './key-attestation';
import {
  es256Key,
  expectOid4vcError,
  issuedCertificate,
  rejection,
  selfSignedCertificate,
  signJws,
  type TestKey,
} from './test-support';

const now = new Date('2026-11-28T12:00:00Z');
const t = Math.floor(now.getTime() / 1000);

describe('verifyKeyAttestation (OID4VCI 1.0 Appendix D.1)', () => {
  let attester: TestKey;
  let root: TestKey;
  let holder: TestKey;
  let rootCert: string;
  let leafCert: string;

  beforeAll(async () => {
    [attester, root, holder] = await Promise.all([es256Key(), es256Key(), es256Key()]);
    rootCert = await selfSignedCertificate(root, 'Key attester root');
    leafCert = await issuedCertificate(attester, root, 'Key attester root', 'Key attester');
  });

  const attestation = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = attester) =>
    signJws(
      { alg: 'ES256', typ: 'key-attestation+jwt', x5c: [leafCert], ...header },
      {
        iat: t,
        attested_keys: [holder.publicJwk],
        key_storage: ['iso_18045_moderate'],
        user_authentication: ['iso_18045_moderate'],
        ...claims,
      },
      key.privateKey,
    );

  it('returns the attested keys and their levels', async () => {
    const verified = await verifyKeyAttestation(await attestation({ nonce: 'n-1' }), {
      trustedAttesters: { roots: [rootCert] },
      now,
    });
    expect(verified.attestedKeyThumbprints).toEqual([await jwkThumbprint(holder.publicJwk)]);
    expect(verified).toMatchObject({
      keyStorage: ['iso_18045_moderate'],
      userAuthentication: ['iso_18045_moderate'],
      nonce: 'n-1',
      trustedBy: 'x5c:CN=Key attester',
    });
  });

  it.each([
    ['a bad signature', () => attestation({}, {}, holder), 'key_attestation_untrusted'],
    [
      'an untrusted chain',
      async () => attestation({}, { x5c: [await selfSignedCertificate(attester)] }),
      'key_attestation_untrusted',
    ],
    ['an expired attestation', () => attestation({ exp: t - 10 }), 'key_attestation_expired'],
    ['the wrong typ', () => attestation({}, { typ: 'JWT' }), 'key_attestation_invalid'],
    ['no attested_keys', () => attestation({ attested_keys: [] }), 'key_attestation_invalid'],
    [
      'a private key among attested_keys',
      () => attestation({ attested_keys: [holder.privateJwk] }),
      'key_attestation_invalid',
    ],
    ['no iat', () => attestation({ iat: undefined }), 'key_attestation_invalid'],
  ] as const)('refuses %s with invalid_proof', async (_case, make, reason) => {
    expectOid4vcError(
      await rejection(verifyKeyAttestation(await make(), { trustedAttesters: { roots: [rootCert] }, now })),
      'invalid_proof',
      reason,
    );
  });
});
