import { batchSizeOf, type CredentialConfiguration, type IssuerConfig } from '@hallmark/issuer-config';
import type { PublicEncryptionJwk } from '@hallmark/issuer-keys';
import { ENCRYPTION_ALGS, ENCRYPTION_ENCS, ENCRYPTION_ZIPS } from '@hallmark/oid4vc';

/** What every configuration supports today: key binding by JWK, ES256, jwt proofs. */
const binding = {
  cryptographic_binding_methods_supported: ['jwk'],
  credential_signing_alg_values_supported: ['ES256'],
  proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
};

function configurationMetadata(
  c: CredentialConfiguration,
  keyAttestations: { required: boolean; trusted: boolean },
): Record<string, unknown> {
  const jwt = {
    ...binding.proof_types_supported.jwt,
    ...(keyAttestations.required ? { key_attestations_required: {} } : {}),
  };
  // The attestation proof type (Appendix F.3) is a key attestation itself: offered when attesters are configured.
  const attestation = keyAttestations.trusted
    ? { attestation: { proof_signing_alg_values_supported: ['ES256'], key_attestations_required: {} } }
    : {};
  const claims = (c.claims ?? []).map(({ path, display, mandatory }) => ({
    path,
    ...(display ? { display } : {}),
    ...(mandatory !== undefined ? { mandatory } : {}),
  }));
  return {
    format: c.format,
    ...(c.scope ? { scope: c.scope } : {}),
    ...(c.format === 'dc+sd-jwt' ? { vct: c.vct } : {}),
    ...(c.format === 'jwt_vc_json' ? { credential_definition: { type: c.credential_definition!.type } } : {}),
    ...binding,
    // OID4VCI 1.0 Section 12.2.4: an (empty) key_attestations_required object says a key attestation must come with each proof.
    proof_types_supported: { jwt, ...attestation },
    ...(c.display || claims.length
      ? { credential_metadata: { ...(c.display ? { display: c.display } : {}), ...(claims.length ? { claims } : {}) } }
      : {}),
  };
}

/** The issuer's encryption key and whether encryption is required (HALLMARK_CREDENTIAL_ENCRYPTION_REQUIRED). */
export interface EncryptionSettings {
  jwk: PublicEncryptionJwk;
  required: boolean;
}

/**
 * `credential_request_encryption` and `credential_response_encryption` (OID4VCI 1.0 Section 12.2.4):
 * advertised together, since a request asking for an encrypted response must be encrypted itself.
 */
export function encryptionMetadata(encryption: EncryptionSettings): Record<string, unknown> {
  return {
    credential_request_encryption: {
      jwks: { keys: [encryption.jwk] },
      enc_values_supported: [...ENCRYPTION_ENCS],
      zip_values_supported: [...ENCRYPTION_ZIPS],
      encryption_required: encryption.required,
    },
    credential_response_encryption: {
      alg_values_supported: [...ENCRYPTION_ALGS],
      enc_values_supported: [...ENCRYPTION_ENCS],
      zip_values_supported: [...ENCRYPTION_ZIPS],
      encryption_required: encryption.required,
    },
  };
}

/**
 * Credential issuer metadata (OID4VCI 1.0 Section 12.2). Only what works end to end: no deferred
 * or notification endpoint, no mso_mdoc until they exist.
 */
export function issuerMetadata(
  config: IssuerConfig,
  publicUrl: string,
  encryption?: EncryptionSettings,
): Record<string, unknown> {
  const supported = Object.entries(config.credential_configurations_supported).filter(
    ([, c]) => c.format === 'dc+sd-jwt' || c.format === 'jwt_vc_json',
  );
  return {
    credential_issuer: publicUrl,
    credential_endpoint: `${publicUrl}/credential`,
    nonce_endpoint: `${publicUrl}/nonce`,
    ...(encryption ? encryptionMetadata(encryption) : {}),
    // OID4VCI has one issuer-wide batch_size: the smallest configuration limit, so no configuration accepts fewer.
    batch_credential_issuance: { batch_size: Math.min(...supported.map(([id]) => batchSizeOf(config, id))) },
    ...(config.display ? { display: config.display } : {}),
    credential_configurations_supported: Object.fromEntries(
      supported.map(([id, c]) => [
        id,
        configurationMetadata(c, {
          required: config.authorization?.key_attestations_required === true,
          trusted: Boolean(
            (config.authorization?.trusted_key_attesters?.keys?.length ?? 0) +
            (config.authorization?.trusted_key_attesters?.roots?.length ?? 0),
          ),
        }),
      ]),
    ),
  };
}
