import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadIssuerConfig } from '@hallmark/issuer-config';
import { loadOrCreateIssuerKeys } from '@hallmark/issuer-keys';
import { issuerMetadata } from './issuer-metadata';
import { SIGNED_METADATA_TYP, signIssuerMetadata, wantsSignedMetadata } from './signed-metadata';

const pem = (der: string) => `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----`;

describe('signed issuer metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallmark-signed-metadata-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a JWS typed openidvci-issuer-metadata+jwt with sub, iat and every parameter, verified by its x5c chain up to the CA', async () => {
    const issuer = 'https://issuer.example';
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: issuer });
    const metadata = issuerMetadata(loadIssuerConfig(join(__dirname, '../../../../config/issuer.json')), issuer);
    const now = new Date('2026-12-04T12:00:00Z');
    const jwt = await signIssuerMetadata(metadata, keys.credentialSigning, now);

    const header = decodeProtectedHeader(jwt);
    expect(header).toMatchObject({ alg: 'ES256', typ: SIGNED_METADATA_TYP });
    expect(header.x5c).toEqual(keys.credentialSigning.x5c);
    const ca = new x509.X509Certificate(keys.caCertificatePem!);
    // The chain leaves the root out: no certificate of x5c is the trust anchor.
    expect(header.x5c!.map((c) => new x509.X509Certificate(c).subject)).not.toContain(ca.subject);
    const leaf = new x509.X509Certificate(header.x5c![0]);
    expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    await compactVerify(jwt, await importX509(pem(header.x5c![0]), 'ES256'));

    expect(decodeJwt(jwt)).toEqual({ ...metadata, sub: issuer, iat: now.getTime() / 1000 });
    // A tampered payload does not verify.
    const [h, , s] = jwt.split('.');
    const forged = Buffer.from(JSON.stringify({ ...metadata, credential_endpoint: 'https://evil.example' })).toString(
      'base64url',
    );
    await expect(
      compactVerify(`${h}.${forged}.${s}`, await importX509(pem(header.x5c![0]), 'ES256')),
    ).rejects.toThrow();
  });

  it.each([
    ['application/jwt', true],
    ['application/jwt, application/json;q=0.5', true],
    ['application/json;q=0.9, application/jwt', true],
    ['application/json', false],
    ['application/json, application/jwt', false],
    ['application/jwt;q=0, application/json', false],
    ['*/*', false],
    ['application/*, application/jwt', false], // a tie: JSON
    [undefined, false],
    ['', false],
  ])('Accept %s asks for the signed form: %s', (accept, signed) => {
    expect(wantsSignedMetadata(accept)).toBe(signed);
  });
});
