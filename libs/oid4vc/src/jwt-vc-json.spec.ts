import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { didJwkFromJwk } from './did';
import { issueJwtVcJson, type IssueJwtVcJsonOptions } from './jwt-vc-json';
import { es256Key, expectOid4vcError, rejection, selfSignedCertificate, type TestKey } from './test-support';

const IAT = Math.floor(new Date('2026-11-28T12:00:00Z').getTime() / 1000);
const EXP = IAT + 30 * 24 * 3600;

describe('issueJwtVcJson', () => {
  let issuerPublic: CryptoKey;
  let holder: TestKey;
  let options: IssueJwtVcJsonOptions;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    issuerPublic = pair.publicKey;
    holder = await es256Key();
    const certificate = await selfSignedCertificate(await es256Key());
    options = {
      issuerKey: pair.privateKey,
      issuerX5c: [certificate],
      issuer: 'https://issuer.example.com',
      type: ['VerifiableCredential', 'AgeVerificationCredential'],
      holderJwk: holder.publicJwk,
      claims: { age_over_18: true },
      iat: IAT,
      exp: EXP,
    };
  });

  it('issues a VCDM 1.1 JWT bound to the holder key by cnf', async () => {
    const jwt = await issueJwtVcJson(options);
    const { payload, protectedHeader } = await jwtVerify(jwt, issuerPublic, {
      currentDate: new Date((IAT + 60) * 1000),
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', x5c: options.issuerX5c });
    expect(payload).toEqual({
      iss: 'https://issuer.example.com',
      iat: IAT,
      nbf: IAT,
      exp: EXP,
      cnf: { jwk: holder.publicJwk },
      vc: {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiableCredential', 'AgeVerificationCredential'],
        issuer: 'https://issuer.example.com',
        issuanceDate: '2026-11-28T12:00:00Z',
        expirationDate: '2026-12-28T12:00:00Z',
        credentialSubject: { age_over_18: true },
      },
    });
  });

  it('binds by sub when the holder key was named by a DID', async () => {
    const holderDid = didJwkFromJwk(holder.publicJwk);
    const jwt = await issueJwtVcJson({ ...options, holderDid, id: 'urn:uuid:7d3c4a50-1b4f-4b52-a1de-6a1f2c1a0e11' });
    const { payload } = await jwtVerify(jwt, issuerPublic, { currentDate: new Date((IAT + 60) * 1000) });
    expect(payload.sub).toBe(holderDid);
    expect(payload.jti).toBe('urn:uuid:7d3c4a50-1b4f-4b52-a1de-6a1f2c1a0e11');
    expect(payload).not.toHaveProperty('cnf');
    expect(payload.vc).toMatchObject({ id: payload.jti, credentialSubject: { id: holderDid, age_over_18: true } });
  });

  it('does not verify with another key', async () => {
    const other = await generateKeyPair('ES256');
    await expect(jwtVerify(await issueJwtVcJson(options), other.publicKey)).rejects.toThrow();
  });

  it('refuses input that cannot make a credential', async () => {
    const cases: Array<Partial<IssueJwtVcJsonOptions>> = [
      { type: ['AgeVerificationCredential'] },
      { claims: { id: 'did:example:1' } },
      { holderJwk: holder.privateJwk as JWK },
      { exp: IAT - 1 },
      { issuerX5c: [] },
    ];
    for (const over of cases) {
      expectOid4vcError(
        await rejection(issueJwtVcJson({ ...options, ...over })),
        'server_error',
        'issuance_input_invalid',
      );
    }
  });

  it('signs with an exported private JWK too', async () => {
    const key = await es256Key();
    const jwt = await issueJwtVcJson({ ...options, issuerKey: key.privateJwk });
    expect(decodeProtectedHeader(jwt).alg).toBe('ES256');
    await expect(jwtVerify(jwt, key.publicKey, { currentDate: new Date((IAT + 60) * 1000) })).resolves.toBeDefined();
    expect(await exportJWK(key.publicKey)).toEqual(key.publicJwk);
  });
});
