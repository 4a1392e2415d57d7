import type {
  AuthorizationRequestSummary,
  AuthorizationStreamEvent,
  Decider,
  RequestContext,
  TokenIssuedV1,
} from '@hallmark/contracts';
import { Oid4vcError, verifyPkce, type Oid4vcReason } from '@hallmark/oid4vc';

/** The events of one authorization's stream (`streams.authorization`). */
export type AuthorizationEvent = AuthorizationStreamEvent;

/** One authorization (a pushed or direct request, its code, its tokens), folded from its stream. */
export interface AuthorizationState {
  summary: AuthorizationRequestSummary | null;
  pushedExpiresAt: string | null;
  code: { hash: string; expiresAt: string } | null;
  redeemed: boolean;
  tokenIdHashes: string[];
  /** The latest refresh token generation; older ones no longer work. */
  refreshGeneration: number | null;
  /** The DPoP key the tokens are bound to. */
  boundJkt: string | null;
  revoked: boolean;
}

type TokenFields = Pick<
  TokenIssuedV1,
  'token_type' | 'token_id_hash' | 'expires_at' | 'refresh_token_id_hash' | 'refresh_generation'
>;

/** Opening the authorization endpoint with a request_uri (RFC 9126 Section 4). */
export interface OpenPushedRequest {
  type: 'open_pushed_request';
  now: Date;
  clientId: string | undefined;
  /** The client's first registered redirect URI: where errors go when the request named none. */
  registeredRedirectUri: string | null;
  request: RequestContext;
}

/** Issuing the code once the user is known: by holding the offer, or by a login at the identity provider. */
export type IssueCode = {
  type: 'issue_code';
  now: Date;
  codeHash: string;
  expiresAt: Date;
  request: RequestContext;
} & (
  | { user: 'offer' }
  | {
      user: 'login';
      /** The subject hash of the offer behind issuer_state, when it names one. */
      offerSubject: string | null;
      /** The subject hash of the user who logged in. */
      loggedInSubject: string;
    }
);

/** Ending an authorization whose request was fine: the user said no, the login failed, no session could be made. */
export interface DenyAuthorization {
  type: 'deny';
  now: Date;
  rejection: Oid4vcError;
  request: RequestContext;
}

export interface RedeemCode {
  type: 'redeem_code';
  now: Date;
  codeHash: string;
  clientId: string | undefined;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  dpopJkt: string | null;
  /** The instance key of the wallet attestation verified with this request, if one was. */
  walletInstanceJkt: string | null;
  request: RequestContext;
  token: TokenFields;
}

export interface Refresh {
  type: 'refresh';
  now: Date;
  generation: number;
  clientId: string | undefined;
  dpopJkt: string | null;
  /** The instance key of the wallet attestation verified with this request, if one was. */
  walletInstanceJkt: string | null;
  request: RequestContext;
  token: TokenFields;
}

export type AuthorizationCommand = OpenPushedRequest | IssueCode | DenyAuthorization | RedeemCode | Refresh;

function evolve(state: AuthorizationState, event: AuthorizationEvent): AuthorizationState {
  switch (event.event_type) {
    case 'par_request_stored':
      return { ...state, summary: event.data.authorization, pushedExpiresAt: event.data.expires_at };
    case 'authorization_requested':
      return event.data.authorization ? { ...state, summary: event.data.authorization } : state;
    case 'authorization_code_issued':
      return { ...state, code: { hash: event.data.code_hash, expiresAt: event.data.expires_at } };
    case 'token_issued':
      return {
        ...state,
        redeemed: true,
        tokenIdHashes: [...state.tokenIdHashes, event.data.token_id_hash],
        refreshGeneration: event.data.refresh_generation ?? state.refreshGeneration,
        boundJkt: event.data.dpop_jkt,
      };
    case 'tokens_revoked':
      return { ...state, revoked: true };
    default:
      return state;
  }
}

const at = (now: Date) => now.toISOString();

/** An authorization_denied event at the authorization endpoint. */
const denied = (
  command: { now: Date; request: RequestContext },
  clientId: string | null,
  rejection: Oid4vcError,
  redirected: boolean,
): AuthorizationEvent[] => [
  {
    event_type: 'authorization_denied',
    data: {
      endpoint: 'authorize',
      client_id: clientId,
      ...rejection.toDiagnostic(),
      redirected,
      request: command.request,
    },
    occurred_at: at(command.now),
  },
];

/** A request_uri is usable by the client that pushed it until a code is issued or it expires; reusable until then (FAPI 2.0). */
function openPushedRequest(state: AuthorizationState, command: OpenPushedRequest): AuthorizationEvent[] {
  const summary = state.summary;
  const refuse = (rejection: Oid4vcError) => {
    // The redirect URI is trusted only when the request_uri is ours and pushed by this client.
    const trusted = summary !== null && summary.client_id === command.clientId;
    const redirectUri = trusted ? (summary.redirect_uri ?? command.registeredRedirectUri) : null;
    return denied(command, command.clientId?.slice(0, 512) ?? null, rejection, redirectUri !== null);
  };
  if (!summary || !state.pushedExpiresAt) return refuse(new Oid4vcError('par_request_uri_unknown'));
  if (summary.client_id !== command.clientId)
    return refuse(
      new Oid4vcError('par_request_uri_client_mismatch', undefined, {
        expected: summary.client_id,
        provided: command.clientId ?? null,
      }),
    );
  if (state.code) return refuse(new Oid4vcError('par_request_uri_used'));
  if (new Date(state.pushedExpiresAt) <= command.now) return refuse(new Oid4vcError('par_request_uri_expired'));
  return [
    {
      event_type: 'authorization_requested',
      data: { via: 'par', request: command.request },
      occurred_at: at(command.now),
    },
  ];
}

/** One code per authorization; a login for an offer must be the offer's subject (OID4VCI 1.0 Section 5.1.3). */
function issueCode(state: AuthorizationState, command: IssueCode): AuthorizationEvent[] {
  const summary = requireSummary(state, command.type);
  if (
    command.user === 'login' &&
    summary.issuer_initiated &&
    command.offerSubject !== null &&
    command.offerSubject !== command.loggedInSubject
  )
    return denied(command, summary.client_id, new Oid4vcError('authorization_subject_mismatch'), true);
  if (state.code) return denied(command, summary.client_id, new Oid4vcError('par_request_uri_used'), true);
  return [
    {
      event_type: 'authorization_code_issued',
      data: {
        code_hash: command.codeHash,
        expires_at: command.expiresAt.toISOString(),
        user: command.user,
        request: command.request,
      },
      occurred_at: at(command.now),
    },
  ];
}

function deny(state: AuthorizationState, command: DenyAuthorization): AuthorizationEvent[] {
  return denied(command, requireSummary(state, command.type).client_id, command.rejection, true);
}

/** A command that only an authorization the handler has read can take: without one it is a programming error. */
function requireSummary(state: AuthorizationState, command: string): AuthorizationRequestSummary {
  if (!state.summary) throw new Error(`${command} needs an authorization request on the stream`);
  return state.summary;
}

/** The token_issued event of an authorization's grant (code or refresh). */
const tokenIssued = (
  grant: 'authorization_code' | 'refresh_token',
  summary: AuthorizationRequestSummary,
  command: RedeemCode | Refresh,
): AuthorizationEvent[] => [
  {
    event_type: 'token_issued',
    data: {
      grant_type: grant,
      client_id: summary.client_id,
      authorization_details: summary.authorization_details,
      credential_configuration_ids: summary.credential_configuration_ids,
      dpop_jkt: command.dpopJkt,
      ...command.token,
      request: command.request,
    },
    occurred_at: at(command.now),
  },
];

const rejected = (
  reason: Oid4vcReason,
  grantType: string,
  command: { now: Date; request: RequestContext },
  detail?: string,
  compared?: { expected: unknown; provided: unknown },
): AuthorizationEvent[] => [
  {
    event_type: 'token_rejected',
    data: {
      grant_type: grantType,
      ...new Oid4vcError(reason, detail, compared).toDiagnostic(),
      request: command.request,
    },
    occurred_at: at(command.now),
  },
];

/**
 * Redeeming an authorization code (RFC 6749 Section 4.1.3, RFC 7636 Section 4.6, RFC 9449
 * Section 10): as the wallet instance attested at PAR, once, before it expires, by the client it
 * was issued to, with the redirect URI of the request, the PKCE verifier and the DPoP key bound at
 * the request. A second redemption revokes the tokens of the first (RFC 6749 Section 4.1.2).
 */
function redeemCode(state: AuthorizationState, command: RedeemCode): AuthorizationEvent[] {
  const grant = 'authorization_code';
  const summary = state.summary;
  if (!summary) return rejected('authorization_code_invalid', grant, command);
  if (summary.client_attestation && command.walletInstanceJkt !== summary.client_attestation.instance_jkt)
    return rejected('client_attestation_client_id_mismatch', grant, command, 'another wallet instance than at PAR');
  if (!state.code || state.code.hash !== command.codeHash)
    return rejected('authorization_code_invalid', grant, command);
  if (state.redeemed) {
    const refusal = rejected('authorization_code_reused', grant, command);
    if (state.revoked) return refusal;
    return [
      ...refusal,
      {
        event_type: 'tokens_revoked',
        data: { token_id_hashes: state.tokenIdHashes, reason: 'authorization_code_reused', request: command.request },
        occurred_at: at(command.now),
      },
    ];
  }
  if (new Date(state.code.expiresAt) <= command.now) return rejected('authorization_code_expired', grant, command);
  if (command.clientId !== undefined && command.clientId !== summary.client_id) {
    return rejected('authorization_code_client_mismatch', grant, command, undefined, {
      expected: summary.client_id,
      provided: command.clientId,
    });
  }
  if (summary.redirect_uri !== null) {
    const compared = { expected: summary.redirect_uri, provided: command.redirectUri ?? null };
    if (command.redirectUri === undefined)
      return rejected(
        'authorization_code_redirect_uri_missing',
        grant,
        command,
        `expected ${summary.redirect_uri.slice(0, 200)}`,
        compared,
      );
    if (command.redirectUri !== summary.redirect_uri)
      return rejected(
        'authorization_code_redirect_uri_mismatch',
        grant,
        command,
        `expected ${summary.redirect_uri.slice(0, 200)}`,
        compared,
      );
  }
  try {
    verifyPkce(summary.code_challenge, command.codeVerifier);
  } catch (err) {
    return rejected((err as Oid4vcError).reason, grant, command);
  }
  if (summary.dpop_jkt !== null && summary.dpop_jkt !== command.dpopJkt)
    return rejected('token_dpop_key_mismatch', grant, command);
  return tokenIssued(grant, summary, command);
}

/**
 * Refreshing (RFC 6749 Section 6): as the wallet instance attested at PAR, the latest refresh
 * token only, same client, same DPoP key (RFC 9449 Section 5).
 */
function refresh(state: AuthorizationState, command: Refresh): AuthorizationEvent[] {
  const grant = 'refresh_token';
  const summary = state.summary;
  if (summary?.client_attestation && command.walletInstanceJkt !== summary.client_attestation.instance_jkt)
    return rejected('refresh_token_binding_mismatch', grant, command, 'another wallet instance');
  if (!summary || state.revoked || state.refreshGeneration === null || command.generation !== state.refreshGeneration)
    return rejected('refresh_token_invalid', grant, command);
  if (command.clientId !== undefined && command.clientId !== summary.client_id)
    return rejected('refresh_token_binding_mismatch', grant, command, 'another client_id');
  if (state.boundJkt !== null && command.dpopJkt !== state.boundJkt)
    return rejected('refresh_token_binding_mismatch', grant, command, 'another DPoP key');
  return tokenIssued(grant, summary, command);
}

/**
 * Every step of an authorization (OID4VCI 1.0 Section 5, RFC 9126, RFC 7636, RFC 9449, HAIP
 * 1.0), decided from the authorization's own events. A refusal is an event too
 * (`authorization_denied` at the authorization endpoint, `token_rejected` at the token
 * endpoint); the handler answers with the error it records.
 */
export const authorizationDecider: Decider<AuthorizationCommand, AuthorizationEvent, AuthorizationState> = {
  decide(command, state) {
    switch (command.type) {
      case 'open_pushed_request':
        return openPushedRequest(state, command);
      case 'issue_code':
        return issueCode(state, command);
      case 'deny':
        return deny(state, command);
      case 'redeem_code':
        return redeemCode(state, command);
      case 'refresh':
        return refresh(state, command);
    }
  },
  evolve,
  initialState: () => ({
    summary: null,
    pushedExpiresAt: null,
    code: null,
    redeemed: false,
    tokenIdHashes: [],
    refreshGeneration: null,
    boundJkt: null,
    revoked: false,
  }),
};
