/**
 * The error catalogue of the protocol helpers: every failure names the wire `error` code the
 * endpoint answers with, a machine-readable `reason` for the diagnostics timeline, and the spec
 * section that makes it a failure.
 */

/** Wire error codes (RFC 6749 Section 5.2, RFC 9449 Section 12.2, OID4VCI 1.0 Sections 6.3 and 8.3.1.2). */
export type Oid4vcErrorCode =
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'invalid_credential_request'
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'unknown_credential_configuration'
  | 'unknown_credential_identifier'
  | 'credential_request_denied'
  | 'invalid_encryption_parameters'
  | 'server_error';

interface CatalogueEntry {
  error: Oid4vcErrorCode;
  spec_ref: string;
  /** ASCII, without `"` or `\`: safe as an OAuth `error_description`. */
  description: string;
}

const DPOP = 'RFC 9449 Section 4.3';
const PROOF = 'OID4VCI 1.0 Appendix F.1';
const VERIFY_PROOF = 'OID4VCI 1.0 Appendix F.4';
const CREDENTIAL_ERRORS = 'OID4VCI 1.0 Section 8.3.1.2';
const TOKEN_ERRORS = 'OID4VCI 1.0 Section 6.3';

/** Every reason this library reports, with its wire code, spec section and explanation. */
export const OID4VC_REASONS = {
  // DPoP proofs (RFC 9449)
  dpop_missing: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The request carries no DPoP proof' },
  dpop_malformed: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof is not a well-formed signed JWT' },
  dpop_typ_invalid: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof header typ must be dpop+jwt' },
  dpop_alg_not_allowed: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof alg is not an allowed asymmetric signature algorithm',
  },
  dpop_jwk_missing: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof header has no jwk member' },
  dpop_jwk_private: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header jwk contains private or symmetric key material',
  },
  dpop_jwk_invalid: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header jwk is not a usable public key for its alg',
  },
  dpop_signature_invalid: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof signature does not verify with the key in its header',
  },
  dpop_jti_missing: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof has no usable jti claim' },
  dpop_htm_mismatch: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof htm claim does not match the request method',
  },
  dpop_htu_mismatch: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof htu claim does not match the request URI (query and fragment ignored)',
  },
  dpop_iat_missing: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof has no numeric iat claim' },
  dpop_iat_stale: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof iat is too far in the past' },
  dpop_iat_future: { error: 'invalid_dpop_proof', spec_ref: DPOP, description: 'The DPoP proof iat is in the future' },
  dpop_ath_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof has no ath claim but is presented with an access token',
  },
  dpop_ath_mismatch: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof ath claim is not the hash of the presented access token',
  },
  dpop_jti_replayed: {
    error: 'invalid_dpop_proof',
    spec_ref: 'RFC 9449 Section 11.1',
    description: 'The DPoP proof jti has been used before: send a fresh proof',
  },
  dpop_nonce_missing: {
    error: 'use_dpop_nonce',
    spec_ref: 'RFC 9449 Sections 8 and 9',
    description: 'The DPoP proof must include the server-provided nonce given in the DPoP-Nonce header',
  },
  dpop_nonce_mismatch: {
    error: 'use_dpop_nonce',
    spec_ref: 'RFC 9449 Sections 8 and 9',
    description: 'The DPoP proof nonce is not current: use the nonce given in the DPoP-Nonce header',
  },

  // Key proofs of the jwt proof type (OID4VCI 1.0 Appendix F)
  proof_malformed: { error: 'invalid_proof', spec_ref: PROOF, description: 'The key proof is not a well-formed signed JWT' },
  proof_typ_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof header typ must be openid4vci-proof+jwt',
  },
  proof_alg_not_allowed: {
    error: 'invalid_proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof alg is not an allowed asymmetric signature algorithm',
  },
  proof_key_missing: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof header must carry the key in exactly one of kid, jwk or x5c, and carries none',
  },
  proof_key_ambiguous: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof header must carry the key in exactly one of kid, jwk or x5c, and carries several',
  },
  proof_jwk_private: {
    error: 'invalid_proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof header contains private or symmetric key material',
  },
  proof_jwk_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key in the key proof header is not a usable public key for its alg',
  },
  proof_kid_unsupported: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof kid is not supported: use jwk or x5c, or a kid that is a did:jwk or a did:key of a P-256 key',
  },
  proof_kid_invalid: { error: 'invalid_proof', spec_ref: PROOF, description: 'The key proof kid is a malformed DID' },
  proof_x5c_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof x5c header is not a non-empty array of base64 DER certificates',
  },
  proof_signature_invalid: {
    error: 'invalid_proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof signature does not verify with the key identified in its header',
  },
  proof_aud_mismatch: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof aud claim must be the Credential Issuer Identifier',
  },
  proof_iat_missing: { error: 'invalid_proof', spec_ref: PROOF, description: 'The key proof has no numeric iat claim' },
  proof_iat_stale: { error: 'invalid_proof', spec_ref: VERIFY_PROOF, description: 'The key proof iat is too far in the past' },
  proof_iat_future: { error: 'invalid_proof', spec_ref: VERIFY_PROOF, description: 'The key proof iat is in the future' },
  proof_iss_mismatch: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof iss claim must be the client_id of the client making the request',
  },
  proof_nonce_missing: {
    error: 'invalid_proof',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The key proof has no nonce claim: get a c_nonce from the Nonce Endpoint',
  },
  proof_nonce_invalid: {
    error: 'invalid_nonce',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The key proof nonce is not a valid c_nonce: get a fresh one from the Nonce Endpoint',
  },

  // Pre-authorized codes and the token endpoint (OID4VCI 1.0 Section 6.3)
  grant_code_invalid: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code is not valid',
  },
  grant_code_expired: { error: 'invalid_grant', spec_ref: TOKEN_ERRORS, description: 'The pre-authorized code has expired' },
  token_request_invalid: {
    error: 'invalid_request',
    spec_ref: 'RFC 6749 Section 5.2',
    description: 'The token request is missing a required parameter or is otherwise malformed',
  },
  token_grant_type_unsupported: {
    error: 'unsupported_grant_type',
    spec_ref: 'RFC 6749 Section 5.2',
    description: 'The grant_type is not supported by this authorization server',
  },
  token_code_used: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code has already been used',
  },
  token_code_locked: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code is locked after too many wrong transaction codes',
  },
  token_tx_code_missing: {
    error: 'invalid_request',
    spec_ref: TOKEN_ERRORS,
    description: 'The credential offer requires a tx_code and the token request has none',
  },
  token_tx_code_unexpected: {
    error: 'invalid_request',
    spec_ref: TOKEN_ERRORS,
    description: 'The token request carries a tx_code the credential offer did not ask for',
  },
  token_tx_code_wrong: { error: 'invalid_grant', spec_ref: TOKEN_ERRORS, description: 'The tx_code is wrong' },
  token_tx_code_wrong_locked: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The tx_code is wrong, and the pre-authorized code is now locked',
  },

  // Access tokens at the credential endpoint (RFC 6750 Section 3.1, RFC 9449 Section 7)
  access_token_missing: {
    error: 'invalid_token',
    spec_ref: 'RFC 9449 Section 7.1',
    description: 'The request carries no access token: send Authorization: DPoP <token> with a DPoP proof',
  },
  access_token_invalid: {
    error: 'invalid_token',
    spec_ref: 'RFC 6750 Section 3.1',
    description: 'The access token is not valid: it does not verify, has expired, or was not issued for this issuer',
  },
  access_token_in_query: {
    error: 'invalid_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'An access token in the query string is refused: send it in the Authorization header',
  },
  access_token_scheme_mismatch: {
    error: 'invalid_token',
    spec_ref: 'RFC 9449 Section 7.1',
    description: 'The access token is DPoP-bound and must be sent with the DPoP scheme and a DPoP proof',
  },
  access_token_key_mismatch: {
    error: 'invalid_token',
    spec_ref: 'RFC 9449 Section 7.1',
    description: 'The DPoP proof key is not the key the access token is bound to',
  },

  // Credential requests (OID4VCI 1.0 Section 8.2 and 8.3.1.2)
  credential_request_malformed: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'The credential request is malformed',
  },
  credential_request_both_ids: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'Send exactly one of credential_configuration_id and credential_identifier',
  },
  credential_identifier_unknown: {
    error: 'unknown_credential_identifier',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The credential_identifier is not one this issuer gave out for this access token',
  },
  credential_configuration_unknown: {
    error: 'unknown_credential_configuration',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The credential_configuration_id is not in the issuer metadata',
  },
  credential_configuration_not_offered: {
    error: 'credential_request_denied',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The access token was not issued for this credential configuration',
  },
  credential_proofs_missing: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'The request has no proofs: send proofs with one jwt proof per key to bind',
  },
  credential_proofs_malformed: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'proofs must be an object with exactly one proof type whose value is a non-empty array',
  },
  credential_proof_singular: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'The request uses the draft proof parameter: OID4VCI 1.0 takes proofs with a jwt array',
  },
  credential_proof_type_unsupported: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'Only the jwt proof type is supported',
  },
  credential_batch_too_large: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 12.2.4',
    description: 'More proofs than batch_credential_issuance.batch_size allows',
  },
  credential_proof_keys_repeated: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'Each proof in a batch must use a different key',
  },
  credential_nonce_used: {
    error: 'invalid_nonce',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The c_nonce was used by another request: get a fresh one from the Nonce Endpoint',
  },
  credential_encryption_unsupported: {
    error: 'invalid_encryption_parameters',
    spec_ref: 'OID4VCI 1.0 Section 8.3.1.2',
    description: 'This issuer does not encrypt credential responses (none is advertised): send the request without credential_response_encryption',
  },
  credential_request_not_json: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 8.2',
    description: 'The credential request must be a JSON body with Content-Type application/json',
  },
  credential_claims_missing: {
    error: 'credential_request_denied',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'No claims were supplied for this credential configuration when the session was created',
  },
  credential_session_unavailable: {
    error: 'credential_request_denied',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The issuance session is unknown or was erased',
  },

  // Misuse by our own code: never the wallet's fault
  request_uri_invalid: {
    error: 'server_error',
    spec_ref: DPOP,
    description: 'The server passed a request URI that is not an absolute http or https URI',
  },
  grant_key_invalid: {
    error: 'server_error',
    spec_ref: 'RFC 7518 Section 5.3',
    description: 'The pre-authorized code key must be 32 bytes',
  },
  grant_payload_invalid: {
    error: 'server_error',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code payload is invalid',
  },
  issuance_input_invalid: {
    error: 'server_error',
    spec_ref: 'draft-ietf-oauth-sd-jwt-vc Section 3.2.2',
    description: 'The credential cannot be issued from the given input',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type Oid4vcReason = keyof typeof OID4VC_REASONS;

const MAX_DESCRIPTION = 400;

/**
 * Makes a string safe as an OAuth `error_description` (RFC 6749 Section 5.2: %x20-21 / %x23-5B /
 * %x5D-7E): anything else, including `"` and `\`, becomes `?`; long text is cut.
 */
export function toErrorDescription(text: string): string {
  const safe = text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
  return safe.length > MAX_DESCRIPTION ? `${safe.slice(0, MAX_DESCRIPTION - 3)}...` : safe;
}

/** A short, description-safe rendering of a value received from a client (for details). */
export function quoteValue(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const safe = toErrorDescription(text);
  return `'${safe.length > max ? `${safe.slice(0, max)}...` : safe}'`;
}

/**
 * A protocol failure. `error` and `error_description` go on the wire; `reason` and `spec_ref`
 * go to the diagnostics timeline.
 */
export class Oid4vcError extends Error {
  readonly error: Oid4vcErrorCode;
  readonly error_description: string;
  readonly reason: Oid4vcReason;
  readonly spec_ref: string;

  constructor(reason: Oid4vcReason, detail?: string, options?: { cause?: unknown }) {
    const entry: CatalogueEntry = OID4VC_REASONS[reason];
    const description = toErrorDescription(detail ? `${entry.description} (${detail})` : entry.description);
    super(description, options);
    this.name = 'Oid4vcError';
    this.error = entry.error;
    this.error_description = description;
    this.reason = reason;
    this.spec_ref = entry.spec_ref;
  }

  /** The JSON error body of the response. */
  toResponseBody(): { error: Oid4vcErrorCode; error_description: string } {
    return { error: this.error, error_description: this.error_description };
  }

  /** What the diagnostics timeline records. */
  toDiagnostic(): { error: Oid4vcErrorCode; reason: Oid4vcReason; spec_ref: string; error_description: string } {
    return { error: this.error, reason: this.reason, spec_ref: this.spec_ref, error_description: this.error_description };
  }
}

export function isOid4vcError(value: unknown): value is Oid4vcError {
  return value instanceof Oid4vcError;
}
