import { parseIssuerConfig } from '@hallmark/issuer-config';
import type { GrantCodePayload } from '@hallmark/oid4vc';
import {
  AuthorizationRequestError,
  checkClient,
  parseAuthorizationRequest,
  type AuthorizationParameters,
} from './authorization-request';

const issuer = parseIssuerConfig({
  credential_configurations_supported: {
    pid: { format: 'dc+sd-jwt', vct: 'urn:pid', scope: 'pid_scope' },
    age: { format: 'dc+sd-jwt', vct: 'urn:age', scope: 'age_scope' },
  },
});
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const offer: GrantCodePayload = { sid: 's-1', exp: 0, cfg: ['pid'], use: 'issuer_state' };
const base: AuthorizationParameters = {
  response_type: 'code',
  client_id: 'did:jwk:w',
  redirect_uri: 'openid://',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  scope: 'pid_scope',
};

const failure = (fn: () => unknown): AuthorizationRequestError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthorizationRequestError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('the client and its redirect URI (never redirected when wrong)', () => {
  it('takes any public client with an absolute redirect URI under the open policy, custom schemes included', () => {
    expect(checkClient(base, {})).toEqual({
      clientId: 'did:jwk:w',
      redirectUri: 'openid://',
      effectiveRedirectUri: 'openid://',
    });
  });

  it.each([
    [{ client_id: undefined }, 'authorization_request_invalid'],
    [{ redirect_uri: undefined }, 'authorization_redirect_uri_invalid'],
    [{ redirect_uri: 'https://w.example/cb#x' }, 'authorization_redirect_uri_invalid'],
    [{ redirect_uri: 'javascript:alert(1)' }, 'authorization_redirect_uri_invalid'],
    [{ redirect_uri: '/relative' }, 'authorization_redirect_uri_invalid'],
  ])('refuses %p without a redirect', (change, reason) => {
    const err = failure(() => checkClient({ ...base, ...change }, {}));
    expect(err.rejection.reason).toBe(reason);
    expect(err.redirectUri).toBeNull();
  });

  it('admits only listed clients with one of their registered redirect URIs under the allow-list policy', () => {
    const config = {
      client_policy: 'allow-list' as const,
      clients: [{ client_id: 'did:jwk:w', redirect_uris: ['https://w.example/cb'] }],
    };
    expect(failure(() => checkClient({ ...base, client_id: 'other' }, config)).rejection).toMatchObject({
      error: 'unauthorized_client',
      reason: 'authorization_client_not_allowed',
    });
    expect(failure(() => checkClient(base, config)).rejection.reason).toBe('authorization_redirect_uri_invalid');
    expect(checkClient({ ...base, redirect_uri: undefined }, config)).toEqual({
      clientId: 'did:jwk:w',
      redirectUri: null,
      effectiveRedirectUri: 'https://w.example/cb',
    });
    expect(checkClient({ ...base, redirect_uri: 'https://w.example/cb' }, config).redirectUri).toBe(
      'https://w.example/cb',
    );
  });
});

describe('the rest of the request (errors go back by redirect)', () => {
  const parse = (change: AuthorizationParameters, withOffer: GrantCodePayload | null = null) =>
    parseAuthorizationRequest({ ...base, ...change }, checkClient({ ...base, ...change }, {}), issuer, withOffer);

  it('maps scope values to configurations and keeps state of any length', () => {
    expect(parse({ state: 'x'.repeat(4096) })).toMatchObject({
      credentialConfigurationIds: ['pid'],
      state: 'x'.repeat(4096),
      authorizationDetails: false,
    });
  });

  it('takes what the offer names when scope=openid comes with issuer_state, and refuses what the offer does not include', () => {
    expect(parse({ scope: 'openid' }, offer).credentialConfigurationIds).toEqual(['pid']);
    expect(failure(() => parse({ scope: 'age_scope' }, offer)).rejection.reason).toBe('authorization_not_offered');
  });

  it('takes authorization_details of type openid_credential', () => {
    expect(
      parse({
        scope: undefined,
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: 'age' }]),
      }),
    ).toMatchObject({ credentialConfigurationIds: ['age'], authorizationDetails: true });
  });

  it.each([
    [{ response_type: undefined }, 'invalid_request', 'authorization_request_invalid'],
    [{ response_type: 'token' }, 'unsupported_response_type', 'authorization_response_type_unsupported'],
    [{ code_challenge_method: 'plain' }, 'invalid_request', 'pkce_method_unsupported'],
    [{ code_challenge: undefined }, 'invalid_request', 'pkce_missing'],
    [{ scope: 'openid' }, 'invalid_scope', 'authorization_scope_invalid'],
    [{ authorization_details: 'not json' }, 'invalid_authorization_details', 'authorization_details_invalid'],
    [{ authorization_details: '[{"type":"other"}]' }, 'invalid_authorization_details', 'authorization_details_invalid'],
    [{ dpop_jkt: 'short' }, 'invalid_request', 'authorization_request_invalid'],
  ])('refuses %p with %s by redirect', (change, error, reason) => {
    const err = failure(() => parse(change));
    expect(err.rejection).toMatchObject({ error, reason });
    expect(err.redirectUri).toBe('openid://');
  });
});
