import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { IssuerKeysError, readCertificatesPem, validateChain } from './certificates';
import type { CredentialSigningKey, IssuerSigningKey } from './issuer-keys';

/**
 * An optional, operator-supplied key for signed issuer metadata (OID4VCI 1.0 Section 12.2.3),
 * beside the credential signing key in the key directory:
 *
 * - `metadata-signing.key.pem`: the key (P-256, unencrypted, 0600);
 * - `metadata-signing.chain.pem`: its certificate chain, leaf first, the root optional (left out
 *   of `x5c`). It may lead to another root than the credential chain's: it is checked on its own.
 *
 * Without them the credential signing key and its chain sign the metadata (the development default).
 */
export const METADATA_SIGNING_FILES = {
  key: 'metadata-signing.key.pem',
  chain: 'metadata-signing.chain.pem',
} as const;

export async function loadMetadataSigningKey(params: {
  dir: string;
  now: Date;
  /** The key used when none is supplied. */
  credentialSigning: CredentialSigningKey;
  /** Keys the metadata key must differ from (each signs something else). */
  otherKids: string[];
  readKey: (file: string, warnings: string[]) => Promise<IssuerSigningKey>;
  warnings: string[];
}): Promise<CredentialSigningKey> {
  const keyFile = join(params.dir, METADATA_SIGNING_FILES.key);
  const chainFile = join(params.dir, METADATA_SIGNING_FILES.chain);
  const present = [keyFile, chainFile].filter((file) => existsSync(file));
  if (present.length === 0) return params.credentialSigning;
  if (present.length === 1) {
    throw new IssuerKeysError(
      `${present[0]} needs ${present[0] === keyFile ? chainFile : keyFile} too: supply both to sign the metadata with its own key, or neither to sign it with the credential signing key`,
    );
  }
  const key = await params.readKey(keyFile, params.warnings);
  if (params.otherKids.includes(key.kid))
    throw new IssuerKeysError(`${keyFile} holds the key of another purpose; the metadata signing key must be its own`);
  const chain = readCertificatesPem(readFileSync(chainFile, 'utf8'), chainFile).map((certificate) => ({
    certificate,
    file: chainFile,
  }));
  const validated = await validateChain({
    chain,
    signingKeyJwk: key.publicJwk,
    signingKeyFile: keyFile,
    now: params.now,
  });
  params.warnings.push(...validated.warnings);
  return {
    ...key,
    x5c: validated.x5c,
    certificatePem: `${validated.leaf.toString('pem')}\n`,
    notAfter: validated.leaf.notAfter,
    certificateFile: chainFile,
  };
}
