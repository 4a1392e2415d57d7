import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { parseIssuerConfig } from '@hallmark/issuer-config';
import { jwkThumbprint, type VerifiedCredentialProof } from '@hallmark/oid4vc';
import { KeyAttestations } from './key-attestations';

describe('key attestations at the credential endpoint', () => {
  const now = new Date();
  let attester: Awaited<ReturnType<typeof generateKeyPair>>;
  let holder: JWK;
  let other: JWK;
  let service: KeyAttestations;

  beforeAll(async () => {
    attester = await generateKeyPair('ES256');
    holder = await exportJWK((await generateKeyPair('ES256')).publicKey);
    other = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const config = parseIssuerConfig({
      credential_configurations_supported: { pid: { format: 'dc+sd-jwt', vct: 'urn:pid' } },
      authorization: { trusted_key_attesters: { keys: [{ ...(await exportJWK(attester.publicKey)), kid: 'ka' }] } },
    });
    service = new KeyAttestations(config);
  });

  const attestation = (keys: JWK[]) =>
    new SignJWT({ attested_keys: keys })
      .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', kid: 'ka' })
      .setIssuedAt()
      .sign(attester.privateKey);
  const proof = (keyAttestation?: string): VerifiedCredentialProof => ({
    holderJwk: holder,
    keySource: 'jwk',
    nonce: 'n',
    iat: 0,
    alg: 'ES256',
    ...(keyAttestation ? { keyAttestation } : {}),
  });

  it('follows the session when the configuration does not require attestations for all', () => {
    expect(service.required(true)).toBe(true);
    expect(service.required(false)).toBe(false);
    const all = new KeyAttestations(
      parseIssuerConfig({
        credential_configurations_supported: { pid: { format: 'dc+sd-jwt', vct: 'urn:pid' } },
        authorization: { key_attestations_required: true },
      }),
    );
    expect(all.required(false)).toBe(true);
  });

  it('finds the keys a trusted attestation covers', async () => {
    await expect(service.findings([proof(await attestation([holder, other]))], now)).resolves.toEqual([
      { status: 'verified', attestedKeyThumbprints: [await jwkThumbprint(holder), await jwkThumbprint(other)] },
    ]);
  });

  it('finds a missing attestation, and one that does not verify, per proof', async () => {
    const untrusted = await generateKeyPair('ES256');
    const forged = await new SignJWT({ attested_keys: [holder] })
      .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', kid: 'ka' })
      .setIssuedAt()
      .sign(untrusted.privateKey);
    const [missing, invalid] = await service.findings([proof(), proof(forged)], now);
    expect(missing).toEqual({ status: 'missing' });
    expect(invalid).toMatchObject({ status: 'invalid', refusal: { error: 'invalid_proof' } });
  });

  it('lets one attestation bind all 60 keys of a batch: in each jwt proof, or as one attestation proof', async () => {
    const holders = await Promise.all(
      Array.from({ length: 60 }, async () => exportJWK((await generateKeyPair('ES256')).publicKey)),
    );
    const shared = await attestation(holders);
    const thumbprints = await Promise.all(holders.map((h) => jwkThumbprint(h)));
    const findings = await service.findings(
      holders.map((holderJwk) => ({ ...proof(shared), holderJwk })),
      now,
    );
    expect(findings).toHaveLength(60);
    for (const finding of findings)
      expect(finding).toEqual({ status: 'verified', attestedKeyThumbprints: thumbprints });

    const proofType = await new SignJWT({ attested_keys: holders, nonce: 'n' })
      .setProtectedHeader({ alg: 'ES256', typ: 'key-attestation+jwt', kid: 'ka' })
      .setIssuedAt()
      .sign(attester.privateKey);
    const attested = await service.verifyAttestationProof(proofType, now, async (n) => n === 'n');
    expect(await Promise.all(attested.holderJwks.map((k) => jwkThumbprint(k)))).toEqual(thumbprints);
  });
});
