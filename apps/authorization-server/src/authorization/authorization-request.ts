import type { AuthorizationConfig, IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError, checkPkceChallenge, type GrantCodePayload } from '@hallmark/oid4vc';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** The authorization a request_uri names (RFC 9126 Section 2.2), or undefined when it is not one of ours. */
export const authorizationIdOf = (requestUri: string | undefined): string | undefined =>
  requestUri?.startsWith(REQUEST_URI_PREFIX) && requestUri.length > REQUEST_URI_PREFIX.length
    ? requestUri.slice(REQUEST_URI_PREFIX.length)
    : undefined;

/** The parameters of an authorization request, from the query or a pushed form (the first value of each). */
export type AuthorizationParameters = Record<string, string | undefined>;

export interface ParsedAuthorizationRequest {
  clientId: string;
  /** As sent; null when the client sent none and has exactly one registered. */
  redirectUri: string | null;
  /** Where the response goes: the sent or the only registered redirect URI. */
  effectiveRedirectUri: string;
  scope: string | null;
  authorizationDetails: boolean;
  credentialConfigurationIds: string[];
  codeChallenge: string;
  state: string | null;
  dpopJkt: string | null;
  /** The offer behind issuer_state, when the request came from one. */
  offer: GrantCodePayload | null;
}

/**
 * A refusal of an authorization request. When the redirect URI has been checked, the error goes
 * back to it (RFC 6749 Section 4.1.2.1); before that it is shown to the user, never redirected.
 */
export class AuthorizationRequestError extends Error {
  constructor(
    readonly rejection: Oid4vcError,
    readonly redirectUri: string | null,
    readonly clientId: string | null,
    readonly state: string | null,
    /** True when the refusal is already on the authorization's stream. */
    readonly recorded = false,
  ) {
    super(rejection.error_description);
  }
}

const JKT = /^[A-Za-z0-9_-]{43}$/;

/** An absolute URI without a fragment (RFC 6749 Section 3.1.2); custom schemes such as openid:// are allowed. */
export function isAcceptableRedirectUri(uri: string): boolean {
  if (uri.length > 2048 || uri.includes('#')) return false;
  try {
    const parsed = new URL(uri);
    return (
      /^[a-z][a-z0-9+.-]*:$/.test(parsed.protocol) && parsed.protocol !== 'javascript:' && parsed.protocol !== 'data:'
    );
  } catch {
    return false;
  }
}

/** Checks the client and its redirect URI; errors here are never redirected. */
export function checkClient(
  params: AuthorizationParameters,
  config: AuthorizationConfig,
): { clientId: string; redirectUri: string | null; effectiveRedirectUri: string } {
  const clientId = params.client_id;
  const fail = (reason: ConstructorParameters<typeof Oid4vcError>[0], detail?: string) =>
    new AuthorizationRequestError(new Oid4vcError(reason, detail), null, clientId ?? null, null);
  if (!clientId) throw fail('authorization_request_invalid', 'client_id is missing');
  if (clientId.length > 512) throw fail('authorization_request_invalid', 'client_id is longer than 512 characters');
  const registration = config.clients?.find((c) => c.client_id === clientId);
  if (config.client_policy === 'allow-list' && !registration)
    throw fail('authorization_client_not_allowed', 'not in the allow-list');
  const sent = params.redirect_uri ?? null;
  if (registration) {
    if (sent === null) {
      if (registration.redirect_uris.length !== 1)
        throw fail(
          'authorization_redirect_uri_invalid',
          'redirect_uri is missing and the client has several registered',
        );
      return { clientId, redirectUri: null, effectiveRedirectUri: registration.redirect_uris[0] };
    }
    if (!registration.redirect_uris.includes(sent))
      throw fail('authorization_redirect_uri_invalid', 'not one of the registered redirect URIs');
    return { clientId, redirectUri: sent, effectiveRedirectUri: sent };
  }
  if (sent === null) throw fail('authorization_redirect_uri_invalid', 'redirect_uri is missing');
  if (!isAcceptableRedirectUri(sent))
    throw fail('authorization_redirect_uri_invalid', 'not an absolute URI without a fragment');
  return { clientId, redirectUri: sent, effectiveRedirectUri: sent };
}

/**
 * The rest of an authorization request once the client and redirect URI are known (OID4VCI 1.0
 * Section 5.1, RFC 7636, RFC 9396): response type, PKCE S256, what is asked for (scope,
 * authorization_details, or the offer behind issuer_state) and the DPoP key binding.
 */
export function parseAuthorizationRequest(
  params: AuthorizationParameters,
  client: ReturnType<typeof checkClient>,
  issuer: IssuerConfig,
  offer: GrantCodePayload | null,
): ParsedAuthorizationRequest {
  const state = params.state ?? null;
  const fail = (
    reason: ConstructorParameters<typeof Oid4vcError>[0],
    detail?: string,
    compared?: { expected: unknown; provided: unknown },
  ) =>
    new AuthorizationRequestError(
      new Oid4vcError(reason, detail, compared),
      client.effectiveRedirectUri,
      client.clientId,
      state,
    );
  const responseType = params.response_type;
  if (!responseType) throw fail('authorization_request_invalid', 'response_type is missing');
  if (responseType !== 'code')
    throw fail('authorization_response_type_unsupported', `response_type ${responseType.slice(0, 40)}`, {
      expected: 'code',
      provided: responseType,
    });
  let codeChallenge: string;
  try {
    codeChallenge = checkPkceChallenge(params.code_challenge, params.code_challenge_method);
  } catch (err) {
    throw new AuthorizationRequestError(err as Oid4vcError, client.effectiveRedirectUri, client.clientId, state);
  }

  const configurations = issuer.credential_configurations_supported;
  const ids = new Set<string>();
  let details = false;
  if (params.authorization_details !== undefined) {
    details = true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.authorization_details);
    } catch {
      throw fail('authorization_details_invalid', 'not JSON');
    }
    if (!Array.isArray(parsed) || parsed.length === 0)
      throw fail('authorization_details_invalid', 'not a non-empty array');
    for (const detail of parsed) {
      const d = detail as Record<string, unknown> | null;
      if (!d || d.type !== 'openid_credential')
        throw fail('authorization_details_invalid', 'type must be openid_credential');
      const id = d.credential_configuration_id;
      if (typeof id !== 'string' || !Object.prototype.hasOwnProperty.call(configurations, id))
        throw fail('authorization_details_invalid', `unknown credential_configuration_id ${String(id).slice(0, 80)}`);
      ids.add(id);
    }
  }
  const scope = params.scope ?? null;
  if (scope) {
    for (const value of scope.split(' ').filter(Boolean)) {
      const match = Object.entries(configurations).find(([, c]) => c.scope === value);
      if (match) ids.add(match[0]);
    }
  }
  if (offer) {
    const notOffered = [...ids].filter((id) => !offer.cfg.includes(id));
    if (notOffered.length > 0)
      throw fail('authorization_not_offered', `not offered: ${notOffered.join(' ').slice(0, 120)}`);
    // scope=openid alone (some wallets send it with issuer_state): the offer says what is meant.
    if (ids.size === 0) offer.cfg.forEach((id) => ids.add(id));
  }
  if (ids.size === 0)
    throw fail(
      'authorization_scope_invalid',
      scope ? `scope ${scope.slice(0, 80)}` : 'neither scope nor authorization_details',
    );

  const dpopJkt = params.dpop_jkt ?? null;
  if (dpopJkt !== null && !JKT.test(dpopJkt))
    throw fail('authorization_request_invalid', 'dpop_jkt is not a JWK SHA-256 thumbprint');
  return {
    ...client,
    scope,
    authorizationDetails: details,
    credentialConfigurationIds: [...ids],
    codeChallenge,
    state,
    dpopJkt,
    offer,
  };
}
