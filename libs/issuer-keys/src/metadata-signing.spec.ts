import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKeyPairSync, webcrypto } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ISSUER_KEY_FILES, IssuerKeysError, METADATA_SIGNING_FILES, loadOrCreateIssuerKeys } from './index';

const ISSUER = 'https://issuer.example.com';
const NOW = new Date('2026-12-01T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };

/** An operator's own root and a metadata-signing leaf it issued. */
async function metadataPki() {
  const subtle = webcrypto.subtle;
  const rootKeys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Metadata Root',
    keys: rootKeys,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 1000 * DAY),
    signingAlgorithm: ES256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const leafKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=issuer.example.com metadata',
    issuer: root.subject,
    publicKey: await subtle.importKey(
      'spki',
      leafKeys.publicKey.export({ format: 'der', type: 'spki' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    ),
    signingKey: rootKeys.privateKey,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 200 * DAY),
    signingAlgorithm: ES256,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  return { root, leaf, keyPem: leafKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

describe('the metadata signing key', () => {
  const dirs: string[] = [];
  const devDir = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metadata-keys-'));
    dirs.push(dir);
    await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    return dir;
  };
  const write = (dir: string, name: string, content: string) =>
    writeFileSync(join(dir, name), content, { mode: name.endsWith('.key.pem') ? 0o600 : 0o644 });
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('is the credential signing key and its chain when none is supplied', async () => {
    const keys = await loadOrCreateIssuerKeys({ dir: await devDir(), issuerUrl: ISSUER, now: NOW });
    expect(keys.metadataSigning).toBe(keys.credentialSigning);
  });

  it('is the supplied pair, its chain checked on its own and its root left out of x5c', async () => {
    const dir = await devDir();
    const pki = await metadataPki();
    write(dir, METADATA_SIGNING_FILES.key, pki.keyPem);
    write(dir, METADATA_SIGNING_FILES.chain, [pki.leaf, pki.root].map((c) => c.toString('pem')).join('\n'));
    const keys = await loadOrCreateIssuerKeys({ dir, issuerUrl: ISSUER, now: NOW });
    expect(keys.metadataSigning.kid).not.toBe(keys.credentialSigning.kid);
    expect(keys.metadataSigning.x5c).toEqual([pki.leaf.toString('base64')]);
    expect(keys.metadataSigning.certificateFile).toBe(join(dir, METADATA_SIGNING_FILES.chain));
    expect(keys.credentialSigning.x5c).not.toEqual(keys.metadataSigning.x5c);
    expect(keys.warnings).toEqual([]);
  });

  it('refuses half a pair, a chain of another key, and a key of another purpose', async () => {
    const pki = await metadataPki();
    const other = await metadataPki();
    const halfDir = await devDir();
    write(halfDir, METADATA_SIGNING_FILES.key, pki.keyPem);
    await expect(loadOrCreateIssuerKeys({ dir: halfDir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /metadata-signing\.key\.pem needs .*metadata-signing\.chain\.pem too/,
    );

    const mismatchDir = await devDir();
    write(mismatchDir, METADATA_SIGNING_FILES.key, pki.keyPem);
    write(mismatchDir, METADATA_SIGNING_FILES.chain, other.leaf.toString('pem'));
    await expect(loadOrCreateIssuerKeys({ dir: mismatchDir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /do not match/,
    );

    const reusedDir = await devDir();
    write(
      reusedDir,
      METADATA_SIGNING_FILES.key,
      readFileSync(join(reusedDir, ISSUER_KEY_FILES.accessTokenSigningKey), 'utf8'),
    );
    write(reusedDir, METADATA_SIGNING_FILES.chain, pki.leaf.toString('pem'));
    await expect(loadOrCreateIssuerKeys({ dir: reusedDir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      IssuerKeysError,
    );
    await expect(loadOrCreateIssuerKeys({ dir: reusedDir, issuerUrl: ISSUER, now: NOW })).rejects.toThrow(
      /key of another purpose/,
    );
  });
});
