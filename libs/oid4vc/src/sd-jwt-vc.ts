import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc';
import { randomBytes } from 'crypto';
import type { JWK } from 'jose';
import { Oid4vcError } from './errors';
import { isObject } from './jwk';
import {
  type IssuerSigningInput,
  checkHolderJwk,
  checkNonEmptyString,
  checkTimes,
  checkX5c,
  joseDetachedSigner,
} from './signing';

/** The media type of SD-JWT VCs (`typ` header, OID4VCI format `dc+sd-jwt`). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';

/**
 * Claim names the issuer sets itself or that SD-JWT reserves; they cannot come from `claims`.
 * (SD-JWT VC draft Section 3.2.2; RFC 9901 Section 4.2.)
 */
const RESERVED_CLAIMS = ['iss', 'iat', 'exp', 'nbf', 'vct', 'vct#integrity', 'cnf', 'status', '_sd', '_sd_alg', '...'];

export interface IssueSdJwtVcOptions extends IssuerSigningInput {
  /** The `iss` claim: the Credential Issuer Identifier. */
  issuer: string;
  vct: string;
  /** The holder key from the key proof: becomes `cnf.jwk` (public members only). */
  holderJwk: JWK;
  /** The credential's own claims (top level). */
  claims: Record<string, unknown>;
  /** Names of top-level claims to make selectively disclosable. */
  disclosable: string[];
  iat: number;
  exp: number;
}

/**
 * Issues an SD-JWT VC (compact, ending in `~`, without key binding): header `typ` `dc+sd-jwt`
 * and `x5c`; payload `iss`, `iat`, `exp`, `vct`, `cnf.jwk`, `_sd_alg` `sha-256`, the claims,
 * with one disclosure and a fresh 128-bit salt per disclosable claim. Built with
 * @sd-jwt/sd-jwt-vc; jose signs.
 *
 * @throws Oid4vcError `server_error` (`issuance_input_invalid`) when the input cannot make a credential
 */
export async function issueSdJwtVc(options: IssueSdJwtVcOptions): Promise<string> {
  const alg = options.alg ?? 'ES256';
  const x5c = checkX5c(options.issuerX5c);
  const holderJwk = checkHolderJwk(options.holderJwk);
  const { iat, exp } = checkTimes(options.iat, options.exp);
  const iss = checkNonEmptyString(options.issuer, 'issuer');
  const vct = checkNonEmptyString(options.vct, 'vct');
  const claims = options.claims;
  if (!isObject(claims)) throw new Oid4vcError('issuance_input_invalid', 'claims must be an object');
  const reserved = Object.keys(claims).filter((name) => RESERVED_CLAIMS.includes(name));
  if (reserved.length > 0)
    throw new Oid4vcError('issuance_input_invalid', `reserved claim names: ${reserved.join(' ')}`);
  const disclosable = options.disclosable;
  if (
    !Array.isArray(disclosable) ||
    new Set(disclosable).size !== disclosable.length ||
    !disclosable.every((name) => typeof name === 'string' && Object.prototype.hasOwnProperty.call(claims, name))
  ) {
    throw new Oid4vcError('issuance_input_invalid', 'disclosable must name distinct top-level claims');
  }

  const sdJwtVc = new SDJwtVcInstance({
    signer: joseDetachedSigner(options.issuerKey),
    signAlg: alg,
    hasher: digest,
    hashAlg: 'sha-256',
    // 128 bits per salt (RFC 9901 Section 9.3); @sd-jwt/crypto-nodejs' generateSalt(16) gives 64.
    saltGenerator: () => randomBytes(16).toString('base64url'),
  });
  const payload: SdJwtVcPayload = { iss, iat, exp, vct, cnf: { jwk: holderJwk }, ...claims };
  const frame = { _sd: disclosable } as Parameters<SDJwtVcInstance['issue']>[1];
  try {
    return await sdJwtVc.issue(payload, frame, { header: { typ: SD_JWT_VC_TYP, x5c } });
  } catch (cause) {
    throw new Oid4vcError('issuance_input_invalid', 'signing failed', { cause });
  }
}
