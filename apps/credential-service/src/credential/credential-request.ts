import { batchSizeOf, type CredentialConfiguration, type IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import { UnparsableBody } from '@hallmark/platform';

/** A credential request reduced to what issuance needs (OID4VCI 1.0 Section 8.2); unknown fields are ignored. */
export interface ParsedCredentialRequest {
  configurationId: string;
  configuration: CredentialConfiguration;
  /** `jwt`: one key proof per key; `attestation`: one key attestation whose attested keys are the keys (OID4VCI 1.0 Appendix F.3). */
  proofType: 'jwt' | 'attestation';
  proofJwts: string[];
  /** Set when a draft-shaped request was mapped (compatibility mode): what the wallet sent. */
  mappedFrom?: {
    format?: string;
    vct?: string;
    doctype?: string;
    credential_definition_type?: string[];
    singular_proof: boolean;
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 500) : undefined);

/**
 * Earlier drafts named the credential by `format` plus `vct` / `doctype` / `credential_definition`
 * and sent one `proof`. In compatibility mode such a request is mapped to the single matching
 * configuration the token covers; otherwise it is refused with the id the wallet should send.
 */
function mapDraftShape(
  b: Record<string, unknown>,
  config: IssuerConfig,
  authorizedIds: string[],
  compat: boolean,
): { body: Record<string, unknown>; from?: ParsedCredentialRequest['mappedFrom'] } {
  const draftId =
    b.credential_configuration_id === undefined &&
    b.credential_identifier === undefined &&
    typeof b.format === 'string';
  const singularProof = b.proofs === undefined && b.proof !== undefined;
  if (!draftId && !singularProof) return { body: b };
  const mapped: Record<string, unknown> = { ...b };
  const from: NonNullable<ParsedCredentialRequest['mappedFrom']> = { singular_proof: singularProof };
  if (draftId) {
    const definitionType = (b.credential_definition as { type?: unknown } | undefined)?.type;
    Object.assign(from, {
      format: str(b.format),
      ...(str(b.vct) ? { vct: str(b.vct) } : {}),
      ...(str(b.doctype) ? { doctype: str(b.doctype) } : {}),
      ...(Array.isArray(definitionType) ? { credential_definition_type: definitionType.map(String).slice(0, 20) } : {}),
    });
    const candidates = authorizedIds.filter((id) => {
      const c = config.credential_configurations_supported[id];
      if (!c || c.format !== b.format) return false;
      if (c.format === 'dc+sd-jwt') return c.vct === b.vct;
      if (c.format === 'jwt_vc_json')
        return (
          JSON.stringify([...(c.credential_definition?.type ?? [])].sort()) ===
          JSON.stringify([...(from.credential_definition_type ?? [])].sort())
        );
      return false;
    });
    if (candidates.length !== 1 || !compat) {
      throw new Oid4vcError(
        'credential_request_draft_shape',
        candidates.length === 1
          ? `send credential_configuration_id ${candidates[0]}`
          : `no single configuration matches; the token covers ${authorizedIds.join(', ')}`,
      );
    }
    mapped.credential_configuration_id = candidates[0];
  }
  if (singularProof) {
    const proof = b.proof as { proof_type?: unknown; jwt?: unknown } | undefined;
    if (!compat || !proof || proof.proof_type !== 'jwt' || typeof proof.jwt !== 'string')
      throw new Oid4vcError('credential_proof_singular');
    mapped.proofs = { jwt: [proof.jwt] };
  }
  return { body: mapped, from };
}

/** Pure checks of the request's shape against the issuer configuration and the access token. */
export function parseCredentialRequest(
  body: unknown,
  config: IssuerConfig,
  authorizedIds: string[],
  options: {
    compat?: boolean;
    /** identifier -> configuration id, when the token response gave credential_identifiers */
    identifiers?: Record<string, string>;
    /** Whether `attestation` proofs are accepted (trusted key attesters are configured). */
    attestationProofs?: boolean;
  } = {},
): ParsedCredentialRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new Oid4vcError('credential_request_malformed', 'the body must be a JSON object');
  if (body instanceof UnparsableBody)
    throw new Oid4vcError(
      'credential_request_json_invalid',
      body.position === undefined ? undefined : `error at position ${body.position}`,
    );
  const { body: b, from: mappedFrom } = mapDraftShape(
    body as Record<string, unknown>,
    config,
    authorizedIds,
    options.compat ?? false,
  );
  const hasConfiguration = b.credential_configuration_id !== undefined;
  const hasIdentifier = b.credential_identifier !== undefined;
  if (hasConfiguration === hasIdentifier)
    throw new Oid4vcError('credential_request_both_ids', hasConfiguration ? 'both were sent' : 'neither was sent');
  const identifiers = options.identifiers;
  if (hasIdentifier && !identifiers)
    throw new Oid4vcError('credential_identifier_unknown', 'the token response gave no credential_identifiers');
  if (identifiers && !hasIdentifier)
    throw new Oid4vcError(
      'credential_identifier_required',
      `send one of ${Object.keys(identifiers).join(', ').slice(0, 200)}`,
    );
  if (
    hasIdentifier &&
    (typeof b.credential_identifier !== 'string' ||
      !Object.prototype.hasOwnProperty.call(identifiers, b.credential_identifier))
  ) {
    throw new Oid4vcError(
      'credential_identifier_unknown',
      `this token has ${Object.keys(identifiers!).join(', ').slice(0, 200)}`,
    );
  }
  const configurationId = hasIdentifier
    ? identifiers![b.credential_identifier as string]
    : b.credential_configuration_id;
  if (typeof configurationId !== 'string')
    throw new Oid4vcError('credential_request_malformed', 'credential_configuration_id must be a string');
  const configuration = config.credential_configurations_supported[configurationId];
  if (!configuration || (configuration.format !== 'dc+sd-jwt' && configuration.format !== 'jwt_vc_json')) {
    throw new Oid4vcError('credential_configuration_unknown', `got ${configurationId.slice(0, 80)}`, {
      expected: authorizedIds,
      provided: configurationId,
    });
  }
  if (!authorizedIds.includes(configurationId))
    throw new Oid4vcError('credential_configuration_not_offered', `the token covers ${authorizedIds.join(', ')}`, {
      expected: authorizedIds,
      provided: configurationId,
    });

  if (b.proofs === undefined) {
    if (b.proof !== undefined) throw new Oid4vcError('credential_proof_singular');
    throw new Oid4vcError('credential_proofs_missing');
  }
  const proofs = b.proofs;
  if (!proofs || typeof proofs !== 'object' || Array.isArray(proofs) || Object.keys(proofs).length !== 1)
    throw new Oid4vcError('credential_proofs_malformed');
  const [type, list] = Object.entries(proofs as Record<string, unknown>)[0];
  if (type !== 'jwt' && !(type === 'attestation' && options.attestationProofs))
    throw new Oid4vcError('credential_proof_type_unsupported', `got ${type.slice(0, 40)}`);
  if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string'))
    throw new Oid4vcError('credential_proofs_malformed');
  if (type === 'attestation' && list.length !== 1)
    throw new Oid4vcError('credential_proofs_malformed', 'attestation takes exactly one key attestation');
  const batchSize = batchSizeOf(config, configurationId);
  if (list.length > batchSize)
    throw new Oid4vcError(
      'credential_batch_too_large',
      `${list.length} proofs, ${configurationId} takes ${batchSize}`,
      {
        expected: `at most ${batchSize}`,
        provided: list.length,
      },
    );
  return {
    configurationId,
    configuration,
    proofType: type,
    proofJwts: list as string[],
    ...(mappedFrom ? { mappedFrom } : {}),
  };
}
