import type {
  AuthorizationCodeIssuedV1,
  AuthorizationRequestSummary,
  NewEvent,
  ParRequestStoredV1,
  RequestContext,
  TokenIssuedV1,
  TokenRejectedV1,
  TokensRevokedV1,
} from '@hallmark/contracts';
import { Oid4vcError, verifyPkce, type Oid4vcReason } from '@hallmark/oid4vc';

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

export const initialAuthorizationState: AuthorizationState = {
  summary: null,
  pushedExpiresAt: null,
  code: null,
  redeemed: false,
  tokenIdHashes: [],
  refreshGeneration: null,
  boundJkt: null,
  revoked: false,
};

type StreamEvent = Pick<NewEvent, 'event_type' | 'data'>;

export function evolve(state: AuthorizationState, event: StreamEvent): AuthorizationState {
  const d = event.data as Record<string, unknown>;
  switch (event.event_type) {
    case 'par_request_stored': {
      const p = d as unknown as ParRequestStoredV1;
      return { ...state, summary: p.authorization, pushedExpiresAt: p.expires_at };
    }
    case 'authorization_requested':
      return d.authorization ? { ...state, summary: d.authorization as AuthorizationRequestSummary } : state;
    case 'authorization_code_issued': {
      const c = d as unknown as AuthorizationCodeIssuedV1;
      return { ...state, code: { hash: c.code_hash, expiresAt: c.expires_at } };
    }
    case 'token_issued': {
      const t = d as unknown as TokenIssuedV1;
      return {
        ...state,
        redeemed: true,
        tokenIdHashes: [...state.tokenIdHashes, t.token_id_hash],
        refreshGeneration: t.refresh_generation ?? state.refreshGeneration,
        boundJkt: t.dpop_jkt,
      };
    }
    case 'tokens_revoked':
      return { ...state, revoked: true };
    default:
      return state;
  }
}

export const foldAuthorization = (events: StreamEvent[]): AuthorizationState =>
  events.reduce(evolve, initialAuthorizationState);

const at = (now: Date) => now.toISOString();

/** The events a step appends, and the error to answer when it is refused. */
export interface Decision {
  events: NewEvent[];
  rejection?: Oid4vcError;
}

/** Opening the authorization endpoint with a request_uri (RFC 9126 Section 4): usable until a code is issued. */
export function decideOpenPushedRequest(
  state: AuthorizationState,
  command: { now: Date; clientId: string | undefined },
): Oid4vcError | undefined {
  if (!state.summary || !state.pushedExpiresAt) return new Oid4vcError('par_request_uri_unknown');
  if (state.summary.client_id !== command.clientId)
    return new Oid4vcError('par_request_uri_client_mismatch', undefined, {
      expected: state.summary.client_id,
      provided: command.clientId ?? null,
    });
  if (state.code) return new Oid4vcError('par_request_uri_used');
  if (new Date(state.pushedExpiresAt) <= command.now) return new Oid4vcError('par_request_uri_expired');
  return undefined;
}

/** Issuing the code once the user is known: one code per authorization. */
export function decideIssueCode(
  state: AuthorizationState,
  command: { now: Date; codeHash: string; expiresAt: Date; user: 'offer' | 'login'; request: RequestContext },
): Decision {
  if (state.code) return { events: [], rejection: new Oid4vcError('par_request_uri_used') };
  const data: AuthorizationCodeIssuedV1 = {
    code_hash: command.codeHash,
    expires_at: command.expiresAt.toISOString(),
    user: command.user,
    request: command.request,
  };
  return {
    events: [
      {
        event_type: 'authorization_code_issued',
        data: data as unknown as Record<string, unknown>,
        occurred_at: at(command.now),
      },
    ],
  };
}

/** The token_issued event of an authorization's grant (code or refresh). */
function tokenIssued(
  grant: 'authorization_code' | 'refresh_token',
  summary: AuthorizationRequestSummary,
  command: RedeemCode | Refresh,
): Decision {
  const issued: TokenIssuedV1 = {
    grant_type: grant,
    client_id: summary.client_id,
    authorization_details: summary.authorization_details,
    credential_configuration_ids: summary.credential_configuration_ids,
    dpop_jkt: command.dpopJkt,
    ...command.token,
    request: command.request,
  };
  return {
    events: [
      { event_type: 'token_issued', data: issued as unknown as Record<string, unknown>, occurred_at: at(command.now) },
    ],
  };
}

export interface RedeemCode {
  now: Date;
  codeHash: string;
  clientId: string | undefined;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  dpopJkt: string | null;
  request: RequestContext;
  token: Pick<
    TokenIssuedV1,
    'token_type' | 'token_id_hash' | 'expires_at' | 'refresh_token_id_hash' | 'refresh_generation'
  >;
}

const rejected = (
  reason: Oid4vcReason,
  grantType: string,
  command: { now: Date; request: RequestContext },
  detail?: string,
  compared?: { expected: unknown; provided: unknown },
): Decision => {
  const rejection = new Oid4vcError(reason, detail, compared);
  const data: TokenRejectedV1 = { grant_type: grantType, ...rejection.toDiagnostic(), request: command.request };
  return {
    events: [
      { event_type: 'token_rejected', data: data as unknown as Record<string, unknown>, occurred_at: at(command.now) },
    ],
    rejection,
  };
};

/**
 * Redeeming an authorization code (RFC 6749 Section 4.1.3, RFC 7636 Section 4.6, RFC 9449
 * Section 10): once, before it expires, by the client it was issued to, with the redirect URI of
 * the request, the PKCE verifier and the DPoP key bound at the request. A second redemption
 * revokes the tokens of the first (RFC 6749 Section 4.1.2).
 */
export function decideRedeemCode(state: AuthorizationState, command: RedeemCode): Decision {
  const grant = 'authorization_code';
  const summary = state.summary;
  if (!summary || !state.code || state.code.hash !== command.codeHash)
    return rejected('authorization_code_invalid', grant, command);
  if (state.redeemed) {
    const refusal = rejected('authorization_code_reused', grant, command);
    if (state.revoked) return refusal;
    const revoked: TokensRevokedV1 = {
      token_id_hashes: state.tokenIdHashes,
      reason: 'authorization_code_reused',
      request: command.request,
    };
    return {
      ...refusal,
      events: [
        ...refusal.events,
        {
          event_type: 'tokens_revoked',
          data: revoked as unknown as Record<string, unknown>,
          occurred_at: at(command.now),
        },
      ],
    };
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

export interface Refresh {
  now: Date;
  generation: number;
  clientId: string | undefined;
  dpopJkt: string | null;
  request: RequestContext;
  token: Pick<
    TokenIssuedV1,
    'token_type' | 'token_id_hash' | 'expires_at' | 'refresh_token_id_hash' | 'refresh_generation'
  >;
}

/** Refreshing (RFC 6749 Section 6): the latest refresh token only, same client, same DPoP key (RFC 9449 Section 5). */
export function decideRefresh(state: AuthorizationState, command: Refresh): Decision {
  const grant = 'refresh_token';
  const summary = state.summary;
  if (!summary || state.revoked || state.refreshGeneration === null || command.generation !== state.refreshGeneration)
    return rejected('refresh_token_invalid', grant, command);
  if (command.clientId !== undefined && command.clientId !== summary.client_id)
    return rejected('refresh_token_binding_mismatch', grant, command, 'another client_id');
  if (state.boundJkt !== null && command.dpopJkt !== state.boundJkt)
    return rejected('refresh_token_binding_mismatch', grant, command, 'another DPoP key');
  return tokenIssued(grant, summary, command);
}
