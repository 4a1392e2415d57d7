// Test helpers for this library's specs (not exported from the index).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Oid4vcError, type Oid4vcReason } from './errors';

export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function es256Key(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicKey, publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

/** Signs any header and payload (jose checks only that alg fits the key). */
export async function signJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  const bytes = new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader(header as { alg: string }).sign(key);
}

/** An unsecured JWS (`alg` as given, empty signature). */
export function unsignedJws(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.`;
}

/** A self-signed certificate for the key, base64 DER (an `x5c` element). */
export async function selfSignedCertificate(key: TestKey, commonName = 'Hallmark test'): Promise<string> {
  x509.cryptoProvider.set(webcrypto);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${commonName}`,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: { privateKey: key.privateKey, publicKey: key.publicKey },
  });
  return Buffer.from(certificate.rawData).toString('base64');
}

/** Runs the promise and returns the Oid4vcError it rejects with (fails the test otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<Oid4vcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Oid4vcError) return error;
    throw error;
  }
  throw new Error('expected an Oid4vcError, but the call succeeded');
}

/** Asserts the wire code, the reason and a description fit for the wire. */
export function expectOid4vcError(error: Oid4vcError, code: string, reason: Oid4vcReason): void {
  expect({ error: error.error, reason: error.reason }).toEqual({ error: code, reason });
  expect(error.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  expect(error.spec_ref).toMatch(/^(RFC \d+|OID4VCI 1\.0|draft-)/);
}

/** A certificate for `key` issued by `ca` (whose certificate has the name `CN=<caName>`), base64 DER. */
export async function issuedCertificate(
  key: TestKey,
  ca: TestKey,
  caName: string,
  commonName = 'Hallmark test leaf',
): Promise<string> {
  x509.cryptoProvider.set(webcrypto);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${commonName}`,
    issuer: `CN=${caName}`,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    publicKey: key.publicKey,
    signingKey: ca.privateKey,
  });
  return Buffer.from(certificate.rawData).toString('base64');
}
