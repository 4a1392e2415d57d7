import type { CredentialConfiguration, IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import { DEFAULT_BATCH_SIZE } from '../metadata/issuer-metadata';

/** A credential request reduced to what issuance needs (OID4VCI 1.0 Section 8.2); unknown fields are ignored. */
export interface ParsedCredentialRequest {
  configurationId: string;
  configuration: CredentialConfiguration;
  proofJwts: string[];
}

/** Pure checks of the request's shape against the issuer configuration and the access token. */
export function parseCredentialRequest(body: unknown, config: IssuerConfig, authorizedIds: string[]): ParsedCredentialRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Oid4vcError('credential_request_malformed', 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const hasConfiguration = b.credential_configuration_id !== undefined;
  const hasIdentifier = b.credential_identifier !== undefined;
  if (hasConfiguration === hasIdentifier) throw new Oid4vcError('credential_request_both_ids', hasConfiguration ? 'both were sent' : 'neither was sent');
  if (b.credential_response_encryption !== undefined) throw new Oid4vcError('credential_encryption_unsupported');
  if (hasIdentifier) throw new Oid4vcError('credential_identifier_unknown', 'this issuer gives out no credential_identifiers for pre-authorized access');
  const configurationId = b.credential_configuration_id;
  if (typeof configurationId !== 'string') throw new Oid4vcError('credential_request_malformed', 'credential_configuration_id must be a string');
  const configuration = config.credential_configurations_supported[configurationId];
  if (!configuration || (configuration.format !== 'dc+sd-jwt' && configuration.format !== 'jwt_vc_json')) {
    throw new Oid4vcError('credential_configuration_unknown', `got ${configurationId.slice(0, 80)}`);
  }
  if (!authorizedIds.includes(configurationId)) throw new Oid4vcError('credential_configuration_not_offered', `the token covers ${authorizedIds.join(', ')}`);

  if (b.proofs === undefined) {
    if (b.proof !== undefined) throw new Oid4vcError('credential_proof_singular');
    throw new Oid4vcError('credential_proofs_missing');
  }
  const proofs = b.proofs;
  if (!proofs || typeof proofs !== 'object' || Array.isArray(proofs) || Object.keys(proofs).length !== 1) throw new Oid4vcError('credential_proofs_malformed');
  const [type, list] = Object.entries(proofs as Record<string, unknown>)[0];
  if (type !== 'jwt') throw new Oid4vcError('credential_proof_type_unsupported', `got ${type.slice(0, 40)}`);
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string')) throw new Oid4vcError('credential_proofs_malformed');
  const batchSize = config.batch_size ?? DEFAULT_BATCH_SIZE;
  if (list.length > batchSize) throw new Oid4vcError('credential_batch_too_large', `${list.length} proofs, batch_size ${batchSize}`);
  return { configurationId, configuration, proofJwts: list as string[] };
}
