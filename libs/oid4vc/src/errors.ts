/**
 * The error catalogue of the protocol helpers: every failure names the wire `error` code the
 * endpoint answers with, a machine-readable `reason` for the diagnostics timeline, the spec
 * section that makes it a failure, and the explanation the timeline shows a wallet developer
 * (`title`, `help`). What was wrong in one request (`expected` / `provided`, the detail) comes
 * at runtime, never from here.
 */

/** Wire error codes (RFC 6749 Section 5.2, RFC 6750 Section 3.1, RFC 9449 Section 12.2, OID4VCI 1.0 Sections 6.3 and 8.3.1.2). */
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
  | 'invalid_request_uri'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_authorization_details'
  | 'access_denied'
  | 'invalid_client_attestation'
  | 'use_attestation_challenge'
  | 'use_fresh_attestation'
  | 'server_error';

interface CatalogueEntry {
  error: Oid4vcErrorCode;
  /** `OID4VCI 1.0 Section 8.2`, `RFC 9449 Section 4.3`, ...: one section, the one that makes it a failure. */
  spec_ref: string;
  /** ASCII, without `"` or `\`: safe as an OAuth `error_description`. */
  description: string;
  /** A short headline for the timeline: sentence case, no trailing period, unique. ASCII, without `"` or `\`. */
  title: string;
  /**
   * How a wallet developer fixes it: one to three sentences naming the header, claim or parameter,
   * with an example value where it helps. ASCII, without `"` or `\`.
   */
  help: string;
  /**
   * What a request is checked against, when the check compares a value the wallet sent with one
   * the issuer expects (`expected` / `provided` on the diagnostic). Only such entries carry the
   * two values, and none of them is a secret.
   */
  compares?: string;
}

const DPOP = 'RFC 9449 Section 4.3';
const DPOP_NONCE = 'RFC 9449 Section 8';
const PROOF = 'OID4VCI 1.0 Appendix F.1';
const VERIFY_PROOF = 'OID4VCI 1.0 Appendix F.4';
const CREDENTIAL_REQUEST = 'OID4VCI 1.0 Section 8.2';
const ENCRYPTION_SECTION = 'OID4VCI 1.0 Section 10';
const CREDENTIAL_ERRORS = 'OID4VCI 1.0 Section 8.3.1.2';
const TOKEN_ERRORS = 'OID4VCI 1.0 Section 6.3';
const OFFER_PARAMETERS = 'OID4VCI 1.0 Section 4.1.1';
const OFFER_BY_REFERENCE = 'OID4VCI 1.0 Section 4.1.3';

/** Every reason this library reports, with its wire code, spec section and explanation. */
export const OID4VC_REASONS = {
  // DPoP proofs (RFC 9449)
  dpop_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The request carries no DPoP proof',
    title: 'DPoP proof missing',
    help: 'Send exactly one DPoP header whose value is a new proof JWT (header typ dpop+jwt, alg ES256, jwk; claims jti, htm, htu, iat), e.g. DPoP: eyJ0eXAiOiJkcG9wK2p3dCIs... It is needed at the token endpoint and with every DPoP-bound access token.',
  },
  dpop_malformed: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof is not a well-formed signed JWT',
    title: 'DPoP proof is not a signed JWT',
    help: 'Send the proof as one compact JWS (three base64url parts joined by dots, at most 8 KiB) whose payload is a JSON object, in a single DPoP header, without quotes or a scheme prefix. A nonce claim, when present, must be a string.',
  },
  dpop_typ_invalid: {
    error: 'invalid_dpop_proof',
    compares: 'typ header of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header typ must be dpop+jwt',
    title: 'DPoP proof has the wrong typ',
    help: 'Set the typ member of the DPoP proof JOSE header to dpop+jwt, e.g. {typ: dpop+jwt, alg: ES256, jwk: {...}}. A plain JWT typ is refused so that no other token can pass as a DPoP proof.',
  },
  dpop_alg_not_allowed: {
    error: 'invalid_dpop_proof',
    compares: 'alg header of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof alg is not an allowed asymmetric signature algorithm',
    title: 'DPoP proof alg not allowed',
    help: 'Sign the DPoP proof with an algorithm from dpop_signing_alg_values_supported in the authorization server metadata, e.g. ES256 with a P-256 key. none and MAC algorithms such as HS256 are always refused.',
  },
  dpop_jwk_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header has no jwk member',
    title: 'DPoP proof has no jwk',
    help: 'Put the public key that signs the proof in the jwk member of the DPoP proof JOSE header, e.g. jwk: {kty: EC, crv: P-256, x: ..., y: ...}. A kid or x5c header does not replace it.',
  },
  dpop_jwk_private: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header jwk contains private or symmetric key material',
    title: 'DPoP jwk contains private key material',
    help: 'Send only the public members of the key in the jwk header (for EC: kty, crv, x, y) and never d or a symmetric k. Treat a key sent this way as compromised and generate a new key pair.',
  },
  dpop_jwk_invalid: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof header jwk is not a usable public key for its alg',
    title: 'DPoP jwk does not fit the alg',
    help: 'Send a valid public key in jwk that matches the alg of the proof, e.g. kty EC and crv P-256 for ES256, with x and y as base64url-encoded 32-byte coordinates.',
  },
  dpop_signature_invalid: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof signature does not verify with the key in its header',
    title: 'DPoP proof signature does not verify',
    help: 'Sign the proof with the private key whose public half is in the jwk header, over exactly the base64url header and payload you send. For ES256 the signature is the 64-byte R and S concatenation of JWS, not a DER-encoded ECDSA signature.',
  },
  dpop_jti_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof has no usable jti claim',
    title: 'DPoP proof has no jti',
    help: 'Add a jti claim with a new random string to every DPoP proof, at most 512 characters, e.g. jti: 0a8d5f6c-3c7e-4b58-9a61-2f4e1d9b7c30.',
  },
  dpop_htm_mismatch: {
    error: 'invalid_dpop_proof',
    compares: 'htm claim of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof htm claim does not match the request method',
    title: 'DPoP proof is for another method',
    help: 'Set htm to the HTTP method of the request the proof is sent with, in upper case, e.g. htm: POST for the token and credential endpoints.',
  },
  dpop_htu_mismatch: {
    error: 'invalid_dpop_proof',
    compares: 'htu claim of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof htu claim does not match the request URI (query and fragment ignored)',
    title: 'DPoP proof is for another URL',
    help: 'Sign a new DPoP proof whose htu is the endpoint URL exactly as published in the metadata (scheme, host, path; no query), e.g. https://issuer.example/token at the token endpoint or https://issuer.example/credential at the credential endpoint. Behind a gateway, use the public URL including any path prefix, not an internal one.',
  },
  dpop_iat_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof has no numeric iat claim',
    title: 'DPoP proof has no iat',
    help: 'Add an iat claim with the signing time as a number of seconds since the epoch, e.g. iat: 1767225600 (not a date string, not milliseconds).',
  },
  dpop_iat_stale: {
    error: 'invalid_dpop_proof',
    compares: 'iat claim of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof iat is too far in the past',
    title: 'DPoP proof is too old',
    help: 'Create the DPoP proof right before sending each request: proofs older than 300 seconds are refused by default. If fresh proofs are refused too, check the device clock.',
  },
  dpop_iat_future: {
    error: 'invalid_dpop_proof',
    compares: 'iat claim of the DPoP proof',
    spec_ref: DPOP,
    description: 'The DPoP proof iat is in the future',
    title: 'DPoP proof is dated in the future',
    help: 'Set iat to the current time in seconds (not milliseconds): at most 30 seconds of clock skew are tolerated by default. Synchronise the device clock, e.g. with NTP or from the Date response header.',
  },
  dpop_ath_missing: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof has no ath claim but is presented with an access token',
    title: 'DPoP proof has no ath',
    help: 'When a DPoP proof goes with an access token, add an ath claim: the base64url SHA-256 hash of the access token, e.g. ath: fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo for the example token of RFC 9449.',
  },
  dpop_ath_mismatch: {
    error: 'invalid_dpop_proof',
    spec_ref: DPOP,
    description: 'The DPoP proof ath claim is not the hash of the presented access token',
    title: 'DPoP ath is not the access token hash',
    help: 'Compute ath as base64url without padding of SHA-256 over the ASCII bytes of the exact token sent in the Authorization header. A proof made for an earlier access token cannot be reused with a new one.',
  },
  dpop_jti_replayed: {
    error: 'invalid_dpop_proof',
    spec_ref: 'RFC 9449 Section 11.1',
    description: 'The DPoP proof jti has been used before: send a fresh proof',
    title: 'DPoP proof replayed',
    help: 'Never send a DPoP proof twice, not even when retrying a failed request: sign a new proof with a new random jti for every request.',
  },
  dpop_nonce_missing: {
    error: 'use_dpop_nonce',
    spec_ref: DPOP_NONCE,
    description: 'The DPoP proof must include the server-provided nonce given in the DPoP-Nonce header',
    title: 'DPoP nonce required',
    help: 'Retry with a new DPoP proof whose nonce claim is the value of the DPoP-Nonce header of this error response, e.g. nonce: eyJ7S_zG.eyJH0-Z.HX4w-7v. Keep using the latest DPoP-Nonce value the server returns.',
  },
  dpop_nonce_mismatch: {
    error: 'use_dpop_nonce',
    spec_ref: DPOP_NONCE,
    description: 'The DPoP proof nonce is not current: use the nonce given in the DPoP-Nonce header',
    title: 'DPoP nonce is not current',
    help: 'Retry with a new DPoP proof whose nonce claim is the value of the DPoP-Nonce header of this error response. Server nonces rotate: always use the most recent DPoP-Nonce value instead of a cached one.',
  },

  // Key proofs of the jwt proof type (OID4VCI 1.0 Appendix F)
  proof_malformed: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof is not a well-formed signed JWT',
    title: 'Key proof is not a signed JWT',
    help: 'Send each entry of proofs.jwt as one compact JWS string (three base64url parts joined by dots, at most 64 KiB) whose payload is a JSON object, e.g. proofs: {jwt: [eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIs...]}.',
  },
  proof_typ_invalid: {
    error: 'invalid_proof',
    compares: 'typ header of the key proof',
    spec_ref: PROOF,
    description: 'The key proof header typ must be openid4vci-proof+jwt',
    title: 'Key proof has the wrong typ',
    help: 'Set the typ member of each key proof JOSE header to openid4vci-proof+jwt, e.g. {typ: openid4vci-proof+jwt, alg: ES256, jwk: {...}}. typ JWT is refused.',
  },
  proof_alg_not_allowed: {
    error: 'invalid_proof',
    compares: 'alg header of the key proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof alg is not an allowed asymmetric signature algorithm',
    title: 'Key proof alg not allowed',
    help: 'Sign the key proof with an algorithm from proof_types_supported.jwt.proof_signing_alg_values_supported of the requested configuration in the issuer metadata, e.g. ES256 with a P-256 key.',
  },
  proof_key_missing: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof header must carry the key in exactly one of kid, jwk or x5c, and carries none',
    title: 'Key proof names no key',
    help: 'Name the key to bind in the key proof JOSE header with exactly one of jwk (the public key, e.g. {kty: EC, crv: P-256, x: ..., y: ...}), kid (a did:jwk or did:key DID URL) or x5c (a certificate chain).',
  },
  proof_key_ambiguous: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof header must carry the key in exactly one of kid, jwk or x5c, and carries several',
    title: 'Key proof names more than one key',
    help: 'Keep exactly one of kid, jwk and x5c in the key proof JOSE header and remove the others, e.g. send jwk and drop kid.',
  },
  proof_jwk_private: {
    error: 'invalid_proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof header contains private or symmetric key material',
    title: 'Key proof contains private key material',
    help: 'Send only the public members of the holder key (for EC: kty, crv, x, y), in jwk or inside a did:jwk kid, and never d or a symmetric k. Generate a new key pair if a private key was sent.',
  },
  proof_jwk_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key in the key proof header is not a usable public key for its alg',
    title: 'Key proof key does not fit the alg',
    help: 'Use a public key that matches the alg of the proof, e.g. kty EC with crv P-256 for ES256, whether it is sent in jwk, resolved from a kid DID or taken from the first x5c certificate.',
  },
  proof_kid_unsupported: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description:
      'The key proof kid is not supported: use jwk or x5c, or a kid that is a did:jwk or a did:key of a P-256 key',
    title: 'Key proof kid cannot be resolved',
    help: 'Send the public key in the jwk header (or a certificate chain in x5c) instead of a kid this issuer cannot resolve. A kid is only accepted as a did:jwk DID URL or a did:key of a P-256 key, e.g. did:jwk:eyJrdHkiOiJFQyIs...#0.',
  },
  proof_kid_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof kid is a malformed DID',
    title: 'Key proof kid is a malformed DID',
    help: 'Send kid as a well-formed DID URL whose key is a public key, e.g. did:jwk:<base64url of the public JWK>#0 or did:key:zDn...#zDn..., or send the key in jwk instead.',
  },
  proof_x5c_invalid: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof x5c header is not a non-empty array of base64 DER certificates',
    title: 'Key proof x5c is not a certificate chain',
    help: 'Send x5c as a non-empty JSON array of standard base64 (not base64url) DER certificates, leaf first, e.g. x5c: [MIIBszCCAVmgAwIBAgI...]. The first certificate must hold the key to bind.',
  },
  proof_signature_invalid: {
    error: 'invalid_proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof signature does not verify with the key identified in its header',
    title: 'Key proof signature does not verify',
    help: 'Sign the key proof with the private key of the key named in its header (jwk, kid or x5c), over exactly the header and payload you send. For ES256 the signature is the 64-byte R and S concatenation of JWS, not DER.',
  },
  proof_aud_mismatch: {
    error: 'invalid_proof',
    compares: 'aud claim of the key proof',
    spec_ref: PROOF,
    description: 'The key proof aud claim must be the Credential Issuer Identifier',
    title: 'Key proof is for another issuer',
    help: 'Set the aud claim of the key proof to the Credential Issuer Identifier exactly as in credential_issuer of the issuer metadata, e.g. aud: https://issuer.example, not the credential endpoint URL and not the authorization server.',
  },
  proof_iat_missing: {
    error: 'invalid_proof',
    spec_ref: PROOF,
    description: 'The key proof has no numeric iat claim',
    title: 'Key proof has no iat',
    help: 'Add an iat claim with the signing time as a number of seconds since the epoch, e.g. iat: 1767225600 (not a date string, not milliseconds).',
  },
  proof_iat_stale: {
    error: 'invalid_proof',
    compares: 'iat claim of the key proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof iat is too far in the past',
    title: 'Key proof is too old',
    help: 'Sign the key proofs right before the credential request: proofs older than 300 seconds are refused by default. Get a fresh c_nonce from the Nonce Endpoint for them.',
  },
  proof_iat_future: {
    error: 'invalid_proof',
    compares: 'iat claim of the key proof',
    spec_ref: VERIFY_PROOF,
    description: 'The key proof iat is in the future',
    title: 'Key proof is dated in the future',
    help: 'Set iat to the current time in seconds (not milliseconds): at most 30 seconds of clock skew are tolerated by default. Synchronise the device clock.',
  },
  proof_iss_mismatch: {
    error: 'invalid_proof',
    compares: 'iss claim of the key proof',
    spec_ref: PROOF,
    description: 'The key proof iss claim must be the client_id of the client making the request',
    title: 'Key proof iss is not the client_id',
    help: 'Set iss to the client_id the wallet used at the token endpoint, e.g. iss: s6BhdRkqt3, or omit iss when the access token came from anonymous pre-authorized code access (no client_id sent).',
  },
  proof_nonce_missing: {
    error: 'invalid_proof',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The key proof has no nonce claim: get a c_nonce from the Nonce Endpoint',
    title: 'Key proof has no nonce',
    help: 'POST to the nonce_endpoint of the issuer metadata (e.g. https://issuer.example/nonce) and put the returned c_nonce in the nonce claim of every key proof, e.g. nonce: wKI4LT17ac15ES9bw8ac4.',
  },
  proof_nonce_expired: {
    error: 'invalid_nonce',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The key proof nonce is a c_nonce that has expired: get a fresh one from the Nonce Endpoint',
    title: 'Key proof nonce expired',
    help: 'Get the c_nonce from the Nonce Endpoint right before the credential request and sign the key proofs with it at once; a c_nonce expires after a few minutes (300 seconds by default).',
  },
  proof_nonce_invalid: {
    error: 'invalid_nonce',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The key proof nonce is not a valid c_nonce: get a fresh one from the Nonce Endpoint',
    title: 'Key proof nonce is not valid',
    help: 'POST to the Nonce Endpoint for a fresh c_nonce and sign new key proofs with it as the nonce claim (a string). A c_nonce expires and is good for one credential request only.',
  },

  // Credential offers fetched by reference (OID4VCI 1.0 Section 4.1.3)
  offer_expired: {
    error: 'invalid_request',
    spec_ref: OFFER_BY_REFERENCE,
    description: 'The credential offer has expired',
    title: 'Credential offer expired',
    help: 'The wallet fetched the credential_offer_uri after the offer expired (15 minutes after creation by default). Fetch the offer as soon as it is scanned, or ask the issuer for a new credential offer.',
  },
  offer_unknown: {
    error: 'invalid_request',
    spec_ref: OFFER_BY_REFERENCE,
    description: 'The credential offer is unknown',
    title: 'Credential offer unknown',
    help: 'Fetch the credential_offer_uri exactly as it appears in the openid-credential-offer link (URL-decoded once, nothing appended). An offer that was erased is unknown too: ask the issuer for a new one.',
  },

  // Pre-authorized codes and the token endpoint (OID4VCI 1.0 Section 6.3)
  grant_code_invalid: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code is not valid',
    title: 'Pre-authorized code not recognised',
    help: 'Send the pre-authorized_code of the credential offer unchanged (from grants, under urn:ietf:params:oauth:grant-type:pre-authorized_code), form-urlencoded, to the token endpoint of the same issuer. If it still fails, ask the issuer for a new offer.',
  },
  grant_code_expired: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code has expired',
    title: 'Pre-authorized code expired',
    help: 'Pre-authorized codes are short-lived: redeem the code soon after the offer is received. Ask the issuer for a new credential offer.',
  },
  token_request_invalid: {
    error: 'invalid_request',
    spec_ref: 'RFC 6749 Section 5.2',
    description: 'The token request is missing a required parameter or is otherwise malformed',
    title: 'Token request malformed',
    help: 'POST the token request as application/x-www-form-urlencoded with grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code and pre-authorized_code=<code from the offer>, plus tx_code when the offer asks for one.',
  },
  token_grant_type_unsupported: {
    error: 'unsupported_grant_type',
    compares: 'grant_type',
    spec_ref: 'RFC 6749 Section 5.2',
    description: 'The grant_type is not supported by this authorization server',
    title: 'Grant type not supported',
    help: 'Use a grant_type listed in grant_types_supported of the authorization server metadata, e.g. grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code with the pre-authorized_code of the credential offer.',
  },
  token_code_used: {
    error: 'invalid_grant',
    spec_ref: OFFER_PARAMETERS,
    description: 'The pre-authorized code has already been used',
    title: 'Pre-authorized code already used',
    help: 'A pre-authorized code can be redeemed once: keep the access token of the first token response and use it for further credential requests. To start over, ask the issuer for a new credential offer.',
  },
  token_code_locked: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The pre-authorized code is locked after too many wrong transaction codes',
    title: 'Pre-authorized code locked',
    help: 'Too many wrong tx_code values were sent for this pre-authorized code, so it cannot be redeemed any more. Ask the issuer for a new credential offer.',
  },
  token_tx_code_missing: {
    error: 'invalid_request',
    spec_ref: TOKEN_ERRORS,
    description: 'The credential offer requires a tx_code and the token request has none',
    title: 'Transaction code missing',
    help: 'The offer carries a tx_code object (even an empty one means a code is required): ask the user for the transaction code they received separately and send it as tx_code in the token request, e.g. tx_code=493536.',
  },
  token_tx_code_unexpected: {
    error: 'invalid_request',
    spec_ref: TOKEN_ERRORS,
    description: 'The token request carries a tx_code the credential offer did not ask for',
    title: 'Transaction code not expected',
    help: 'Send tx_code only when the credential offer has a tx_code object; this offer has none, so remove the tx_code parameter from the token request.',
  },
  token_tx_code_wrong: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The tx_code is wrong',
    title: 'Transaction code wrong',
    help: 'Ask the user to enter the transaction code again (the offer tx_code object gives its input_mode and length) and send it unchanged as tx_code. Repeated wrong codes lock the pre-authorized code.',
  },
  token_tx_code_wrong_locked: {
    error: 'invalid_grant',
    spec_ref: TOKEN_ERRORS,
    description: 'The tx_code is wrong, and the pre-authorized code is now locked',
    title: 'Transaction code wrong, code now locked',
    help: 'This was the last attempt allowed: the pre-authorized code cannot be redeemed any more. Ask the issuer for a new credential offer.',
  },

  // Access tokens at the credential endpoint (RFC 6750 Section 3.1, RFC 9449 Section 7)
  access_token_missing: {
    error: 'invalid_token',
    spec_ref: 'RFC 9449 Section 7.1',
    description: 'The request carries no access token: send Authorization: DPoP <token> with a DPoP proof',
    title: 'Access token missing',
    help: 'Send the access_token of the token response in the Authorization header with its token_type, e.g. Authorization: DPoP eyJhbGciOiJFUzI1NiIs..., together with a DPoP header holding a new proof for this request.',
  },
  access_token_invalid: {
    error: 'invalid_token',
    compares: 'exp claim of the access token',
    spec_ref: 'RFC 6750 Section 3.1',
    description: 'The access token is not valid: it does not verify, has expired, or was not issued for this issuer',
    title: 'Access token not valid',
    help: 'Send the access_token exactly as returned by the token endpoint of this issuer and before expires_in has passed; an expired token needs a new token request (for a pre-authorized code, a new offer). Request the token with a DPoP proof: tokens that are not DPoP-bound are refused unless the deployment allows Bearer tokens.',
  },
  access_token_revoked: {
    error: 'invalid_token',
    spec_ref: 'RFC 6749 Section 4.1.2',
    description: 'The access token was revoked: its authorization code was used twice',
    title: 'Access token revoked',
    help: 'The authorization code behind this token was redeemed a second time, so every token issued for it was revoked. Start a new authorization and redeem its code once.',
  },
  access_token_in_query: {
    error: 'invalid_request',
    spec_ref: 'RFC 9700 Section 4.3.2',
    description: 'An access token in the query string is refused: send it in the Authorization header',
    title: 'Access token in the query string',
    help: 'Remove access_token from the URL and send the token in the Authorization header instead, e.g. Authorization: DPoP eyJhbGciOiJFUzI1NiIs... with a DPoP proof. Tokens in URLs leak into logs and browser history.',
  },
  access_token_scheme_mismatch: {
    error: 'invalid_token',
    compares: 'Authorization scheme',
    spec_ref: 'RFC 9449 Section 7.2',
    description: 'The access token is DPoP-bound and must be sent with the DPoP scheme and a DPoP proof',
    title: 'DPoP-bound token sent as Bearer',
    help: 'Present this token with the DPoP scheme, Authorization: DPoP <token>, not Bearer, and add a DPoP header with a proof signed by the key the token is bound to. The token response said token_type DPoP.',
  },
  access_token_key_mismatch: {
    error: 'invalid_token',
    compares: 'thumbprint of the DPoP proof key',
    spec_ref: 'RFC 9449 Section 7.1',
    description: 'The DPoP proof key is not the key the access token is bound to',
    title: 'DPoP key is not the token key',
    help: 'Sign the DPoP proof with the same key pair that signed the DPoP proof at the token endpoint: the access token is bound to its thumbprint (cnf.jkt). Keep that DPoP key for as long as the token is used.',
  },

  // Credential requests (OID4VCI 1.0 Section 8.2 and 8.3.1.2)
  credential_request_malformed: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The credential request is malformed',
    title: 'Credential request malformed',
    help: 'Send a JSON object as the body with credential_configuration_id as a string from credential_configuration_ids of the offer, e.g. {credential_configuration_id: UniversityDegree_SD_JWT, proofs: {jwt: [...]}}.',
  },
  credential_request_both_ids: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'Send exactly one of credential_configuration_id and credential_identifier',
    title: 'Not exactly one credential id',
    help: 'Send exactly one of the two: credential_identifier when the token response had authorization_details with credential_identifiers, otherwise credential_configuration_id from the offer, e.g. credential_configuration_id: UniversityDegree_SD_JWT.',
  },
  credential_identifier_unknown: {
    error: 'unknown_credential_identifier',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The credential_identifier is not one this issuer gave out for this access token',
    title: 'Credential identifier unknown',
    help: 'Send credential_identifier only with a value from authorization_details[].credential_identifiers of the token response. When the token response has none, as for pre-authorized access here, send credential_configuration_id instead.',
  },
  credential_identifier_required: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'The token response gave credential_identifiers: send credential_identifier, not credential_configuration_id',
    title: 'Credential identifier required',
    help: 'The token response had authorization_details with credential_identifiers, so name the credential by one of them, e.g. credential_identifier: eu.europa.ec.eudi.pid_vc_sd_jwt, and leave credential_configuration_id out.',
  },
  credential_configuration_unknown: {
    error: 'unknown_credential_configuration',
    compares: 'credential_configuration_id',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The credential_configuration_id is not in the issuer metadata',
    title: 'Credential configuration unknown',
    help: 'Send a credential_configuration_id that is a key of credential_configurations_supported in the issuer metadata, spelled exactly (case-sensitive) as in credential_configuration_ids of the offer, e.g. UniversityDegree_SD_JWT.',
  },
  credential_configuration_not_offered: {
    error: 'credential_request_denied',
    compares: 'credential_configuration_id',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The access token was not issued for this credential configuration',
    title: 'Configuration not covered by the token',
    help: 'Request only the credential configurations of the offer this access token was issued for (the detail lists them). For another configuration, redeem an offer that includes it.',
  },
  credential_proofs_missing: {
    error: 'invalid_proof',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The request has no proofs: send proofs with one jwt proof per key to bind',
    title: 'Key proofs missing',
    help: 'Add a proofs object with one key proof per key to bind, e.g. proofs: {jwt: [eyJ...]}, each with typ openid4vci-proof+jwt, aud set to the Credential Issuer Identifier and nonce set to a fresh c_nonce.',
  },
  credential_proofs_malformed: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'proofs must be an object with exactly one proof type whose value is a non-empty array',
    title: 'Proofs object malformed',
    help: 'Send proofs as an object with exactly one member, the proof type, whose value is a non-empty array of proof JWT strings, e.g. proofs: {jwt: [eyJ..., eyJ...]}.',
  },
  credential_request_draft_shape: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'The request identifies the credential by format (an earlier draft): OID4VCI 1.0 takes credential_configuration_id',
    title: 'Draft-shaped credential request',
    help: 'Send credential_configuration_id with one of the ids from credential_configurations_supported in the issuer metadata, e.g. credential_configuration_id: eu.europa.ec.eudi.pid_vc_sd_jwt, instead of format plus vct, doctype or credential_definition.',
  },
  credential_request_draft_mapped: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'The request used the draft shape (format, singular proof); it was mapped to the matching configuration',
    title: 'Draft-shaped request accepted by mapping',
    help: 'This issuer mapped the request for compatibility. Send credential_configuration_id (named in this entry) and proofs: {jwt: [...]} as OID4VCI 1.0 defines them; other issuers will refuse the draft shape.',
  },
  credential_proof_singular: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The request uses the draft proof parameter: OID4VCI 1.0 takes proofs with a jwt array',
    title: 'Draft proof parameter used',
    help: 'Replace the draft-13 proof object, proof: {proof_type: jwt, jwt: eyJ...}, with the OID4VCI 1.0 proofs object, proofs: {jwt: [eyJ...]}.',
  },
  credential_proof_type_unsupported: {
    error: 'invalid_proof',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'The proof type is not supported: send jwt proofs, or an attestation proof where the metadata lists it',
    title: 'Proof type not supported',
    help: 'Send proofs of a type listed in proof_types_supported of the configuration in the issuer metadata: jwt, proofs: {jwt: [...]}, or where listed attestation, proofs: {attestation: [one key attestation]}; di_vp is not accepted.',
  },
  credential_batch_too_large: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 12.2.4',
    description: 'More proofs (or attested keys) than the credential configuration accepts in one request',
    title: 'Too many key proofs',
    help: 'Send at most batch_credential_issuance.batch_size proofs (from the issuer metadata) in proofs.jwt, or attested_keys in one attestation proof, e.g. 10 when batch_size is 10; the most this configuration takes is in this entry. For more credentials, make further credential requests with the same access token.',
    compares: 'number of key proofs, or of attested_keys, against the configuration batch size',
  },
  credential_proof_keys_repeated: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Section 3.3.2',
    description: 'Each proof in a batch must use a different key',
    title: 'Same key in several key proofs',
    help: 'Generate a distinct key pair for every proof in proofs.jwt: each credential of a batch is bound to its own key, so two proofs with the same public key are refused.',
  },
  credential_nonce_used: {
    error: 'invalid_nonce',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The c_nonce was used by another request: get a fresh one from the Nonce Endpoint',
    title: 'Key proof nonce already used',
    help: 'POST to the Nonce Endpoint for a new c_nonce before every credential request and sign the key proofs of that request with it; a c_nonce is consumed by the first request that uses it.',
  },
  credential_request_encryption_required: {
    error: 'invalid_encryption_parameters',
    spec_ref: ENCRYPTION_SECTION,
    description:
      'This issuer requires encrypted credential requests: send the request as a JWE with Content-Type application/jwt',
    title: 'Credential request not encrypted',
    help: 'The issuer metadata says credential_request_encryption.encryption_required is true: encrypt the JSON credential request to one of its jwks (alg ECDH-ES, kid in the JWE header) and POST the compact JWE with Content-Type: application/jwt.',
  },
  credential_request_encryption_unsupported: {
    error: 'invalid_encryption_parameters',
    compares: 'JWE header parameter',
    spec_ref: ENCRYPTION_SECTION,
    description: 'The encrypted credential request uses an unsupported JWE alg, enc, zip or kid',
    title: 'Unsupported request encryption',
    help: 'Encrypt the request with alg ECDH-ES to a key of credential_request_encryption.jwks (its kid in the JWE header), an enc of enc_values_supported (A128GCM or A256GCM) and zip only from zip_values_supported (DEF).',
  },
  credential_request_undecryptable: {
    error: 'invalid_encryption_parameters',
    spec_ref: ENCRYPTION_SECTION,
    description: 'The encrypted credential request could not be decrypted',
    title: 'Credential request not decryptable',
    help: 'Send one JWE in compact serialisation (five dot-separated parts) encrypted to the current key of credential_request_encryption.jwks in the issuer metadata; fetch the metadata again if the issuer may have changed its key.',
  },
  credential_response_encryption_required: {
    error: 'invalid_encryption_parameters',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'This issuer requires encrypted credential responses: send credential_response_encryption in the request',
    title: 'Response encryption missing',
    help: 'The issuer metadata says credential_response_encryption.encryption_required is true: add credential_response_encryption {jwk, enc} to the (encrypted) credential request, with a P-256 public jwk whose alg is ECDH-ES and enc A128GCM or A256GCM.',
  },
  credential_response_encryption_unprotected: {
    error: 'invalid_encryption_parameters',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'credential_response_encryption is only accepted in an encrypted credential request',
    title: 'Response encryption in a plain request',
    help: 'A request that carries credential_response_encryption must itself be encrypted, so that nobody can substitute the key: encrypt it to credential_request_encryption.jwks and POST it with Content-Type: application/jwt.',
  },
  credential_response_encryption_invalid: {
    error: 'invalid_encryption_parameters',
    compares: 'credential_response_encryption',
    spec_ref: CREDENTIAL_REQUEST,
    description:
      'The credential_response_encryption parameters are missing a key or name an unsupported alg, enc or zip',
    title: 'Unsupported response encryption',
    help: 'Send credential_response_encryption with jwk (a public EC P-256 key with alg ECDH-ES), enc from enc_values_supported (A128GCM or A256GCM) and zip only from zip_values_supported (DEF), e.g. {jwk: {kty: EC, crv: P-256, x, y, alg: ECDH-ES}, enc: A128GCM}.',
  },
  credential_request_not_json: {
    error: 'invalid_credential_request',
    compares: 'Content-Type',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The credential request must be a JSON body with Content-Type application/json',
    title: 'Credential request is not JSON',
    help: 'POST the credential request with the header Content-Type: application/json and a JSON object body, or encrypted as a JWE with Content-Type: application/jwt when the issuer advertises credential_request_encryption; form-encoded bodies are not accepted.',
  },
  credential_request_json_invalid: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The credential request body is not valid JSON',
    title: 'Credential request body is not valid JSON',
    help: 'Send one JSON object as the body, serialised by a JSON library rather than by string concatenation: quoted member names, no trailing commas, e.g. {credential_configuration_id: ..., proofs: {jwt: [...]}} in JSON syntax.',
  },
  credential_claims_missing: {
    error: 'credential_request_denied',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'No claims were supplied for this credential configuration when the session was created',
    title: 'No claims for this configuration',
    help: 'Nothing to change in the wallet: the issuer created this session without claims for the requested configuration. The issuer operator must supply them when creating the session and send a new offer.',
  },
  credential_session_unavailable: {
    error: 'credential_request_denied',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'The issuance session is unknown or was erased',
    title: 'Issuance session unavailable',
    help: 'The issuance session behind this access token is unknown or was erased, so retrying with the same token will not help. Ask the issuer for a new credential offer.',
  },

  // Authorization code flow: PAR (RFC 9126), authorization request (RFC 6749 Section 4.1, RFC 7636, RFC 9396), token
  par_method_not_allowed: {
    error: 'invalid_request',
    spec_ref: 'RFC 9126 Section 2.1',
    description: 'Pushed authorization requests must be sent with POST',
    title: 'PAR request not sent with POST',
    help: 'POST the authorization request parameters to the pushed_authorization_request_endpoint as application/x-www-form-urlencoded, e.g. response_type=code&client_id=...&code_challenge=...; GET is refused.',
  },
  par_required: {
    error: 'invalid_request',
    spec_ref: 'RFC 9126 Section 5',
    description:
      'This authorization server requires pushed authorization requests: send request_uri from the PAR endpoint',
    title: 'Pushed authorization request required',
    help: 'POST the parameters to the pushed_authorization_request_endpoint first, then open the authorization endpoint with only client_id and the returned request_uri, e.g. /authorize?client_id=...&request_uri=urn:ietf:params:oauth:request_uri:... (require_pushed_authorization_requests is true).',
  },
  par_request_uri_unknown: {
    error: 'invalid_request_uri',
    spec_ref: 'RFC 9126 Section 4',
    description: 'The request_uri is not one this authorization server issued',
    title: 'Request URI not recognised',
    help: 'Send the request_uri exactly as returned by the pushed_authorization_request_endpoint of this authorization server, together with the same client_id. Push the request again if in doubt.',
  },
  par_request_uri_expired: {
    error: 'invalid_request_uri',
    spec_ref: 'RFC 9126 Section 4',
    description: 'The request_uri has expired',
    title: 'Request URI expired',
    help: 'Open the authorization endpoint within expires_in seconds of the PAR response; push the authorization request again to get a fresh request_uri.',
  },
  par_request_uri_used: {
    error: 'invalid_request_uri',
    spec_ref: 'RFC 9126 Section 4',
    description: 'The request_uri has already been used to complete an authorization',
    title: 'Request URI already used',
    help: 'A request_uri is good for one authorization: push the authorization request again (with a new code_challenge) for every new authorization.',
  },
  par_request_uri_client_mismatch: {
    error: 'invalid_request_uri',
    compares: 'client_id',
    spec_ref: 'RFC 9126 Section 4',
    description: 'The request_uri was pushed by another client',
    title: 'Request URI of another client',
    help: 'Send the same client_id at the authorization endpoint as in the pushed authorization request; a request_uri is bound to the client that pushed it.',
  },
  authorization_request_invalid: {
    error: 'invalid_request',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'The authorization request is missing a required parameter or is malformed',
    title: 'Authorization request malformed',
    help: 'Send response_type=code, client_id, redirect_uri, code_challenge with code_challenge_method=S256, and scope or authorization_details (plus issuer_state from the offer), each parameter once.',
  },
  authorization_response_type_unsupported: {
    error: 'unsupported_response_type',
    compares: 'response_type',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'Only response_type=code is supported',
    title: 'Response type not supported',
    help: 'Send response_type=code: this authorization server implements the authorization code flow only (response_types_supported in its metadata).',
  },
  authorization_redirect_uri_invalid: {
    error: 'invalid_request',
    spec_ref: 'RFC 6749 Section 3.1.2',
    description: 'The redirect_uri is missing, malformed or not registered for this client',
    title: 'Redirect URI not accepted',
    help: 'Send a redirect_uri that is an absolute URI without a fragment and, for a registered client, exactly one of its registered redirect URIs (compared character by character), e.g. redirect_uri=openid://callback or https://wallet.example/cb.',
  },
  authorization_client_not_allowed: {
    error: 'unauthorized_client',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'The client is not allowed to request credentials from this issuer',
    title: 'Client not allowed',
    help: 'The deployment only admits listed or attested wallets: ask the issuer operator to register this client_id, or authenticate with a wallet attestation from a trusted wallet provider (OAuth-Client-Attestation headers).',
  },
  pkce_missing: {
    error: 'invalid_request',
    spec_ref: 'RFC 7636 Section 4.4.1',
    description: 'PKCE is required: send code_challenge with code_challenge_method=S256',
    title: 'PKCE code_challenge missing',
    help: 'Generate a random code_verifier (43 to 128 characters), send code_challenge=BASE64URL(SHA256(code_verifier)) and code_challenge_method=S256 in the authorization request, and the code_verifier at the token endpoint.',
  },
  pkce_method_unsupported: {
    error: 'invalid_request',
    compares: 'code_challenge_method',
    spec_ref: 'RFC 7636 Section 4.4.1',
    description: 'Only code_challenge_method=S256 is supported',
    title: 'PKCE method not supported',
    help: 'Send code_challenge_method=S256 with code_challenge=BASE64URL(SHA256(code_verifier)); the plain method is refused (code_challenge_methods_supported lists S256 only).',
  },
  authorization_scope_invalid: {
    error: 'invalid_scope',
    spec_ref: 'OID4VCI 1.0 Section 5.1.2',
    description: 'The scope names no credential configuration this issuer offers',
    title: 'Scope names no credential',
    help: 'Send as scope the scope value of a credential configuration in the issuer metadata, e.g. scope=eu.europa.ec.eudi.pid_vc_sd_jwt, or use authorization_details of type openid_credential instead.',
  },
  authorization_details_invalid: {
    error: 'invalid_authorization_details',
    spec_ref: 'OID4VCI 1.0 Section 5.1.1',
    description:
      'authorization_details must be a JSON array of objects of type openid_credential with a known credential_configuration_id',
    title: 'Authorization details not accepted',
    help: 'Send authorization_details as a JSON array, e.g. [{type: openid_credential, credential_configuration_id: eu.europa.ec.eudi.pid_vc_sd_jwt}], with ids from credential_configurations_supported of the issuer metadata.',
  },
  authorization_not_offered: {
    error: 'invalid_request',
    spec_ref: 'OID4VCI 1.0 Section 5.1.3',
    description: 'The request asks for credentials the offer behind issuer_state does not include',
    title: 'Credential not in the offer',
    help: 'With issuer_state, ask only for credential configurations listed in credential_configuration_ids of that credential offer (by scope or authorization_details); for others, start without issuer_state or get another offer.',
  },
  issuer_state_invalid: {
    error: 'invalid_request',
    spec_ref: 'OID4VCI 1.0 Section 5.1.3',
    description: 'The issuer_state is not valid: it is not from an offer of this issuer, or the offer expired',
    title: 'Issuer state not valid',
    help: 'Send the issuer_state of the credential offer (grants.authorization_code.issuer_state) unchanged and before the offer expires. Ask the issuer for a new offer when it has expired.',
  },
  authorization_issuer_state_required: {
    error: 'invalid_request',
    spec_ref: 'OID4VCI 1.0 Section 5.1.3',
    description: 'This issuer starts issuance from its own offers only: send the issuer_state of a credential offer',
    title: 'Issuer state required',
    help: 'Open a credential offer of this issuer and send its grants.authorization_code.issuer_state in the authorization request; wallet-initiated issuance (without an offer) is not enabled here.',
  },
  authorization_access_denied: {
    error: 'access_denied',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'The user denied the request',
    title: 'User refused the authorization',
    help: 'Nothing is wrong in the request: the user declined at the issuer. The wallet should tell the user and offer to start again.',
  },
  authorization_login_failed: {
    error: 'access_denied',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'The user did not log in at the identity provider',
    title: 'User login did not complete',
    help: 'The login at the issuer identity provider failed or was cancelled (the detail gives the provider error). The wallet should tell the user and offer to start again.',
  },
  authorization_subject_mismatch: {
    error: 'access_denied',
    spec_ref: 'OID4VCI 1.0 Section 5.1.3',
    description: 'The user who logged in is not the person this offer was made for',
    title: 'Logged-in user is not the offer subject',
    help: 'The offer is personal: open it and log in as the person it was made for. Ask the issuer for an offer of your own otherwise.',
  },
  authorization_session_unavailable: {
    error: 'server_error',
    spec_ref: 'RFC 6749 Section 4.1.2.1',
    description: 'The issuance session could not be created',
    title: 'Issuance session could not be created',
    help: 'Not a wallet error: after the login the issuer could not create the issuance session (its offer service did not answer). Retry later; the operator should check the offer service.',
  },
  dpop_jkt_mismatch: {
    error: 'invalid_request',
    spec_ref: 'RFC 9449 Section 10',
    description: 'The dpop_jkt parameter does not match the key of the DPoP proof',
    title: 'DPoP jkt does not match the DPoP key',
    help: 'Send dpop_jkt equal to the RFC 7638 thumbprint of the public key in the DPoP proof of the same request, or leave dpop_jkt out. Use that one DPoP key for the token request as well.',
  },
  authorization_code_invalid: {
    error: 'invalid_grant',
    spec_ref: 'RFC 6749 Section 5.2',
    description: 'The authorization code is not valid',
    title: 'Authorization code not recognised',
    help: 'Send the code from the redirect to redirect_uri unchanged, form-urlencoded, to the token endpoint of the same authorization server (the iss parameter of the redirect names it).',
  },
  authorization_code_expired: {
    error: 'invalid_grant',
    spec_ref: 'RFC 6749 Section 4.1.2',
    description: 'The authorization code has expired',
    title: 'Authorization code expired',
    help: 'Authorization codes live for 60 seconds: redeem the code as soon as the redirect arrives. Start a new authorization request otherwise.',
  },
  authorization_code_reused: {
    error: 'invalid_grant',
    spec_ref: 'RFC 6749 Section 4.1.2',
    description: 'The authorization code was already used; the tokens issued for it are revoked',
    title: 'Authorization code used twice',
    help: 'Redeem an authorization code once and keep the token response. A second redemption is treated as an attack: the tokens of the first are revoked, so start a new authorization.',
  },
  authorization_code_client_mismatch: {
    error: 'invalid_grant',
    compares: 'client_id',
    spec_ref: 'RFC 6749 Section 4.1.3',
    description: 'The authorization code was issued to another client',
    title: 'Authorization code of another client',
    help: 'Send the same client_id at the token endpoint as in the authorization request that produced the code.',
  },
  authorization_code_redirect_uri_missing: {
    error: 'invalid_grant',
    compares: 'redirect_uri of the token request with the one of the authorization request',
    spec_ref: 'RFC 6749 Section 4.1.3',
    description: 'redirect_uri is required because it was sent in the authorization request',
    title: 'Redirect URI missing at the token endpoint',
    help: 'Send redirect_uri in the token request with exactly the value of the authorization request (the expected value is in this entry), e.g. redirect_uri=openid://. RFC 6749 requires it whenever it was sent at authorize.',
  },
  authorization_code_redirect_uri_mismatch: {
    error: 'invalid_grant',
    compares: 'redirect_uri of the token request with the one of the authorization request',
    spec_ref: 'RFC 6749 Section 4.1.3',
    description: 'redirect_uri differs from the one of the authorization request',
    title: 'Redirect URI differs from authorize',
    help: 'Send redirect_uri in the token request with exactly, character by character, the value sent in the authorization request (the expected value is in this entry).',
  },
  pkce_verifier_missing: {
    error: 'invalid_grant',
    spec_ref: 'RFC 7636 Section 4.6',
    description: 'code_verifier is required: the authorization request used PKCE',
    title: 'PKCE code_verifier missing',
    help: 'Send code_verifier, the random value whose S256 hash was the code_challenge of the authorization request, in the token request.',
  },
  pkce_verifier_mismatch: {
    error: 'invalid_grant',
    spec_ref: 'RFC 7636 Section 4.6',
    description: 'code_verifier does not match the code_challenge of the authorization request',
    title: 'PKCE code_verifier does not match',
    help: 'Send the same code_verifier whose BASE64URL(SHA256(code_verifier)) was sent as code_challenge, e.g. verifier dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk for challenge E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM.',
  },
  token_dpop_key_mismatch: {
    error: 'invalid_grant',
    spec_ref: 'RFC 9449 Section 10',
    description: 'The DPoP key is not the one bound at the authorization request (dpop_jkt)',
    title: 'DPoP key differs from dpop_jkt',
    help: 'Sign the DPoP proof of the token request with the key whose thumbprint was sent as dpop_jkt (or used for DPoP) in the pushed authorization request.',
  },
  refresh_token_invalid: {
    error: 'invalid_grant',
    spec_ref: 'RFC 6749 Section 6',
    description: 'The refresh token is not valid, has expired, or was replaced by a newer one',
    title: 'Refresh token not valid',
    help: 'Send the refresh_token of the latest token response: each use returns a new refresh token and the old one stops working. Start a new authorization when it has expired.',
  },
  refresh_token_binding_mismatch: {
    error: 'invalid_grant',
    spec_ref: 'RFC 9449 Section 5',
    description: 'The refresh token is bound to another client or DPoP key',
    title: 'Refresh token bound to another key',
    help: 'Refresh with the same client_id, the same DPoP key and, when attested, the same wallet instance key as the token request that issued the refresh token.',
  },

  // Wallet attestation: attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth-07)
  client_attestation_missing: {
    error: 'invalid_client',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5',
    description: 'A wallet attestation is required: send OAuth-Client-Attestation and OAuth-Client-Attestation-PoP',
    title: 'Wallet attestation missing',
    help: 'Send the OAuth-Client-Attestation header (the wallet attestation JWT from your wallet provider, typ oauth-client-attestation+jwt) and the OAuth-Client-Attestation-PoP header (typ oauth-client-attestation-pop+jwt, signed by the cnf key) at PAR and token.',
  },
  client_attestation_invalid: {
    error: 'invalid_client_attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.1',
    description: 'The wallet attestation is malformed or misses a required claim (iss, sub, exp, cnf.jwk)',
    title: 'Wallet attestation malformed',
    help: 'Send a compact JWT with header typ oauth-client-attestation+jwt and claims iss (the wallet provider), sub (your client_id), exp and cnf.jwk (the public key that signs the PoP), e.g. sub: did:jwk:eyJ...',
  },
  client_attestation_untrusted: {
    error: 'invalid_client_attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.1',
    description: 'The wallet attestation is not signed by a trusted wallet provider',
    title: 'Wallet attestation not trusted',
    help: 'The attestation signature does not verify with the keys of any wallet provider this issuer trusts (by kid, x5c chain or key). Use an attestation from a trusted provider, or ask the operator to add your provider.',
  },
  client_attestation_expired: {
    error: 'invalid_client_attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.1',
    description: 'The wallet attestation has expired',
    title: 'Wallet attestation expired',
    help: 'Fetch a fresh wallet attestation from your wallet provider: its exp is in the past.',
  },
  client_attestation_client_id_mismatch: {
    error: 'invalid_client_attestation',
    compares: 'client_id with the sub of the wallet attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.1',
    description: 'client_id must equal the sub of the wallet attestation',
    title: 'Client id is not the attestation sub',
    help: 'Send as client_id exactly the sub claim of the wallet attestation (and the same value as iss of the PoP).',
  },
  client_attestation_pop_invalid: {
    error: 'invalid_client_attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.2',
    description: 'The wallet attestation PoP is malformed, or not signed by the cnf key of the attestation',
    title: 'Wallet attestation PoP not valid',
    help: 'Sign a new PoP JWT (typ oauth-client-attestation-pop+jwt; claims iss = client_id, aud = the authorization server issuer, jti, iat) with the private key of cnf.jwk in the wallet attestation.',
  },
  client_attestation_pop_audience: {
    error: 'invalid_client_attestation',
    compares: 'aud claim of the wallet attestation PoP',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.2',
    description: 'The wallet attestation PoP aud is not this authorization server',
    title: 'Wallet attestation PoP for another server',
    help: 'Set aud of the PoP to the issuer identifier of this authorization server (issuer in its metadata), exactly.',
  },
  client_attestation_pop_stale: {
    error: 'use_fresh_attestation',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 5.2',
    description: 'The wallet attestation PoP is too old, dated in the future, or was used before',
    title: 'Wallet attestation PoP not fresh',
    help: 'Create a new PoP for every request, with a new jti and iat set to the current time (this server accepts 5 minutes of age and 30 seconds of clock skew).',
  },
  client_attestation_challenge_required: {
    error: 'use_attestation_challenge',
    spec_ref: 'draft-ietf-oauth-attestation-based-client-auth-07 Section 8',
    description: 'The wallet attestation PoP must carry a challenge from this server',
    title: 'Wallet attestation challenge required',
    help: 'POST to the challenge_endpoint of the authorization server metadata, put the returned attestation_challenge in the challenge claim of a new PoP and send the request again.',
  },

  // Key attestation (OID4VCI 1.0 Appendix D; HAIP 1.0 Section 4.5.1)
  key_attestation_missing: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix D',
    description:
      'A key attestation is required (HAIP 1.0 Section 4.5.1, OID4VCI 1.0 Appendix D): send key_attestation in the proof header or an attestation proof',
    title: 'Key attestation missing',
    help: 'Put a key attestation JWT (typ key-attestation+jwt, attested_keys holding the proof key) from a trusted attester in the key_attestation header of each jwt proof, or send proofs: {attestation: [...]}.',
  },
  key_attestation_invalid: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix D.1',
    description: 'The key attestation is malformed or misses a required claim (iat, attested_keys)',
    title: 'Key attestation malformed',
    help: 'Send a compact JWT with header typ key-attestation+jwt and an x5c or kid of the attester, and claims iat and attested_keys (a non-empty array of public JWKs), optionally key_storage, user_authentication, exp and nonce.',
  },
  key_attestation_untrusted: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix D.1',
    description: 'The key attestation is not signed by a trusted attester',
    title: 'Key attestation not trusted',
    help: 'The key attestation signature does not verify with any attester key this issuer trusts (x5c chain to a configured root, or a configured key). Use an attestation from a trusted wallet provider.',
  },
  key_attestation_expired: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix D.1',
    description: 'The key attestation has expired',
    title: 'Key attestation expired',
    help: 'Get a new key attestation from the wallet provider: its exp is in the past.',
  },
  key_attestation_nonce_missing: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix F.3',
    description: 'An attestation proof must carry the c_nonce in its nonce claim',
    title: 'Attestation proof has no nonce',
    help: 'POST to the nonce_endpoint for a c_nonce and have the key attestation of an attestation proof issued with it as the nonce claim, e.g. nonce: wKI4LT17ac15ES9bw8ac4.',
  },
  key_attestation_key_not_attested: {
    error: 'invalid_proof',
    spec_ref: 'OID4VCI 1.0 Appendix F.1',
    description: 'The proof key is not among the attested_keys of its key attestation',
    title: 'Proof key not in the key attestation',
    help: 'Sign the proof with a key listed in attested_keys of the key attestation in its header, or attach the key attestation that covers the proof key.',
  },

  // Misuse by our own code: never the wallet's fault
  request_uri_invalid: {
    error: 'server_error',
    spec_ref: DPOP,
    description: 'The server passed a request URI that is not an absolute http or https URI',
    title: 'Server request URI misconfigured',
    help: 'Not a wallet error: the server checks DPoP htu against a URI that is not absolute http or https. The operator must configure the public URL of the deployment, e.g. https://issuer.example.',
  },
  grant_key_invalid: {
    error: 'server_error',
    spec_ref: 'RFC 7518 Section 5.3',
    description: 'The pre-authorized code key must be 32 bytes',
    title: 'Pre-authorized code key misconfigured',
    help: 'Not a wallet error: the key that seals pre-authorized codes (A256GCM) must be exactly 32 bytes. The operator must configure 32 random bytes, shared by the offer service and the authorization server.',
  },
  grant_payload_invalid: {
    error: 'server_error',
    spec_ref: OFFER_PARAMETERS,
    description: 'The pre-authorized code payload is invalid',
    title: 'Pre-authorized code payload invalid',
    help: 'Not a wallet error: a pre-authorized code was to be sealed without a session id, an integer exp, a non-empty list of configuration ids or a well-formed tx_code. Fix the caller that creates the offer.',
  },
  issuance_input_invalid: {
    error: 'server_error',
    spec_ref: 'OID4VCI 1.0 Appendix A',
    description: 'The credential cannot be issued from the given input',
    title: 'Credential cannot be built',
    help: 'Not a wallet error: the issuer could not build or sign the credential from its configuration and session data (issuer key, x5c, vct or type, claims, validity). The operator should read the detail and fix the issuer configuration or the session claims.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type Oid4vcReason = keyof typeof OID4VC_REASONS;

/** How the diagnostics timeline explains a reason: the wire code, a headline, how to fix it, and the spec section. */
export interface Oid4vcExplanation {
  error: Oid4vcErrorCode;
  title: string;
  help: string;
  spec_ref: string;
  /** What the request was checked against, for reasons that compare an expected with a provided value. */
  compares?: string;
}

/**
 * Explains a reason, e.g. the `reason` string of a recorded rejection event. Undefined for a
 * reason this catalogue does not know (written by another release, or not a reason at all).
 * What was wrong in the one request (`expected` / `provided`) is the caller's to add.
 */
export function explain(reason: Oid4vcReason | string): Oid4vcExplanation | undefined {
  if (typeof reason !== 'string' || !Object.prototype.hasOwnProperty.call(OID4VC_REASONS, reason)) return undefined;
  const { error, title, help, spec_ref, compares }: CatalogueEntry = OID4VC_REASONS[reason as Oid4vcReason];
  return { error, title, help, spec_ref, ...(compares ? { compares } : {}) };
}

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
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const safe = toErrorDescription(text);
  return `'${safe.length > max ? `${safe.slice(0, max)}...` : safe}'`;
}

const MAX_COMPARED = 200;

/**
 * A value for `expected` / `provided`: description-safe, at most 200 characters, a URL without its
 * query, and anything that looks like a JWT reduced to a placeholder (it never is one by design,
 * but a wallet may put one where a claim belongs).
 */
export function comparedValue(value: unknown): string {
  const text = Array.isArray(value)
    ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ')
    : typeof value === 'string'
      ? value
      : (JSON.stringify(value) ?? String(value));
  const safe = toErrorDescription(text.replace(/^(https?:\/\/[^?#\s]*)[?#].*$/, '$1')).replace(
    /eyJ[\w-]*\.[\w-]*\.[\w.~-]*/g,
    '<jwt>',
  );
  return safe.length > MAX_COMPARED ? `${safe.slice(0, MAX_COMPARED)}...` : safe;
}

/** What the diagnostics timeline records of a failure. */
export interface Oid4vcDiagnostic {
  error: Oid4vcErrorCode;
  reason: Oid4vcReason;
  spec_ref: string;
  error_description: string;
  expected?: string;
  provided?: string;
}

/** A diagnostic as a rejection event stores it (its `reason` a plain string). */
export type RecordedDiagnostic = Pick<Oid4vcDiagnostic, 'error_description' | 'expected' | 'provided'> & {
  reason: string;
};

/**
 * A protocol failure. `error` and `error_description` go on the wire; `reason`, `spec_ref` and,
 * for a comparison, `expected` / `provided` go to the diagnostics timeline.
 */
export class Oid4vcError extends Error {
  readonly error: Oid4vcErrorCode;
  readonly error_description: string;
  readonly reason: Oid4vcReason;
  readonly spec_ref: string;
  /** Set only for reasons whose catalogue entry `compares` something: never a secret. */
  readonly expected?: string;
  readonly provided?: string;

  constructor(
    reason: Oid4vcReason,
    detail?: string,
    options?: { cause?: unknown; expected?: unknown; provided?: unknown },
  ) {
    const entry: CatalogueEntry = OID4VC_REASONS[reason];
    const description = toErrorDescription(detail ? `${entry.description} (${detail})` : entry.description);
    super(description, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'Oid4vcError';
    this.error = entry.error;
    this.error_description = description;
    this.reason = reason;
    this.spec_ref = entry.spec_ref;
    if (entry.compares && options && 'expected' in options) this.expected = comparedValue(options.expected);
    if (entry.compares && options && 'provided' in options) this.provided = comparedValue(options.provided);
  }

  /**
   * The error a recorded refusal answers with: a rejection event (`token_rejected`,
   * `authorization_denied`, ...) holds the diagnostic, and the wire answer is derived from it, so
   * what the wallet is told and what the timeline shows cannot differ.
   */
  static fromDiagnostic(diagnostic: RecordedDiagnostic): Oid4vcError {
    if (!Object.prototype.hasOwnProperty.call(OID4VC_REASONS, diagnostic.reason))
      throw new Error(`not a reason of the error catalogue: ${diagnostic.reason}`);
    const error = new Oid4vcError(diagnostic.reason as Oid4vcReason);
    return Object.assign(error, {
      message: diagnostic.error_description,
      error_description: diagnostic.error_description,
      ...(diagnostic.expected !== undefined ? { expected: diagnostic.expected } : {}),
      ...(diagnostic.provided !== undefined ? { provided: diagnostic.provided } : {}),
    });
  }

  /** The JSON error body of the response. */
  toResponseBody(): { error: Oid4vcErrorCode; error_description: string } {
    return { error: this.error, error_description: this.error_description };
  }

  /** What the diagnostics timeline records. */
  toDiagnostic(): Oid4vcDiagnostic {
    return {
      error: this.error,
      reason: this.reason,
      spec_ref: this.spec_ref,
      error_description: this.error_description,
      ...(this.expected !== undefined ? { expected: this.expected } : {}),
      ...(this.provided !== undefined ? { provided: this.provided } : {}),
    };
  }
}

export function isOid4vcError(value: unknown): value is Oid4vcError {
  return value instanceof Oid4vcError;
}
