// @peculiar/x509 resolves its services through tsyringe, which needs a Reflect metadata polyfill
// loaded first. NestJS apps load one anyway; importing it here keeps the library usable on its own.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPublicKey, randomBytes, webcrypto } from 'crypto';
import { isIP } from 'net';

/** Node's WebCrypto, passed explicitly so nothing depends on @peculiar/x509's global provider. */
const nodeCrypto: NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]> = webcrypto;
const subtle = webcrypto.subtle;

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ES256_SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export const DEVELOPMENT_CA_NAME = 'Hallmark Development CA';
/** Certificates expiring within this many days produce a warning on load. */
export const EXPIRY_WARNING_DAYS = 30;

export class IssuerKeysError extends Error {
  override name = 'IssuerKeysError';
}

export interface DevelopmentCertificates {
  caCertificatePem: string;
  credentialSigningKeyPkcs8: Buffer;
  credentialSigningCertificatePem: string;
}

/**
 * A development CA (its private key is used once, here, and never stored) and the credential
 * signing key with a leaf certificate issued by it for the issuer URL's host.
 */
export async function createDevelopmentCertificates(issuerUrl: URL, now: Date): Promise<DevelopmentCertificates> {
  const caKeys = (await subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leafKeys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  // A few minutes back-dated, so a verifier whose clock is slightly behind accepts them at once.
  const notBefore = new Date(now.getTime() - 5 * 60 * 1000);

  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: [{ CN: [DEVELOPMENT_CA_NAME] }],
      notBefore,
      notAfter: new Date(now.getTime() + 3652 * DAY_MS),
      signingAlgorithm: ES256_SIGNATURE,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );

  const host = bareHostname(issuerUrl);
  const names: Array<{ type: 'dns' | 'ip' | 'url'; value: string }> = [
    isIP(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
    { type: 'url', value: issuerUrl.href.replace(/\/$/, '') },
  ];
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: [{ CN: [host] }],
      issuer: ca.subjectName,
      notBefore,
      notAfter: new Date(now.getTime() + 365 * DAY_MS),
      signingAlgorithm: ES256_SIGNATURE,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.SubjectAlternativeNameExtension(names, false),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, nodeCrypto),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );

  return {
    caCertificatePem: `${ca.toString('pem')}\n`,
    credentialSigningKeyPkcs8: Buffer.from(await subtle.exportKey('pkcs8', leafKeys.privateKey)),
    credentialSigningCertificatePem: `${leaf.toString('pem')}\n`,
  };
}

/** Every CERTIFICATE block of a PEM file, in file order. */
export function readCertificatesPem(pem: string, file: string): x509.X509Certificate[] {
  let certificates: x509.X509Certificate[];
  try {
    certificates = x509.PemConverter.decodeWithHeaders(pem)
      .filter((block) => block.type === 'CERTIFICATE')
      .map((block) => new x509.X509Certificate(block.rawData));
  } catch (err) {
    throw new IssuerKeysError(`${file}: cannot parse the certificates: ${(err as Error).message}`);
  }
  if (certificates.length === 0) throw new IssuerKeysError(`${file}: no "BEGIN CERTIFICATE" block found`);
  return certificates;
}

export interface CertificateSource {
  certificate: x509.X509Certificate;
  file: string;
}

export interface ValidatedChain {
  /** base64 DER, leaf first, without a self-signed trust anchor when there is more than one certificate. */
  x5c: string[];
  leaf: x509.X509Certificate;
  trustAnchorPem?: string;
  warnings: string[];
}

/**
 * Checks a credential-signing chain: the leaf carries the signing key, every certificate is
 * valid at `now`, each one is signed by the next (and the last by the trust anchor when one is
 * given separately), and every issuing certificate is a CA.
 */
export async function validateChain(params: {
  chain: CertificateSource[];
  trustAnchor?: CertificateSource;
  signingKeyJwk: { kty: string; crv?: string; x?: string; y?: string };
  signingKeyFile: string;
  now: Date;
}): Promise<ValidatedChain> {
  const { chain, trustAnchor, signingKeyJwk, signingKeyFile, now } = params;
  const leaf = chain[0];
  const warnings: string[] = [];

  const leafJwk = spkiToJwk(leaf);
  if (leafJwk.kty !== 'EC' || leafJwk.crv !== 'P-256') {
    throw new IssuerKeysError(
      `${leaf.file}: the leaf certificate's key must be EC P-256 (ES256), found ${describeJwk(leafJwk)}`,
    );
  }
  if (leafJwk.x !== signingKeyJwk.x || leafJwk.y !== signingKeyJwk.y) {
    throw new IssuerKeysError(
      `${signingKeyFile} and ${leaf.file} do not match: the private key is not the key of the leaf certificate (${leaf.certificate.subject})`,
    );
  }
  const usage = leaf.certificate.getExtension(x509.KeyUsagesExtension);
  if (usage && !(usage.usages & x509.KeyUsageFlags.digitalSignature)) {
    throw new IssuerKeysError(
      `${leaf.file}: the leaf certificate (${leaf.certificate.subject}) does not allow digitalSignature`,
    );
  }

  const all = trustAnchor ? [...chain, trustAnchor] : chain;
  for (const item of all) {
    const { notBefore, notAfter, subject } = item.certificate;
    if (now < notBefore)
      throw new IssuerKeysError(`${item.file}: certificate ${subject} is not valid before ${notBefore.toISOString()}`);
    if (now > notAfter)
      throw new IssuerKeysError(`${item.file}: certificate ${subject} expired on ${notAfter.toISOString()}`);
    const daysLeft = (notAfter.getTime() - now.getTime()) / DAY_MS;
    if (daysLeft <= EXPIRY_WARNING_DAYS) {
      warnings.push(
        `${item.file}: certificate ${subject} expires on ${notAfter.toISOString()} (in ${Math.floor(daysLeft)} days)`,
      );
    }
  }
  for (let i = 0; i + 1 < all.length; i++) await verifyLink(all[i], all[i + 1]);

  const last = chain[chain.length - 1];
  const lastIsRoot = chain.length > 1 && (await isSelfSigned(last.certificate));
  if (lastIsRoot) await verifyLink(last, last);
  const anchor = trustAnchor ?? (lastIsRoot ? last : undefined);
  const x5cCertificates = lastIsRoot ? chain.slice(0, -1) : chain;
  return {
    x5c: x5cCertificates.map((item) => item.certificate.toString('base64')),
    leaf: leaf.certificate,
    trustAnchorPem: anchor ? `${anchor.certificate.toString('pem')}\n` : undefined,
    warnings,
  };
}

/** Warning when the leaf names neither the issuer URL's host (dNSName, iPAddress) nor the URL itself. */
export function issuerNameWarning(leaf: x509.X509Certificate, issuerUrl: URL, file: string): string | undefined {
  const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
  const host = bareHostname(issuerUrl).toLowerCase();
  const url = issuerUrl.href.replace(/\/$/, '');
  const matches = (san?.names.items ?? []).some(
    (name) =>
      ((name.type === 'dns' || name.type === 'ip') && name.value.toLowerCase() === host) ||
      (name.type === 'url' && name.value.replace(/\/$/, '') === url),
  );
  return matches
    ? undefined
    : `${file}: the leaf certificate's subjectAltName names neither the host "${host}" nor the URL "${url}" of the credential issuer`;
}

/** The certificate's public key as a JWK (no private members exist in an SPKI). */
export function spkiToJwk(source: CertificateSource): webcrypto.JsonWebKey {
  try {
    return createPublicKey({
      key: Buffer.from(source.certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    }).export({ format: 'jwk' });
  } catch (err) {
    throw new IssuerKeysError(
      `${source.file}: unsupported public key in certificate ${source.certificate.subject}: ${(err as Error).message}`,
    );
  }
}

export function describeJwk(jwk: { kty?: string; crv?: string }): string {
  return jwk.crv ? `${jwk.kty} ${jwk.crv}` : String(jwk.kty);
}

async function verifyLink(child: CertificateSource, parent: CertificateSource): Promise<void> {
  const what = `${child.file}: certificate ${child.certificate.subject}`;
  const by = child === parent ? 'itself' : `${parent.certificate.subject} (${parent.file})`;
  if (child.certificate.issuer !== parent.certificate.subject) {
    throw new IssuerKeysError(
      `${what} is issued by ${child.certificate.issuer}, but the next certificate in the chain is ${by}`,
    );
  }
  const constraints = parent.certificate.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca)
    throw new IssuerKeysError(
      `${parent.file}: certificate ${parent.certificate.subject} signs ${child.certificate.subject} but is not a CA (basicConstraints)`,
    );
  const usage = parent.certificate.getExtension(x509.KeyUsagesExtension);
  if (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign)) {
    throw new IssuerKeysError(`${parent.file}: certificate ${parent.certificate.subject} does not allow keyCertSign`);
  }
  let valid = false;
  try {
    valid = await child.certificate.verify(
      { publicKey: parent.certificate.publicKey, signatureOnly: true },
      nodeCrypto,
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new IssuerKeysError(`${what}: its signature does not verify with the key of ${by}`);
}

async function isSelfSigned(certificate: x509.X509Certificate): Promise<boolean> {
  try {
    return await certificate.isSelfSigned(nodeCrypto);
  } catch {
    return false;
  }
}

/** URL.hostname keeps IPv6 addresses in brackets; names and SANs use the bare address. */
function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 allows up to 20 octets). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}
