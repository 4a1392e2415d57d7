import { ES256, digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { issueSdJwtVc, type IssueSdJwtVcOptions } from './sd-jwt-vc';
import { es256Key, expectOid4vcError, rejection, selfSignedCertificate, type TestKey } from './test-support';

const IAT = Math.floor(new Date('2026-11-28T12:00:00Z').getTime() / 1000);
const EXP = IAT + 365 * 24 * 3600;
const VCT = 'urn:eudi:pid:1';
const CLAIMS = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1963-08-12', nationalities: ['DE'] };

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function split(sdJwt: string) {
  const [jwt, ...rest] = sdJwt.split('~');
  const [header, payload] = jwt.split('.').slice(0, 2).map(decodePart);
  const disclosures = rest
    .filter(Boolean)
    .map((d) => JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[]);
  return { header, payload, disclosures };
}

describe('issueSdJwtVc', () => {
  let issuerPrivate: CryptoKey;
  let issuerPublicJwk: JWK;
  let x5c: string[];
  let holder: TestKey;
  let options: IssueSdJwtVcOptions;

  beforeAll(async () => {
    const issuerKey = await es256Key();
    x5c = [await selfSignedCertificate(issuerKey, 'Hallmark test issuer')];
    // The issuer key as production holds it: a non-extractable CryptoKey.
    const pair = await generateKeyPair('ES256');
    issuerPrivate = pair.privateKey;
    issuerPublicJwk = await exportJWK(pair.publicKey);
    holder = await es256Key();
    options = {
      issuerKey: issuerPrivate,
      issuerX5c: x5c,
      issuer: 'https://issuer.example.com',
      vct: VCT,
      holderJwk: holder.publicJwk,
      claims: CLAIMS,
      disclosable: ['given_name', 'family_name', 'birthdate'],
      iat: IAT,
      exp: EXP,
    };
  });

  const verifier = async (jwk: JWK) =>
    new SDJwtVcInstance({ hasher: digest, hashAlg: 'sha-256', verifier: await ES256.getVerifier(jwk) });

  it('issues an SD-JWT VC that @sd-jwt/sd-jwt-vc verifies with the issuer public key', async () => {
    const sdJwt = await issueSdJwtVc(options);
    expect(sdJwt.endsWith('~')).toBe(true);
    const result = await (await verifier(issuerPublicJwk)).verify(sdJwt, { currentDate: IAT + 60 });
    expect(result.header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256', x5c });
    expect(result.payload).toMatchObject({
      iss: 'https://issuer.example.com',
      iat: IAT,
      exp: EXP,
      vct: VCT,
      ...CLAIMS,
    });
    expect((result.payload.cnf as { jwk: JWK }).jwk).toEqual(holder.publicJwk);
    expect(result.kb).toBeUndefined();
  });

  it('fails verification with another key', async () => {
    const other = await es256Key();
    const sdJwt = await issueSdJwtVc(options);
    await expect((await verifier(other.publicJwk)).verify(sdJwt, { currentDate: IAT + 60 })).rejects.toThrow(
      /signature/i,
    );
  });

  it('hides the disclosable claims behind sha-256 digests with 128-bit salts', async () => {
    const { header, payload, disclosures } = split(await issueSdJwtVc(options));
    expect(header).toEqual({ typ: 'dc+sd-jwt', x5c, alg: 'ES256' });
    expect(payload._sd_alg).toBe('sha-256');
    expect(payload).not.toHaveProperty('given_name');
    expect(payload).not.toHaveProperty('family_name');
    expect(payload).not.toHaveProperty('birthdate');
    expect(payload.nationalities).toEqual(['DE']);
    expect(payload.cnf).toEqual({ jwk: holder.publicJwk });
    expect((payload._sd as string[]).length).toBe(3);
    expect(disclosures.map((d) => d[1]).sort()).toEqual(['birthdate', 'family_name', 'given_name']);
    for (const [salt] of disclosures) expect(Buffer.from(salt as string, 'base64url').length).toBe(16);
  });

  it('uses fresh salts and digests for every issuance of the same claims', async () => {
    const first = split(await issueSdJwtVc(options));
    const second = split(await issueSdJwtVc(options));
    const salts = (d: unknown[][]) => d.map(([salt]) => salt);
    const allSalts = new Set([...salts(first.disclosures), ...salts(second.disclosures)]);
    expect(allSalts.size).toBe(6);
    const digests = new Set([...(first.payload._sd as string[]), ...(second.payload._sd as string[])]);
    expect(digests.size).toBe(6);
  });

  it('lets the holder present a subset with a key binding JWT signed by the cnf key', async () => {
    const sdJwt = await issueSdJwtVc(options);
    const holderSide = new SDJwtVcInstance({
      hasher: digest,
      hashAlg: 'sha-256',
      kbSigner: await ES256.getSigner(holder.privateJwk),
      kbSignAlg: 'ES256',
    });
    const presentation = await holderSide.present(
      sdJwt,
      { given_name: true },
      {
        kb: { payload: { iat: IAT + 100, aud: 'https://verifier.example.com', nonce: 'vp-nonce' } },
      },
    );
    const verifierSide = new SDJwtVcInstance({
      hasher: digest,
      hashAlg: 'sha-256',
      verifier: await ES256.getVerifier(issuerPublicJwk),
      kbVerifier: async (data, signature, payload) =>
        (await ES256.getVerifier((payload.cnf as { jwk: JWK }).jwk))(data, signature),
    });
    const result = await verifierSide.verify(presentation, { currentDate: IAT + 120, keyBindingNonce: 'vp-nonce' });
    expect(result.payload.given_name).toBe('Erika');
    expect(result.payload).not.toHaveProperty('family_name');
    expect(result.kb?.payload.aud).toBe('https://verifier.example.com');
  });

  it('refuses input that cannot make a credential', async () => {
    const cases: Array<Partial<IssueSdJwtVcOptions>> = [
      { claims: { ...CLAIMS, vct: 'other' } },
      { claims: { ...CLAIMS, cnf: {} } },
      { disclosable: ['unknown_claim'] },
      { disclosable: ['given_name', 'given_name'] },
      { holderJwk: holder.privateJwk },
      { exp: IAT },
      { issuerX5c: [] },
      { issuerX5c: ['not base64!'] },
      { vct: '' },
    ];
    for (const over of cases) {
      expectOid4vcError(
        await rejection(issueSdJwtVc({ ...options, ...over })),
        'server_error',
        'issuance_input_invalid',
      );
    }
  });

  it('refuses a key that does not fit the alg', async () => {
    const error = await rejection(issueSdJwtVc({ ...options, alg: 'ES384' }));
    expectOid4vcError(error, 'server_error', 'issuance_input_invalid');
  });
});
