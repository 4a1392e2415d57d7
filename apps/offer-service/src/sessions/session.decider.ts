import type {
  Decider,
  GrantType,
  NewEvent,
  OfferCreatedV1,
  RequestContext,
  SealedValue,
  SessionCreatedV1,
  SessionStreamEvent,
  TxCodeDescriptor,
} from '@hallmark/contracts';
import type { FieldProblem } from '@hallmark/platform';
import { claimNamesOf, type IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import type { CreateSessionRequest } from '@hallmark/contracts';

/** The issuance session as the offer service knows it, folded from its own events. */
export interface SessionState {
  status: 'none' | 'created' | 'offered' | 'erased';
  offerId?: string;
  expiresAt?: string;
  grant?: OfferCreatedV1['grant'];
  credentialIssuer?: string;
  credentialConfigurationIds?: string[];
  sealedSecrets?: SealedValue;
  retrievals: number;
}

export const initialSessionState: SessionState = { status: 'none', retrievals: 0 };

/**
 * An admin command the session's state does not allow (create twice, erase an unknown session).
 * Returned like any refusal, but not a catalogue event: there is no session to record it on, and
 * the admin API answers it (problem+json).
 */
export interface SessionCommandRefused {
  event_type: 'session_command_refused';
  data: { reason: 'exists' | 'not_found'; detail: string };
}

/** What the session decider says happened: the session stream's events, or an admin refusal. */
export type SessionDecision = SessionStreamEvent | SessionCommandRefused;

export function evolve(state: SessionState, event: SessionDecision): SessionState {
  switch (event.event_type) {
    case 'session_created':
      return state.status === 'none' ? { ...state, status: 'created' } : state;
    case 'offer_created': {
      const d = event.data;
      return {
        ...state,
        status: 'offered',
        offerId: d.offer_id,
        expiresAt: d.expires_at,
        grant: d.grant,
        credentialIssuer: d.credential_issuer,
        credentialConfigurationIds: d.credential_configuration_ids,
        sealedSecrets: d.sealed_secrets,
      };
    }
    case 'offer_retrieved':
      return { ...state, retrievals: state.retrievals + 1 };
    case 'session_erased':
      return { ...state, status: 'erased', sealedSecrets: undefined };
    default:
      return state;
  }
}

/** Business rules of a create request that a JSON Schema cannot express. */
export function checkCreateSession(request: CreateSessionRequest, config: IssuerConfig): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const known = config.credential_configurations_supported;
  request.credential_configuration_ids.forEach((id, i) => {
    if (!known[id])
      problems.push({
        field: `credential_configuration_ids.${i}`,
        message: `unknown credential configuration ${JSON.stringify(id)}; known: ${Object.keys(known).join(', ')}`,
      });
  });
  const grant = request.grant_type ?? 'pre-authorized_code';
  const tx = request.tx_code;
  if (tx && grant !== 'pre-authorized_code')
    problems.push({ field: 'tx_code', message: 'a tx_code goes only with the pre-authorized_code grant' });
  if (tx?.value !== undefined) {
    const mode = tx.input_mode ?? 'numeric';
    if (tx.length !== undefined && tx.value.length !== tx.length)
      problems.push({
        field: 'tx_code.value',
        message: `has ${tx.value.length} characters but tx_code.length is ${tx.length}`,
      });
    if (mode === 'numeric' && !/^[0-9]+$/.test(tx.value))
      problems.push({ field: 'tx_code.value', message: 'must contain digits only when input_mode is numeric' });
    if (tx.value.length < 4) problems.push({ field: 'tx_code.value', message: 'must be at least 4 characters' });
  }
  for (const [configId, claims] of Object.entries(request.claims ?? {})) {
    if (!request.credential_configuration_ids.includes(configId)) {
      problems.push({
        field: `claims.${configId}`,
        message: 'claims given for a configuration this session does not offer',
      });
      continue;
    }
    const declared = known[configId] ? claimNamesOf(known[configId]) : [];
    for (const name of Object.keys(claims)) {
      if (declared.length && !declared.includes(name))
        problems.push({
          field: `claims.${configId}.${name}`,
          message: `not a claim of ${configId}; declared: ${declared.join(', ')}`,
        });
    }
  }
  return problems;
}

export interface CreateSession {
  type: 'create_session';
  now: Date;
  offerId: string;
  credentialIssuer: string;
  request: CreateSessionRequest;
  txCode: TxCodeDescriptor | null;
  personalData: SealedValue | null;
  sealedSecrets: SealedValue;
  /** Hash of the pre-authorized code or of the issuer_state, by grant type. */
  grantSecretHash: string;
}

/** A session without an offer: the wallet started, and the user logged in at the identity provider. */
export interface CreateLoginSession {
  type: 'create_login_session';
  now: Date;
  credentialConfigurationIds: string[];
  claimNames: Record<string, string[]>;
  personalData: SealedValue;
  expiresAt: Date;
}

export interface RetrieveOffer {
  type: 'retrieve_offer';
  now: Date;
  offerId: string;
  request: RequestContext;
}

export interface EraseSession {
  type: 'erase_session';
  reason?: string;
}

export type SessionCommand = CreateSession | CreateLoginSession | RetrieveOffer | EraseSession;

export const DEFAULT_OFFER_LIFETIME_S = 900;

/** When an offer created at `now` expires. */
export const offerExpiry = (now: Date, request: Pick<CreateSessionRequest, 'expires_in'>): Date =>
  new Date(now.getTime() + (request.expires_in ?? DEFAULT_OFFER_LIFETIME_S) * 1000);

const refused = (reason: SessionCommandRefused['data']['reason'], detail: string): SessionCommandRefused => ({
  event_type: 'session_command_refused',
  data: { reason, detail },
});

/**
 * A fetch of an offer the wallet cannot have (unknown, or its session erased): the unattributed
 * log's `offer_unknown`, the same answer as for a reference that names no offer at all.
 */
export const offerUnknown = (request: RequestContext): NewEvent<'offer_retrieval_refused'> => ({
  event_type: 'offer_retrieval_refused',
  data: { ...new Oid4vcError('offer_unknown').toDiagnostic(), request },
});

/** Decides which events a command produces from the session's current state (no I/O). */
export function decide(command: SessionCommand, state: SessionState): SessionDecision[] {
  switch (command.type) {
    case 'create_session': {
      if (state.status !== 'none') return [refused('exists', 'the session already exists')];
      const r = command.request;
      const grantType: GrantType = r.grant_type ?? 'pre-authorized_code';
      const expiresAt = offerExpiry(command.now, r).toISOString();
      const sessionCreated: SessionCreatedV1 = {
        credential_configuration_ids: r.credential_configuration_ids,
        grant_type: grantType,
        expires_at: expiresAt,
        require_wallet_attestation: r.require_wallet_attestation ?? false,
        require_key_attestation: r.require_key_attestation ?? false,
        claim_names: Object.fromEntries(Object.entries(r.claims ?? {}).map(([id, c]) => [id, Object.keys(c)])),
        personal_data: command.personalData,
      };
      const offerCreated: OfferCreatedV1 = {
        offer_id: command.offerId,
        credential_issuer: command.credentialIssuer,
        credential_configuration_ids: r.credential_configuration_ids,
        expires_at: expiresAt,
        grant:
          grantType === 'pre-authorized_code'
            ? {
                type: 'pre-authorized_code',
                pre_authorized_code_hash: command.grantSecretHash,
                tx_code: command.txCode,
              }
            : { type: 'authorization_code', issuer_state_hash: command.grantSecretHash },
        sealed_secrets: command.sealedSecrets,
      };
      const occurred_at = command.now.toISOString();
      return [
        { event_type: 'session_created', data: sessionCreated, occurred_at },
        { event_type: 'offer_created', data: offerCreated, occurred_at },
      ];
    }
    case 'create_login_session': {
      if (state.status !== 'none') return [refused('exists', 'the session already exists')];
      const created: SessionCreatedV1 = {
        credential_configuration_ids: command.credentialConfigurationIds,
        grant_type: 'authorization_code',
        expires_at: command.expiresAt.toISOString(),
        require_wallet_attestation: false,
        require_key_attestation: false,
        claim_names: command.claimNames,
        personal_data: command.personalData,
      };
      return [
        {
          event_type: 'session_created',
          data: created,
          occurred_at: command.now.toISOString(),
        },
      ];
    }
    case 'retrieve_offer': {
      if (state.status === 'none' || state.status === 'erased' || state.offerId !== command.offerId)
        return [offerUnknown(command.request)];
      if (state.expiresAt && new Date(state.expiresAt) <= command.now) {
        // Recorded, not only refused: a wallet that scans an old QR code is a common mistake.
        const refusal = new Oid4vcError('offer_expired', `at ${state.expiresAt}`).toDiagnostic();
        return [
          {
            event_type: 'offer_retrieval_refused',
            data: { offer_id: command.offerId, ...refusal, request: command.request },
            occurred_at: command.now.toISOString(),
          },
        ];
      }
      return [
        {
          event_type: 'offer_retrieved',
          data: { offer_id: command.offerId, request: command.request },
          occurred_at: command.now.toISOString(),
        },
      ];
    }
    case 'erase_session': {
      if (state.status === 'none') return [refused('not_found', 'no such session')];
      if (state.status === 'erased') return [];
      return [{ event_type: 'session_erased', data: command.reason ? { reason: command.reason } : {} }];
    }
  }
}

/** The offer service's one decider: a session and its offer, from its own stream. */
export const sessionDecider: Decider<SessionCommand, SessionDecision, SessionState> = {
  decide,
  evolve,
  initialState: () => initialSessionState,
};

/** The refusal among a decision's events, if the command was refused. */
export const refusalOf = (events: SessionDecision[]): SessionCommandRefused | undefined =>
  events.find((e): e is SessionCommandRefused => e.event_type === 'session_command_refused');

/** The session stream's events of a decision (what is appended), without a refusal. */
export const streamEventsOf = (events: SessionDecision[]): SessionStreamEvent[] =>
  events.filter((e): e is SessionStreamEvent => e.event_type !== 'session_command_refused');
