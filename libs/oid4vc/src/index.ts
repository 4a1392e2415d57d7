export { OID4VC_REASONS, Oid4vcError, explain, isOid4vcError, toErrorDescription } from './errors';
export type { Oid4vcDiagnostic, Oid4vcErrorCode, Oid4vcExplanation, Oid4vcReason, RecordedDiagnostic } from './errors';
export {
  ASYMMETRIC_SIGNING_ALGS,
  accessTokenHash,
  isObject,
  isPrivateOrSymmetricJwk,
  jwkThumbprint,
  publicJwk,
} from './jwk';
export type { JWK } from './jwk';
export { normalizeHtu, verifyDpopProof } from './dpop';
export type { VerifiedDpopProof, VerifyDpopProofOptions } from './dpop';
export { verifyCredentialProof } from './key-proof';
export type {
  ExpectedNonce,
  HolderKeySource,
  VerifiedCredentialProof,
  VerifyCredentialProofOptions,
} from './key-proof';
export { didJwkFromJwk, didKeyFromP256Jwk, resolveKeyDid } from './did';
export type { DidKeyResolution } from './did';
export type { IssuerPrivateKey, IssuerSigningInput } from './signing';
export { SD_JWT_VC_TYP, issueSdJwtVc } from './sd-jwt-vc';
export type { IssueSdJwtVcOptions } from './sd-jwt-vc';
export { VCDM_1_1_CONTEXT, issueJwtVcJson } from './jwt-vc-json';
export type { IssueJwtVcJsonOptions } from './jwt-vc-json';
export { GRANT_CODE_TYP, openGrantCode, sealGrantCode, subjectIdHash } from './grant-code';
export type { GrantCodePayload, GrantCodeTxCode, GrantUse } from './grant-code';
export { checkPkceChallenge, pkceS256Challenge, verifyPkce } from './pkce';
export { verifyTrustedJwt } from './trusted-jwt';
export type { TrustList, TrustedJwt } from './trusted-jwt';
export { verifyClientAttestation } from './client-attestation';
export type { VerifiedClientAttestation, VerifyClientAttestationOptions } from './client-attestation';
export { KEY_ATTESTATION_TYP, verifyKeyAttestation } from './key-attestation';
export type { VerifiedKeyAttestation } from './key-attestation';
export {
  ENCRYPTION_ALGS,
  ENCRYPTION_ENCS,
  ENCRYPTION_ZIPS,
  decryptCredentialRequest,
  encryptCredentialResponse,
  responseEncryptionOf,
} from './encryption';
export type { ResponseEncryption } from './encryption';
