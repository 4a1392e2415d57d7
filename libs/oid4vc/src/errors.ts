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
    description: 'The key proof kid is not supported: use jwk or x5c, or a kid that is a did:jwk or a did:key of a P-256 key',
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
    description: 'The request identifies the credential by format (an earlier draft): OID4VCI 1.0 takes credential_configuration_id',
    title: 'Draft-shaped credential request',
    help: 'Send credential_configuration_id with one of the ids from credential_configurations_supported in the issuer metadata, e.g. credential_configuration_id: eu.europa.ec.eudi.pid_vc_sd_jwt, instead of format plus vct, doctype or credential_definition.',
  },
  credential_request_draft_mapped: {
    error: 'invalid_credential_request',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The request used the draft shape (format, singular proof); it was mapped to the matching configuration',
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
    description: 'Only the jwt proof type is supported',
    title: 'Proof type not supported',
    help: 'Send key proofs of the jwt proof type, proofs: {jwt: [...]}, as listed in proof_types_supported of the configuration in the issuer metadata; di_vp and attestation proofs are not accepted.',
  },
  credential_batch_too_large: {
    error: 'invalid_credential_request',
    spec_ref: 'OID4VCI 1.0 Section 12.2.4',
    description: 'More proofs than batch_credential_issuance.batch_size allows',
    title: 'Too many key proofs',
    help: 'Send at most batch_credential_issuance.batch_size proofs (from the issuer metadata) in proofs.jwt, e.g. 10 when batch_size is 10. For more credentials, make further credential requests with the same access token.',
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
  credential_encryption_unsupported: {
    error: 'invalid_encryption_parameters',
    spec_ref: CREDENTIAL_ERRORS,
    description: 'This issuer does not encrypt credential responses (none is advertised): send the request without credential_response_encryption',
    title: 'Response encryption not supported',
    help: 'Remove credential_response_encryption from the credential request: the issuer metadata has no credential_response_encryption, so responses come as plain JSON over TLS.',
  },
  credential_request_not_json: {
    error: 'invalid_credential_request',
    compares: 'Content-Type',
    spec_ref: CREDENTIAL_REQUEST,
    description: 'The credential request must be a JSON body with Content-Type application/json',
    title: 'Credential request is not JSON',
    help: 'POST the credential request with the header Content-Type: application/json and a JSON object body; form-encoded bodies and encrypted application/jwt requests are not accepted.',
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
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
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
  const text = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(' ') : typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const safe = toErrorDescription(text.replace(/^(https?:\/\/[^?#\s]*)[?#].*$/, '$1')).replace(/eyJ[\w-]*\.[\w-]*\.[\w.~-]*/g, '<jwt>');
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

  constructor(reason: Oid4vcReason, detail?: string, options?: { cause?: unknown; expected?: unknown; provided?: unknown }) {
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
