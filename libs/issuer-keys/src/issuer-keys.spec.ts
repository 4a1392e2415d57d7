import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKeyPairSync, webcrypto } from 'crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'fs';
import {
  CompactSign,
  SignJWT,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  importX509,
  jwtVerify,
} from 'jose';
import { tmpdir } from 'os';
import { join } from 'path';
import { ISSUER_KEY_FILES, IssuerKeys, IssuerKeysError, loadOrCreateIssuerKeys, publicJwks } from './index';

const ISSUER = 'https://issuer.example.com';
const NOW = new Date('2026-12-01T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const subtle = webcrypto.subtle;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };

let dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'issuer-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

const pemOf = (base64Der: string) =>
  `-----BEGIN CERTIFICATE-----\n${base64Der.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
const certFile = (dir: string, name: string) => new x509.X509Certificate(readFileSync(join(dir, name), 'utf8'));

describe('loadOrCreateIssuerKeys: generated development keys', () => {
  let dir: string;
  let keys: IssuerKeys;
  beforeEach(async () => {
    dir = join(tempDir(), 'keys');
    keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
  });

  it('generates on first start and loads the same keys on the second', async () => {
    expect(keys.created).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([
      'access-token-signing.key.pem',
      'ca.cert.pem',
      'credential-encryption.key.pem',
      'credential-signing.cert.pem',
      'credential-signing.key.pem',
    ]);
    const again = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(again.credentialEncryption.kid).toBe(keys.credentialEncryption.kid);
    expect(again.created).toBe(false);
    expect(again.credentialSigning.kid).toBe(keys.credentialSigning.kid);
    expect(again.accessTokenSigning.kid).toBe(keys.accessTokenSigning.kid);
    expect(again.credentialSigning.x5c).toEqual(keys.credentialSigning.x5c);
    expect(again.caCertificatePem).toBe(keys.caCertificatePem);
    expect(again.warnings).toEqual([]);
    expect(keys.credentialSigning.kid).not.toBe(keys.accessTokenSigning.kid);
  });

  it('has an ECDH-ES encryption key of its own, published without private members', async () => {
    const key = keys.credentialEncryption;
    expect(key.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: key.kid,
      alg: 'ECDH-ES',
      use: 'enc',
    });
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect([keys.credentialSigning.kid, keys.accessTokenSigning.kid]).not.toContain(key.kid);
    expect(key.privateKey.usages).toEqual(['deriveBits']);
    expect(key.privateKey.extractable).toBe(false);
  });

  it('generates the encryption key in a key directory made before it existed', async () => {
    rmSync(join(dir, ISSUER_KEY_FILES.credentialEncryptionKey));
    const again = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(again.credentialSigning.kid).toBe(keys.credentialSigning.kid);
    expect(again.credentialEncryption.kid).not.toBe(keys.credentialEncryption.kid);
    expect((await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).credentialEncryption.kid).toBe(
      again.credentialEncryption.kid,
    );
  });

  it('exposes ES256 public JWKs whose kid is the RFC 7638 thumbprint', async () => {
    for (const key of [keys.credentialSigning, keys.accessTokenSigning]) {
      expect(key.publicJwk).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: key.kid,
        alg: 'ES256',
        use: 'sig',
      });
      expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
      expect(key.privateKey.type).toBe('private');
      expect(key.privateKey.extractable).toBe(false);
    }
  });

  it('issues a development CA and a leaf for the issuer host, and sends only the leaf in x5c', () => {
    const ca = certFile(dir, ISSUER_KEY_FILES.caCertificate);
    const leaf = certFile(dir, ISSUER_KEY_FILES.credentialSigningCertificate);
    expect(ca.subject).toBe('CN=Hallmark Development CA');
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    expect(ca.notAfter.getTime() - NOW.getTime()).toBeGreaterThan(3650 * DAY);

    expect(leaf.subject).toBe('CN=issuer.example.com');
    expect(leaf.issuer).toBe(ca.subject);
    expect(leaf.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dns', value: 'issuer.example.com' },
      { type: 'url', value: ISSUER },
    ]);
    expect(Math.round((leaf.notAfter.getTime() - NOW.getTime()) / DAY)).toBe(365);
    expect(keys.credentialSigning.notAfter).toEqual(leaf.notAfter);

    expect(keys.credentialSigning.x5c).toEqual([leaf.toString('base64')]);
    expect(keys.caCertificatePem).toBe(readFileSync(join(dir, ISSUER_KEY_FILES.caCertificate), 'utf8'));
  });

  it('issues a leaf certificate that verifies against the CA', async () => {
    const ca = new x509.X509Certificate(keys.caCertificatePem!);
    const leaf = new x509.X509Certificate(keys.credentialSigning.certificatePem);
    expect(await leaf.verify({ publicKey: ca.publicKey, date: NOW })).toBe(true);
    const chain = await new x509.X509ChainBuilder({ certificates: [ca] }).build(leaf);
    expect(chain.map((c) => c.subject)).toEqual(['CN=issuer.example.com', 'CN=Hallmark Development CA']);
    expect(await ca.isSelfSigned()).toBe(true);
  });

  it("puts the signing key's public key in the leaf certificate", async () => {
    const leaf = new x509.X509Certificate(keys.credentialSigning.certificatePem);
    const jwk = await subtle.exportKey('jwk', (await leaf.publicKey.export()) as webcrypto.CryptoKey);
    const { x, y, crv, kty } = keys.credentialSigning.publicJwk;
    expect({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }).toEqual({ kty, crv, x, y });
  });

  it('signs a JWS whose x5c header verifies with the key of x5c[0]', async () => {
    const { privateKey, x5c, kid } = keys.credentialSigning;
    const jws = await new CompactSign(new TextEncoder().encode('{"iss":"https://issuer.example.com"}'))
      .setProtectedHeader({ alg: 'ES256', typ: 'dc+sd-jwt', x5c })
      .sign(privateKey);
    const header = decodeProtectedHeader(jws);
    const key = await importX509(pemOf(header.x5c![0]), 'ES256');
    const { payload } = await compactVerify(jws, key);
    expect(JSON.parse(new TextDecoder().decode(payload)).iss).toBe(ISSUER);
    expect(kid).toBe(keys.credentialSigning.publicJwk.kid);
  });

  it('writes the private keys with mode 0600', () => {
    const mode = (name: string) => statSync(join(dir, name)).mode & 0o777;
    expect(mode(ISSUER_KEY_FILES.credentialSigningKey)).toBe(0o600);
    expect(mode(ISSUER_KEY_FILES.accessTokenSigningKey)).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('publishes public JWKs without private members, usable to verify access tokens', async () => {
    const jwks = publicJwks(keys);
    expect(jwks.keys.map((k) => k.kid)).toEqual([keys.credentialSigning.kid, keys.accessTokenSigning.kid]);
    for (const jwk of jwks.keys) expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(JSON.stringify(jwks)).not.toMatch(/"(d|p|q|dp|dq|qi|k)":/);

    const asJwks = publicJwks([keys.accessTokenSigning]);
    expect(asJwks.keys).toHaveLength(1);
    const token = await new SignJWT({ scope: 'pid' })
      .setProtectedHeader({ alg: 'ES256', kid: keys.accessTokenSigning.kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .sign(keys.accessTokenSigning.privateKey);
    const { payload } = await jwtVerify(token, createLocalJWKSet(asJwks), { issuer: ISSUER });
    expect(payload.scope).toBe('pid');
  });

  it('rejects a key that does not match the certificate, naming both files', async () => {
    const other = join(tempDir(), 'other');
    await loadOrCreateIssuerKeys({ dir: other, issuerUrl: ISSUER, now: NOW });
    copyFileSync(join(other, ISSUER_KEY_FILES.credentialSigningKey), join(dir, ISSUER_KEY_FILES.credentialSigningKey));
    const attempt = loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    await expect(attempt).rejects.toThrow(IssuerKeysError);
    await expect(attempt).rejects.toThrow(
      /credential-signing\.key\.pem and .*credential-signing\.cert\.pem do not match/,
    );
  });

  it('rejects an expired leaf and warns 30 days before expiry', async () => {
    const expiry = keys.credentialSigning.notAfter.getTime();
    const soon = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: new Date(expiry - 10 * DAY) });
    expect(soon.warnings).toEqual([
      expect.stringMatching(
        /credential-signing\.cert\.pem: certificate CN=issuer\.example\.com expires on .* \(in 10 days\)/,
      ),
    ]);
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: new Date(expiry + DAY) })).rejects.toThrow(
      /credential-signing\.cert\.pem: certificate CN=issuer\.example\.com expired on/,
    );
  });

  it('refuses an incomplete set instead of generating over it', async () => {
    rmSync(join(dir, ISSUER_KEY_FILES.accessTokenSigningKey));
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /incomplete issuer key set: missing .*access-token-signing\.key\.pem/,
    );
  });

  it('warns when the leaf names another issuer', async () => {
    const loaded = await loadOrCreateIssuerKeys({ dir, issuerUrl: 'https://elsewhere.example.org', now: NOW });
    expect(loaded.warnings).toEqual([expect.stringMatching(/names neither the host "elsewhere\.example\.org"/)]);
  });

  it('warns about a private key readable by others', async () => {
    const { chmodSync } = await import('fs');
    chmodSync(join(dir, ISSUER_KEY_FILES.accessTokenSigningKey), 0o644);
    const loaded = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(loaded.warnings).toEqual([
      expect.stringMatching(/access-token-signing\.key\.pem: private key is readable by group or others \(mode 0644\)/),
    ]);
  });
});

describe('loadOrCreateIssuerKeys: first starts and issuer URLs', () => {
  it('generates once when several callers start on an empty directory', async () => {
    const dir = join(tempDir(), 'keys');
    const all = await Promise.all([1, 2, 3].map(() => loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })));
    expect(all.filter((k) => k.created)).toHaveLength(1);
    expect(new Set(all.map((k) => k.credentialSigning.kid)).size).toBe(1);
    expect(new Set(all.map((k) => k.accessTokenSigning.kid)).size).toBe(1);
    expect(readdirSync(dir)).not.toContain('.issuer-keys.lock');
  });

  it('names an IP host as iPAddress and the URL as URI', async () => {
    const dir = tempDir();
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: 'http://127.0.0.1:8080', now: NOW });
    const leaf = new x509.X509Certificate(keys.credentialSigning.certificatePem);
    expect(leaf.subject).toBe('CN=127.0.0.1');
    expect(leaf.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'ip', value: '127.0.0.1' },
      { type: 'url', value: 'http://127.0.0.1:8080' },
    ]);
    expect(keys.warnings).toEqual([]);
  });

  it('rejects an issuer URL that is not http(s)', async () => {
    await expect(loadOrCreateIssuerKeys({ dir: tempDir(), issuerUrl: 'localhost:8080', now: NOW })).rejects.toThrow(
      /must be http\(s\)/,
    );
    await expect(loadOrCreateIssuerKeys({ dir: tempDir(), issuerUrl: 'not a url', now: NOW })).rejects.toThrow(
      /is not a URL/,
    );
  });
});

/** An operator's PKI: root -> intermediate -> leaf, built with @peculiar/x509. */
async function operatorPki(options: { leafNotAfter?: Date } = {}) {
  const rootKeys = (await subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const intermediateKeys = (await subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafPublic = await subtle.importKey(
    'spki',
    leafKeys.publicKey.export({ format: 'der', type: 'spki' }),
    EC_P256,
    true,
    ['verify'],
  );
  const notBefore = new Date(NOW.getTime() - DAY);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Operator Root, O=Operator',
    keys: rootKeys,
    notBefore,
    notAfter: new Date(NOW.getTime() + 3000 * DAY),
    signingAlgorithm: ES256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const issue = (
    subject: string,
    publicKey: webcrypto.CryptoKey,
    ca: boolean,
    signer: webcrypto.CryptoKey,
    issuer: string,
    notAfter: Date,
  ) =>
    x509.X509CertificateGenerator.create({
      subject,
      issuer,
      publicKey,
      signingKey: signer,
      notBefore,
      notAfter,
      signingAlgorithm: ES256,
      extensions: ca
        ? [
            new x509.BasicConstraintsExtension(true, 0, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
          ]
        : [
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
            new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'issuer.example.com' }]),
          ],
    });
  const intermediate = await issue(
    'CN=Operator Issuing CA',
    intermediateKeys.publicKey,
    true,
    rootKeys.privateKey,
    root.subject,
    new Date(NOW.getTime() + 1000 * DAY),
  );
  const leaf = await issue(
    'CN=issuer.example.com',
    leafPublic,
    false,
    intermediateKeys.privateKey,
    intermediate.subject,
    options.leafNotAfter ?? new Date(NOW.getTime() + 200 * DAY),
  );
  const accessToken = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return {
    root,
    intermediate,
    leaf,
    leafKeyPem: leafKeys.privateKey.export({ format: 'pem', type: 'sec1' }).toString(),
    accessTokenKeyPem: accessToken.export({ format: 'pem', type: 'pkcs8' }).toString(),
    rootKeys,
  };
}

describe('loadOrCreateIssuerKeys: operator-supplied keys and chain', () => {
  const supply = (dir: string, files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(dir, name), content, { mode: name.endsWith('.key.pem') ? 0o600 : 0o644 });
  };

  it('loads a chain file (leaf, intermediate, root) and leaves the root out of x5c', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.intermediate, pki.root]
        .map((c) => c.toString('pem'))
        .join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(keys.created).toBe(false);
    expect(keys.credentialSigning.x5c).toEqual([pki.leaf.toString('base64'), pki.intermediate.toString('base64')]);
    expect(new x509.X509Certificate(keys.caCertificatePem!).subject).toBe(pki.root.subject);
    expect(keys.credentialSigning.certificateFile).toBe(join(dir, ISSUER_KEY_FILES.credentialSigningChain));
    expect(keys.warnings).toEqual([]);
    // The supplied three, and the encryption key generated next to them (0600).
    expect(readdirSync(dir).sort()).toEqual([
      'access-token-signing.key.pem',
      'credential-encryption.key.pem',
      'credential-signing.chain.pem',
      'credential-signing.key.pem',
    ]);
    expect(statSync(join(dir, ISSUER_KEY_FILES.credentialEncryptionKey)).mode & 0o777).toBe(0o600);
  });

  it('prefers the chain file over credential-signing.cert.pem', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningCertificate]: 'not a certificate',
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.intermediate].map((c) => c.toString('pem')).join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(keys.credentialSigning.x5c).toHaveLength(2);
    expect(keys.caCertificatePem).toBeUndefined();
  });

  it('verifies the top of the chain against ca.cert.pem when given', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.intermediate].map((c) => c.toString('pem')).join('\n'),
      [ISSUER_KEY_FILES.caCertificate]: pki.root.toString('pem'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(keys.credentialSigning.x5c).toHaveLength(2);
    expect(keys.caCertificatePem).toBe(`${pki.root.toString('pem')}\n`);

    const stranger = await operatorPki();
    writeFileSync(join(dir, ISSUER_KEY_FILES.caCertificate), stranger.root.toString('pem'));
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /certificate CN=Operator Issuing CA: its signature does not verify with the key of CN=Operator Root, O=Operator \(.*ca\.cert\.pem\)/,
    );
  });

  it('rejects a chain whose links do not verify', async () => {
    const pki = await operatorPki();
    const other = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, other.intermediate, other.root]
        .map((c) => c.toString('pem'))
        .join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /credential-signing\.chain\.pem: certificate CN=issuer\.example\.com: its signature does not verify with the key of CN=Operator Issuing CA/,
    );
  });

  it('rejects a chain in the wrong order', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.root, pki.intermediate]
        .map((c) => c.toString('pem'))
        .join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /is issued by CN=Operator Issuing CA, but the next certificate in the chain is CN=Operator Root/,
    );
  });

  it('rejects a key that is not P-256', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: pki.leaf.toString('pem'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: generateKeyPairSync('ec', { namedCurve: 'P-384' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    });
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /access-token-signing\.key\.pem: the key must be EC P-256 \(ES256\), found EC P-384/,
    );
  });

  it('rejects the same key for credentials and access tokens', async () => {
    const pki = await operatorPki();
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.intermediate].map((c) => c.toString('pem')).join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.leafKeyPem,
    });
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(/hold the same key/);
  });

  it('rejects an expired leaf', async () => {
    const pki = await operatorPki({ leafNotAfter: new Date(NOW.getTime() - 1000) });
    const dir = tempDir();
    supply(dir, {
      [ISSUER_KEY_FILES.credentialSigningKey]: pki.leafKeyPem,
      [ISSUER_KEY_FILES.credentialSigningChain]: [pki.leaf, pki.intermediate].map((c) => c.toString('pem')).join('\n'),
      [ISSUER_KEY_FILES.accessTokenSigningKey]: pki.accessTokenKeyPem,
    });
    await expect(loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /certificate CN=issuer\.example\.com expired on/,
    );
  });
});
