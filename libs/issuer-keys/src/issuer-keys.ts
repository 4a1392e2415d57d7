import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto } from 'crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  readFileSync,
  writeFileSync,
} from 'fs';
import { calculateJwkThumbprint } from 'jose';
import { join } from 'path';
import {
  CertificateSource,
  IssuerKeysError,
  createDevelopmentCertificates,
  describeJwk,
  issuerNameWarning,
  readCertificatesPem,
  validateChain,
} from './certificates';
import { loadMetadataSigningKey } from './metadata-signing';

export { METADATA_SIGNING_FILES } from './metadata-signing';
export { DEVELOPMENT_CA_NAME, EXPIRY_WARNING_DAYS, IssuerKeysError } from './certificates';

/**
 * The files of a key directory. Generated on first start when none of them exists; otherwise
 * loaded (an operator may supply all of them):
 *
 * - `credential-signing.key.pem`: the credential signing key (P-256, PKCS#8 or SEC1, unencrypted, 0600);
 * - `credential-signing.chain.pem`: its certificate chain, leaf first, then intermediates, the trust
 *   anchor optional. Takes precedence over `credential-signing.cert.pem`;
 * - `credential-signing.cert.pem`: the leaf certificate (used when there is no chain file);
 * - `ca.cert.pem`: optional trust anchor that issued the last certificate of the chain (the generated
 *   development CA);
 * - `access-token-signing.key.pem`: the access-token signing key (P-256, no certificate, 0600);
 * - `credential-encryption.key.pem`: the key wallets encrypt credential requests to (P-256, ECDH-ES,
 *   0600); generated when missing, also in a directory generated before it existed.
 */
export const ISSUER_KEY_FILES = {
  caCertificate: 'ca.cert.pem',
  credentialSigningKey: 'credential-signing.key.pem',
  credentialSigningCertificate: 'credential-signing.cert.pem',
  credentialSigningChain: 'credential-signing.chain.pem',
  accessTokenSigningKey: 'access-token-signing.key.pem',
  credentialEncryptionKey: 'credential-encryption.key.pem',
} as const;

const LOCK_FILE = '.issuer-keys.lock';
const STALE_LOCK_MS = 30_000;

/** A public ES256 signing key: RFC 7638 thumbprint as `kid`, never a private member. */
export interface PublicSigningJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface IssuerSigningKey {
  kid: string;
  alg: 'ES256';
  /** Non-extractable ECDSA P-256 key with usage `sign`; jose accepts it as is. */
  privateKey: webcrypto.CryptoKey;
  publicJwk: PublicSigningJwk;
  /** The file the private key was read from. */
  keyFile: string;
}

export interface CredentialSigningKey extends IssuerSigningKey {
  /** For the JWS `x5c` header: base64 DER, leaf first, without a self-signed trust anchor. */
  x5c: string[];
  /** The leaf certificate, PEM. */
  certificatePem: string;
  /** The leaf's expiry. */
  notAfter: Date;
  /** The file the chain was read from (`credential-signing.chain.pem` or `.cert.pem`). */
  certificateFile: string;
}

/** A public ECDH-ES encryption key (OID4VCI 1.0 Section 10): RFC 7638 thumbprint as `kid`, never a private member. */
export interface PublicEncryptionJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ECDH-ES';
  use: 'enc';
}

export interface IssuerEncryptionKey {
  kid: string;
  /** Non-extractable ECDH P-256 key with usage `deriveBits`; jose accepts it as is. */
  privateKey: webcrypto.CryptoKey;
  publicJwk: PublicEncryptionJwk;
  keyFile: string;
}

export interface IssuerKeys {
  credentialSigning: CredentialSigningKey;
  accessTokenSigning: IssuerSigningKey;
  /** Signs the issuer metadata: the supplied `metadata-signing.*` pair, else the credential signing key (`metadata-signing.ts`). */
  metadataSigning: CredentialSigningKey;
  /** The key wallets encrypt credential requests to (`credential_request_encryption.jwks`). */
  credentialEncryption: IssuerEncryptionKey;
  /**
   * The trust anchor's certificate, PEM (the development CA when generated), for tests and
   * wallets in development to trust; undefined when an operator's chain stops below its root.
   */
  caCertificatePem?: string;
  /** True when this call generated the keys. */
  created: boolean;
  /** Conditions to log at warn level: certificates expiring within 30 days, lax file modes, a leaf naming another host. */
  warnings: string[];
}

/**
 * The issuer's signing keys from `dir`: loaded and checked when the directory holds them,
 * generated (development CA, credential signing key and leaf certificate, access-token key)
 * when it holds none of the key files. Concurrent first starts on one directory generate once.
 */
export async function loadOrCreateIssuerKeys(options: {
  dir: string;
  issuerUrl: string;
  now?: Date;
}): Promise<IssuerKeys> {
  const { dir } = options;
  const now = options.now ?? new Date();
  const issuerUrl = parseIssuerUrl(options.issuerUrl);

  let created = false;
  if (presentFiles(dir).length === 0) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lock = tryLock(dir);
    if (lock !== undefined) {
      try {
        if (presentFiles(dir).length === 0) {
          await generate(dir, issuerUrl, now);
          created = true;
        }
      } finally {
        closeSync(lock);
        rmSync(join(dir, LOCK_FILE), { force: true });
      }
    }
  }
  await waitWhileLocked(dir);
  return { ...(await load(dir, issuerUrl, now)), created };
}

/** The public halves as a JWK Set (for a `jwks_uri` or `jwks` metadata), without `d` or any other private member. */
export function publicJwks(keys: IssuerKeys | readonly IssuerSigningKey[]): { keys: PublicSigningJwk[] } {
  const list = Array.isArray(keys)
    ? (keys as readonly IssuerSigningKey[])
    : [(keys as IssuerKeys).credentialSigning, (keys as IssuerKeys).accessTokenSigning];
  return {
    keys: list.map(({ publicJwk: { kty, crv, x, y, kid, alg, use } }) => ({ kty, crv, x, y, kid, alg, use })),
  };
}

function parseIssuerUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IssuerKeysError(`issuer URL "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new IssuerKeysError(`issuer URL "${value}" must be http(s)`);
  return url;
}

function presentFiles(dir: string): string[] {
  return Object.values(ISSUER_KEY_FILES).filter((name) => existsSync(join(dir, name)));
}

async function generate(dir: string, issuerUrl: URL, now: Date): Promise<void> {
  const certificates = await createDevelopmentCertificates(issuerUrl, now);
  const accessToken = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const files: Array<[string, string, number]> = [
    [
      ISSUER_KEY_FILES.credentialSigningKey,
      pkcs8Pem(createPrivateKey({ key: certificates.credentialSigningKeyPkcs8, format: 'der', type: 'pkcs8' })),
      0o600,
    ],
    [ISSUER_KEY_FILES.accessTokenSigningKey, pkcs8Pem(accessToken), 0o600],
    [ISSUER_KEY_FILES.credentialEncryptionKey, newEncryptionKeyPem(), 0o600],
    [ISSUER_KEY_FILES.credentialSigningCertificate, certificates.credentialSigningCertificatePem, 0o644],
    [ISSUER_KEY_FILES.caCertificate, certificates.caCertificatePem, 0o644],
  ];
  const written: string[] = [];
  try {
    for (const [name, content, mode] of files) {
      const target = join(dir, name);
      const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temp, content, { mode, flag: 'wx' });
      renameSync(temp, target);
      written.push(target);
    }
  } catch (err) {
    for (const file of written) rmSync(file, { force: true });
    throw new IssuerKeysError(`cannot write the generated keys to ${dir}: ${(err as Error).message}`);
  }
}

const newEncryptionKeyPem = (): string => pkcs8Pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

function pkcs8Pem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function load(dir: string, issuerUrl: URL, now: Date): Promise<Omit<IssuerKeys, 'created'>> {
  const path = (name: string) => join(dir, name);
  const chainFile = existsSync(path(ISSUER_KEY_FILES.credentialSigningChain))
    ? path(ISSUER_KEY_FILES.credentialSigningChain)
    : path(ISSUER_KEY_FILES.credentialSigningCertificate);
  const required = [
    path(ISSUER_KEY_FILES.credentialSigningKey),
    chainFile,
    path(ISSUER_KEY_FILES.accessTokenSigningKey),
  ];
  const missing = required.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    const present = presentFiles(dir);
    throw new IssuerKeysError(
      `${dir} holds an incomplete issuer key set: missing ${missing.join(', ')}` +
        ` (present: ${present.join(', ') || 'none'}). Supply the missing files, or remove the present ones to have development keys generated.`,
    );
  }

  const warnings: string[] = [];
  const credential = await readSigningKey(required[0], warnings);
  const accessToken = await readSigningKey(required[2], warnings);
  if (credential.kid === accessToken.kid) {
    throw new IssuerKeysError(
      `${required[0]} and ${required[2]} hold the same key; the credential and access-token signing keys must differ`,
    );
  }

  const chain: CertificateSource[] = readCertificatesPem(readFileSync(chainFile, 'utf8'), chainFile).map(
    (certificate) => ({ certificate, file: chainFile }),
  );
  const caFile = path(ISSUER_KEY_FILES.caCertificate);
  let trustAnchor: CertificateSource | undefined;
  if (existsSync(caFile)) {
    const anchors = readCertificatesPem(readFileSync(caFile, 'utf8'), caFile);
    if (anchors.length !== 1)
      throw new IssuerKeysError(`${caFile}: expected exactly one certificate, found ${anchors.length}`);
    trustAnchor = { certificate: anchors[0], file: caFile };
  }
  const validated = await validateChain({
    chain,
    trustAnchor,
    signingKeyJwk: credential.publicJwk,
    signingKeyFile: credential.keyFile,
    now,
  });
  warnings.push(...validated.warnings);
  const nameWarning = issuerNameWarning(validated.leaf, issuerUrl, chainFile);
  if (nameWarning) warnings.push(nameWarning);

  const encryption = await readEncryptionKey(path(ISSUER_KEY_FILES.credentialEncryptionKey), warnings);
  if (encryption.kid === credential.kid || encryption.kid === accessToken.kid)
    throw new IssuerKeysError(
      `${encryption.keyFile} holds a signing key; the credential encryption key must be a key of its own`,
    );
  const credentialSigning: CredentialSigningKey = {
    ...credential,
    x5c: validated.x5c,
    certificatePem: `${validated.leaf.toString('pem')}\n`,
    notAfter: validated.leaf.notAfter,
    certificateFile: chainFile,
  };
  return {
    credentialEncryption: encryption,
    credentialSigning,
    accessTokenSigning: accessToken,
    metadataSigning: await loadMetadataSigningKey({
      dir,
      now,
      credentialSigning,
      otherKids: [credential.kid, accessToken.kid, encryption.kid],
      readKey: readSigningKey,
      warnings,
    }),
    caCertificatePem: validated.trustAnchorPem,
    warnings,
  };
}

/**
 * A P-256 private key from a PEM file (PKCS#8 or SEC1), imported for its purpose, with its public
 * coordinates and RFC 7638 thumbprint; a key readable by group or others is a warning.
 */
async function readP256Key(
  file: string,
  purpose: 'ES256' | 'ECDH-ES',
  warnings: string[],
): Promise<{ privateKey: webcrypto.CryptoKey; x: string; y: string; kid: string }> {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (err) {
    throw new IssuerKeysError(
      `${file}: not a readable unencrypted PEM private key (PKCS#8 or SEC1): ${(err as Error).message}`,
    );
  }
  const { kty, crv, x, y } = createPublicKey(key).export({ format: 'jwk' });
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) {
    throw new IssuerKeysError(`${file}: the key must be EC P-256 (${purpose}), found ${describeJwk({ kty, crv })}`);
  }
  const kid = await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    key.export({ format: 'der', type: 'pkcs8' }),
    purpose === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'ECDH', namedCurve: 'P-256' },
    false,
    purpose === 'ES256' ? ['sign'] : ['deriveBits'],
  );
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    warnings.push(
      `${file}: private key is readable by group or others (mode 0${mode.toString(8)}); restrict it to 0600`,
    );
  }
  return { privateKey, x, y, kid };
}

async function readSigningKey(file: string, warnings: string[]): Promise<IssuerSigningKey> {
  const { privateKey, x, y, kid } = await readP256Key(file, 'ES256', warnings);
  return {
    kid,
    alg: 'ES256',
    privateKey,
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' },
    keyFile: file,
  };
}

/**
 * The encryption key: read, or generated when missing (key directories made before it existed);
 * concurrent starts write it once (exclusive create) and all read the same file.
 */
async function readEncryptionKey(file: string, warnings: string[]): Promise<IssuerEncryptionKey> {
  if (!existsSync(file)) {
    try {
      writeFileSync(file, newEncryptionKeyPem(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new IssuerKeysError(
          `${file} is missing and cannot be generated (${(err as Error).message}); supply a P-256 private key (PKCS#8 PEM, 0600)`,
        );
    }
  }
  const { privateKey, x, y, kid } = await readP256Key(file, 'ECDH-ES', warnings);
  return {
    kid,
    privateKey,
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ECDH-ES', use: 'enc' },
    keyFile: file,
  };
}

/** An exclusive lock file for generation; undefined when another caller holds it. */
function tryLock(dir: string): number | undefined {
  try {
    return openSync(join(dir, LOCK_FILE), 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw new IssuerKeysError(`cannot create ${join(dir, LOCK_FILE)}: ${(err as Error).message}`);
  }
}

/** Waits for another caller's generation to finish; a lock older than 30 s is a crashed start. */
async function waitWhileLocked(dir: string): Promise<void> {
  const lock = join(dir, LOCK_FILE);
  for (;;) {
    let since: number;
    try {
      since = statSync(lock).mtimeMs;
    } catch {
      return;
    }
    if (Date.now() - since > STALE_LOCK_MS) {
      throw new IssuerKeysError(
        `${lock} is left over from an interrupted key generation; remove it and any partial key files, then start again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
