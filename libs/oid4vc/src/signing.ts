import { CompactSign, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { Oid4vcError } from './errors';
import { isPrivateOrSymmetricJwk, publicJwk } from './jwk';

/** A private signing key jose can use: a WebCrypto CryptoKey, a Node KeyObject or a private JWK. */
export type IssuerPrivateKey = CryptoKey | KeyObject | JWK;

/** The common input of the credential issuers. */
export interface IssuerSigningInput {
  issuerKey: IssuerPrivateKey;
  /** JWS algorithm of the issuer key. Default `ES256`. */
  alg?: string;
  /** The issuer certificate chain for the `x5c` header: base64 DER, leaf first. */
  issuerX5c: string[];
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function checkX5c(x5c: unknown): string[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || !x5c.every((cert) => typeof cert === 'string' && BASE64.test(cert))) {
    throw new Oid4vcError('issuance_input_invalid', 'issuerX5c must be a non-empty array of base64 DER certificates');
  }
  return [...x5c];
}

/** The holder key to put in `cnf.jwk`: public members only; a private key is refused. */
export function checkHolderJwk(jwk: unknown): JWK {
  const key = publicJwk(jwk);
  if (!key || isPrivateOrSymmetricJwk(jwk)) {
    throw new Oid4vcError('issuance_input_invalid', 'holderJwk must be a public EC, OKP or RSA key');
  }
  return key;
}

export function checkTimes(iat: unknown, exp: unknown): { iat: number; exp: number } {
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || (exp as number) <= (iat as number)) {
    throw new Oid4vcError('issuance_input_invalid', 'iat and exp must be integer seconds with exp after iat');
  }
  return { iat: iat as number, exp: exp as number };
}

export function checkNonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Oid4vcError('issuance_input_invalid', `${name} must be a non-empty string`);
  }
  return value;
}

/**
 * A signer for libraries that hand over the JWS signing input (`base64url(header).base64url(payload)`)
 * and want the base64url signature back, as @sd-jwt does. jose signs: the header and payload are
 * decoded and given to CompactSign, and the result must reproduce the signing input exactly.
 */
export function joseDetachedSigner(key: IssuerPrivateKey): (signingInput: string) => Promise<string> {
  return async (signingInput: string) => {
    const [encodedHeader, encodedPayload, ...rest] = signingInput.split('.');
    if (rest.length > 0 || !encodedHeader || !encodedPayload)
      throw new Error('joseDetachedSigner: not a JWS signing input');
    const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
    const jws = await new CompactSign(Buffer.from(encodedPayload, 'base64url')).setProtectedHeader(header).sign(key);
    const [signedHeader, signedPayload, signature] = jws.split('.');
    if (`${signedHeader}.${signedPayload}` !== signingInput) {
      throw new Error('joseDetachedSigner: the signing input does not survive re-encoding');
    }
    return signature;
  };
}
