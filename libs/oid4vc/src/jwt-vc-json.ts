import { SignJWT, type JWK } from 'jose';
import { Oid4vcError } from './errors';
import { isObject } from './jwk';
import { type IssuerSigningInput, checkHolderJwk, checkNonEmptyString, checkTimes, checkX5c } from './signing';

/** The base context of W3C VCDM 1.1, which `jwt_vc_json` credentials use. */
export const VCDM_1_1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

export interface IssueJwtVcJsonOptions extends IssuerSigningInput {
  /** `iss` and `vc.issuer`: the Credential Issuer Identifier. */
  issuer: string;
  /** `vc.type` (`credential_definition.type`); must contain `VerifiableCredential`. */
  type: string[];
  /** The holder key from the key proof. */
  holderJwk: JWK;
  /**
   * The holder's DID when the key proof named the key by DID (`did:jwk`, `did:key`): it becomes
   * `sub` and `credentialSubject.id`. Without it the credential is bound by `cnf.jwk`.
   */
  holderDid?: string;
  /** The members of `credentialSubject` (besides `id`). */
  claims: Record<string, unknown>;
  iat: number;
  exp: number;
  /** Optional credential id: `vc.id` and `jti`. */
  id?: string;
  /** Extra `@context` entries after the VCDM 1.1 base context. */
  context?: string[];
}

/**
 * Issues a `jwt_vc_json` credential (OID4VCI 1.0 Appendix A.1.1): a JWT (header `typ` `JWT`,
 * `x5c`) encoding a W3C VCDM 1.1 credential per VCDM 1.1 Section 6.3.1: `iss` = issuer,
 * `nbf` = issuance date, `exp`, `jti` = id, `sub` = subject id, and the credential in the
 * `vc` claim. Bound to the holder by `sub` (a DID) or by `cnf.jwk` (RFC 7800).
 *
 * @throws Oid4vcError `server_error` (`issuance_input_invalid`) when the input cannot make a credential
 */
export async function issueJwtVcJson(options: IssueJwtVcJsonOptions): Promise<string> {
  const alg = options.alg ?? 'ES256';
  const x5c = checkX5c(options.issuerX5c);
  const holderJwk = checkHolderJwk(options.holderJwk);
  const { iat, exp } = checkTimes(options.iat, options.exp);
  const issuer = checkNonEmptyString(options.issuer, 'issuer');
  const type = options.type;
  if (
    !Array.isArray(type) ||
    !type.includes('VerifiableCredential') ||
    !type.every((t) => typeof t === 'string' && t)
  ) {
    throw new Oid4vcError('issuance_input_invalid', 'type must be an array of strings containing VerifiableCredential');
  }
  if (!isObject(options.claims) || 'id' in options.claims) {
    throw new Oid4vcError('issuance_input_invalid', 'claims must be an object without id (use holderDid)');
  }
  const holderDid = options.holderDid === undefined ? undefined : checkNonEmptyString(options.holderDid, 'holderDid');
  const id = options.id === undefined ? undefined : checkNonEmptyString(options.id, 'id');

  const vc = {
    '@context': [VCDM_1_1_CONTEXT, ...(options.context ?? [])],
    ...(id !== undefined ? { id } : {}),
    type,
    issuer,
    issuanceDate: isoSeconds(iat),
    expirationDate: isoSeconds(exp),
    credentialSubject: { ...(holderDid !== undefined ? { id: holderDid } : {}), ...options.claims },
  };
  const jwt = new SignJWT({ vc, ...(holderDid === undefined ? { cnf: { jwk: holderJwk } } : {}) })
    .setProtectedHeader({ alg, typ: 'JWT', x5c })
    .setIssuer(issuer)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp);
  if (holderDid !== undefined) jwt.setSubject(holderDid);
  if (id !== undefined) jwt.setJti(id);
  try {
    return await jwt.sign(options.issuerKey);
  } catch (cause) {
    throw new Oid4vcError('issuance_input_invalid', 'signing failed', { cause });
  }
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
