import type {
  CredentialRequestMappedV1,
  CredentialsStreamEvent,
  Decider,
  NewEvent,
  RequestContext,
} from '@hallmark/contracts';
import { Oid4vcError } from '@hallmark/oid4vc';

/**
 * The credential endpoint's rules (OID4VCI 1.0 Section 8), apart from the I/O they need: the
 * handler verifies the token and the proofs, uses the nonces, reads the claims and signs; at each
 * step it tells this decider what it found, and the decider says what happened. A refusal is a
 * `credential_request_rejected` event, from which the handler answers the wire error.
 *
 * The rules need no history (each request stands on its own; nonces are used once in their own
 * table), so the state only counts what the session's credentials stream holds.
 */
export interface IssuanceState {
  issued: number;
  rejected: number;
}

/** What the handler found about one proof's key attestation (OID4VCI 1.0 Appendix D). */
export type KeyAttestationFinding =
  | { status: 'missing' }
  /** The attestation did not verify (signature, trust, expiry): its own refusal. */
  | { status: 'invalid'; refusal: Oid4vcError }
  | { status: 'verified'; attestedKeyThumbprints: string[] };

interface RequestFacts {
  request: RequestContext;
  /** Known once the request named a configuration the issuer has. */
  configurationId?: string;
}

/** A check made outside the decider refused the request (access token, body, proof signature, nonce lookup). */
export interface RefuseCredentialRequest extends RequestFacts {
  type: 'refuse';
  refusal: Oid4vcError;
}

/** A draft-shaped request was mapped to a configuration (compatibility mode). */
export interface MapDraftRequest extends RequestFacts {
  type: 'map_draft_request';
  configurationId: string;
  from: CredentialRequestMappedV1['from'];
}

/** The proofs verified; before any nonce is used, the keys they bind must make an acceptable batch. */
export interface CheckProofs extends RequestFacts {
  type: 'check_proofs';
  configurationId: string;
  proofType: 'jwt' | 'attestation';
  /** RFC 7638 thumbprints of the keys to bind, one per credential. */
  holderKeyThumbprints: string[];
  batchSize: number;
  /** Whether key attestations are required (configuration or session), and per `jwt` proof what was found. */
  keyAttestations: { required: false } | { required: true; findings: KeyAttestationFinding[] };
}

/** The handler tried to use the proofs' nonces; false when another request used one first. */
export interface ConfirmNonces extends RequestFacts {
  type: 'confirm_nonces';
  configurationId: string;
  allUsed: boolean;
}

/** The session's claims for the configuration, as their custodian gave them. */
export interface ConfirmClaims extends RequestFacts {
  type: 'confirm_claims';
  configurationId: string;
  claims: Record<string, unknown> | undefined;
}

/** The credentials were signed: what the audit keeps of them (hashes and thumbprints, never credentials). */
export interface RecordIssuance extends RequestFacts {
  type: 'record_issuance';
  configurationId: string;
  format: string;
  holderKeyThumbprints: string[];
  credentialHashes: string[];
  cNonceHashes: string[];
  claimNames: string[];
  expiresAt: Date;
}

export type IssuanceCommand =
  RefuseCredentialRequest | MapDraftRequest | CheckProofs | ConfirmNonces | ConfirmClaims | RecordIssuance;

export type CredentialRequestRejected = NewEvent<'credential_request_rejected'>;

/** The rejection event of a refusal, with the configuration when the request named one. */
export const rejection = (refusal: Oid4vcError, facts: RequestFacts): CredentialRequestRejected => ({
  event_type: 'credential_request_rejected',
  data: {
    ...(facts.configurationId ? { credential_configuration_id: facts.configurationId } : {}),
    ...refusal.toDiagnostic(),
    request: facts.request,
  },
});

/** The first key attestation rule a batch of `jwt` proofs breaks, in proof order. */
function keyAttestationRefusal(findings: KeyAttestationFinding[], thumbprints: string[]): Oid4vcError | undefined {
  for (const [i, finding] of findings.entries()) {
    if (finding.status === 'missing')
      return new Oid4vcError('key_attestation_missing', findings.length > 1 ? `proof ${i + 1} has none` : undefined);
    if (finding.status === 'invalid') return finding.refusal;
    if (!finding.attestedKeyThumbprints.includes(thumbprints[i]))
      return new Oid4vcError('key_attestation_key_not_attested');
  }
  return undefined;
}

function checkProofs(c: CheckProofs): Oid4vcError | undefined {
  const keys = c.holderKeyThumbprints;
  if (c.proofType === 'attestation' && keys.length > c.batchSize)
    return new Oid4vcError(
      'credential_batch_too_large',
      `${keys.length} attested keys, ${c.configurationId} takes ${c.batchSize}`,
      { expected: `at most ${c.batchSize}`, provided: keys.length },
    );
  if (c.proofType === 'jwt' && c.keyAttestations.required) {
    const refusal = keyAttestationRefusal(c.keyAttestations.findings, keys);
    if (refusal) return refusal;
  }
  if (new Set(keys).size !== keys.length) return new Oid4vcError('credential_proof_keys_repeated');
  return undefined;
}

function decide(command: IssuanceCommand): CredentialsStreamEvent[] {
  const refuse = (refusal: Oid4vcError | undefined): CredentialsStreamEvent[] =>
    refusal ? [rejection(refusal, command)] : [];
  switch (command.type) {
    case 'refuse':
      return refuse(command.refusal);
    case 'map_draft_request': {
      const note = new Oid4vcError(
        'credential_request_draft_mapped',
        `send credential_configuration_id ${command.configurationId}`,
      );
      return [
        {
          event_type: 'credential_request_mapped',
          data: {
            credential_configuration_id: command.configurationId,
            from: command.from,
            reason: note.reason,
            spec_ref: note.spec_ref,
            error_description: note.error_description,
            request: command.request,
          },
        },
      ];
    }
    case 'check_proofs':
      return refuse(checkProofs(command));
    case 'confirm_nonces':
      return refuse(command.allUsed ? undefined : new Oid4vcError('credential_nonce_used'));
    case 'confirm_claims':
      return refuse(
        command.claims && Object.keys(command.claims).length > 0
          ? undefined
          : new Oid4vcError('credential_claims_missing', command.configurationId),
      );
    case 'record_issuance':
      return [
        {
          event_type: 'credential_issued',
          data: {
            credential_configuration_id: command.configurationId,
            format: command.format,
            count: command.credentialHashes.length,
            holder_key_thumbprints: command.holderKeyThumbprints,
            credential_hashes: command.credentialHashes,
            c_nonce_hashes: command.cNonceHashes,
            claim_names: command.claimNames,
            expires_at: command.expiresAt.toISOString(),
            request: command.request,
          },
        },
      ];
  }
}

export const issuanceDecider: Decider<IssuanceCommand, CredentialsStreamEvent, IssuanceState> = {
  decide: (command) => decide(command),
  evolve: (state, event) => {
    switch (event.event_type) {
      case 'credential_issued':
        return { ...state, issued: state.issued + 1 };
      case 'credential_request_rejected':
        return { ...state, rejected: state.rejected + 1 };
      default:
        return state;
    }
  },
  initialState: () => ({ issued: 0, rejected: 0 }),
};

/** The refusal among a decision's events, if the decider refused. */
export const rejectionOf = (events: CredentialsStreamEvent[]): CredentialRequestRejected | undefined =>
  events.find((e): e is CredentialRequestRejected => e.event_type === 'credential_request_rejected');
