import { deciderSpecification, fold, type AuthorizationRequestSummary } from '@hallmark/contracts';
import { Oid4vcError, type Oid4vcReason } from '@hallmark/oid4vc';
import {
  authorizationDecider,
  type AuthorizationEvent,
  type IssueCode,
  type OpenPushedRequest,
  type RedeemCode,
  type Refresh,
} from './authorization.decider';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const INSTANCE = 'i'.repeat(43);
const request = { method: 'POST', path: '/token' };
const now = new Date('2026-11-28T12:00:00Z');
const later = (s: number) => new Date(now.getTime() + s * 1000);

const summary: AuthorizationRequestSummary = {
  client_id: 'did:jwk:wallet',
  redirect_uri: 'openid://',
  credential_configuration_ids: ['pid'],
  scope: 'openid',
  authorization_details: false,
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  dpop_jkt: null,
  state_sealed: null,
  issuer_initiated: true,
  client_attestation: null,
};
const pushed = (over: Partial<AuthorizationRequestSummary> = {}): AuthorizationEvent => ({
  event_type: 'par_request_stored',
  data: { authorization: { ...summary, ...over }, expires_at: later(60).toISOString(), request },
});
const attested = () =>
  pushed({ client_attestation: { wallet_provider: 'w', instance_jkt: INSTANCE, trusted_by: 'k' } });
const codeIssued: AuthorizationEvent = {
  event_type: 'authorization_code_issued',
  data: { code_hash: 'code-hash', expires_at: later(60).toISOString(), user: 'offer', request },
};
const token = {
  token_type: 'DPoP' as const,
  token_id_hash: 't'.repeat(43),
  expires_at: later(600).toISOString(),
  refresh_token_id_hash: 'r'.repeat(43),
  refresh_generation: 0,
};
const open = (over: Partial<OpenPushedRequest> = {}): OpenPushedRequest => ({
  type: 'open_pushed_request',
  now,
  clientId: 'did:jwk:wallet',
  registeredRedirectUri: null,
  request,
  ...over,
});
const issue = (over: Partial<IssueCode> = {}): IssueCode =>
  ({ type: 'issue_code', now, codeHash: 'h', expiresAt: later(60), user: 'offer', request, ...over }) as IssueCode;
const redeem = (over: Partial<RedeemCode> = {}): RedeemCode => ({
  type: 'redeem_code',
  now: later(5),
  codeHash: 'code-hash',
  clientId: 'did:jwk:wallet',
  redirectUri: 'openid://',
  codeVerifier: VERIFIER,
  dpopJkt: JKT,
  walletInstanceJkt: null,
  request,
  token,
  ...over,
});
const refresh = (over: Partial<Refresh> = {}): Refresh => ({
  type: 'refresh',
  now: later(100),
  generation: 0,
  clientId: 'did:jwk:wallet',
  dpopJkt: JKT,
  walletInstanceJkt: null,
  request,
  token: { ...token, refresh_generation: 1 },
  ...over,
});

/** The rejection event of a token request, as the catalogue describes the reason. */
const tokenRejected = (
  grant: 'authorization_code' | 'refresh_token',
  command: { now: Date },
  reason: Oid4vcReason,
  detail?: string,
): AuthorizationEvent => ({
  event_type: 'token_rejected',
  data: { grant_type: grant, ...new Oid4vcError(reason, detail).toDiagnostic(), request },
  occurred_at: command.now.toISOString(),
});
const denied = (reason: Oid4vcReason, clientId: string | null, redirected: boolean, at = now): AuthorizationEvent => ({
  event_type: 'authorization_denied',
  data: {
    endpoint: 'authorize',
    client_id: clientId,
    ...new Oid4vcError(reason).toDiagnostic(),
    redirected,
    request,
  },
  occurred_at: at.toISOString(),
});
const reasonsOf = (events: AuthorizationEvent[]) =>
  events.map((e) =>
    e.event_type === 'token_rejected' || e.event_type === 'authorization_denied' ? e.data.reason : e.event_type,
  );

const spec = deciderSpecification(authorizationDecider);

describe('an authorization, given its events', () => {
  describe('when the wallet opens the authorization endpoint with its request_uri', () => {
    const requested: AuthorizationEvent = {
      event_type: 'authorization_requested',
      data: { via: 'par', request },
      occurred_at: now.toISOString(),
    };

    it('then it is accepted for the client that pushed it, also a second time before a code is issued', () => {
      spec.given([pushed()]).when(open()).then([requested]);
      // Reusable before authentication completes (FAPI 2.0): opening twice is fine.
      spec.given([pushed(), requested]).when(open()).then([requested]);
    });

    it('then an unknown, used or expired request_uri is denied, redirected only for the client that pushed it', () => {
      spec
        .given([])
        .when(open())
        .then([denied('par_request_uri_unknown', 'did:jwk:wallet', false)]);
      spec
        .given([pushed()])
        .when(open({ clientId: 'other' }))
        .thenEvents((events) => {
          expect(events).toEqual([
            expect.objectContaining({
              data: expect.objectContaining({
                reason: 'par_request_uri_client_mismatch',
                client_id: 'other',
                expected: 'did:jwk:wallet',
                provided: 'other',
                redirected: false,
              }),
            }),
          ]);
        });
      spec
        .given([pushed(), codeIssued])
        .when(open())
        .then([denied('par_request_uri_used', 'did:jwk:wallet', true)]);
      spec
        .given([pushed()])
        .when(open({ now: later(61) }))
        .then([denied('par_request_uri_expired', 'did:jwk:wallet', true, later(61))]);
    });

    it('then an error for a client that sent no redirect_uri goes to its registered one, else is not redirected', () => {
      spec
        .given([pushed({ redirect_uri: null }), codeIssued])
        .when(open())
        .then([denied('par_request_uri_used', 'did:jwk:wallet', false)]);
      spec
        .given([pushed({ redirect_uri: null }), codeIssued])
        .when(open({ registeredRedirectUri: 'https://wallet.example/cb' }))
        .then([denied('par_request_uri_used', 'did:jwk:wallet', true)]);
    });
  });

  describe('when the user is known', () => {
    const issued: AuthorizationEvent = {
      event_type: 'authorization_code_issued',
      data: { code_hash: 'h', expires_at: later(60).toISOString(), user: 'offer', request },
      occurred_at: now.toISOString(),
    };

    it('then one code is issued per authorization', () => {
      spec.given([pushed()]).when(issue()).then([issued]);
      spec
        .given([pushed(), codeIssued])
        .when(issue())
        .then([denied('par_request_uri_used', 'did:jwk:wallet', true)]);
    });

    it('then a login for an offer must be the offer subject; without one anyone who logs in is the user', () => {
      const login = (offerSubject: string | null) =>
        issue({ user: 'login', offerSubject, loggedInSubject: 'alice-hash' } as Partial<IssueCode>);
      const loggedIn = { ...issued, data: { ...issued.data, user: 'login' as const } };
      spec.given([pushed()]).when(login('alice-hash')).then([loggedIn]);
      spec.given([pushed()]).when(login(null)).then([loggedIn]);
      spec
        .given([pushed()])
        .when(login('bob-hash'))
        .then([denied('authorization_subject_mismatch', 'did:jwk:wallet', true)]);
      // A wallet-initiated authorization has no offer subject to match.
      spec
        .given([pushed({ issuer_initiated: false })])
        .when(login('bob-hash'))
        .then([loggedIn]);
    });

    it('then a denial (the user said no, the login failed) is recorded and redirected', () => {
      spec
        .given([pushed()])
        .when({ type: 'deny', now, rejection: new Oid4vcError('authorization_access_denied'), request })
        .then([denied('authorization_access_denied', 'did:jwk:wallet', true)]);
      spec
        .given([])
        .when({ type: 'deny', now, rejection: new Oid4vcError('authorization_access_denied'), request })
        .thenThrows(/needs an authorization request/);
    });
  });

  describe('when the wallet redeems the code', () => {
    it('then a token is issued for the client, the configurations and the DPoP key', () => {
      spec
        .given([pushed(), codeIssued])
        .when(redeem())
        .then([
          {
            event_type: 'token_issued',
            data: {
              grant_type: 'authorization_code',
              client_id: 'did:jwk:wallet',
              authorization_details: false,
              credential_configuration_ids: ['pid'],
              dpop_jkt: JKT,
              ...token,
              request,
            },
            occurred_at: later(5).toISOString(),
          },
        ]);
    });

    it('then a missing redirect_uri is invalid_grant naming the expected value (the openid:// wallet)', () => {
      spec
        .given([pushed(), codeIssued])
        .when(redeem({ redirectUri: undefined }))
        .thenEvents(([event, ...rest]) => {
          expect(rest).toEqual([]);
          expect(event.event_type).toBe('token_rejected');
          expect(event.data).toMatchObject({
            error: 'invalid_grant',
            reason: 'authorization_code_redirect_uri_missing',
            expected: 'openid://',
            provided: 'null',
          });
          expect((event.data as { error_description: string }).error_description).toContain('expected openid://');
        });
    });

    it('then no redirect_uri is needed when none was sent at authorize', () => {
      spec
        .given([pushed({ redirect_uri: null }), codeIssued])
        .when(redeem({ redirectUri: undefined }))
        .thenEvents((events) => expect(reasonsOf(events)).toEqual(['token_issued']));
    });

    it.each([
      [{ codeHash: 'other' }, 'authorization_code_invalid'],
      [{ now: later(61) }, 'authorization_code_expired'],
      [{ clientId: 'other' }, 'authorization_code_client_mismatch'],
      [{ redirectUri: 'openid://other' }, 'authorization_code_redirect_uri_mismatch'],
      [{ codeVerifier: undefined }, 'pkce_verifier_missing'],
      [{ codeVerifier: `${VERIFIER.slice(0, -1)}x` }, 'pkce_verifier_mismatch'],
    ] as const)('then %p is refused with invalid_grant (%s)', (change, reason) => {
      spec
        .given([pushed(), codeIssued])
        .when(redeem(change))
        .thenEvents((events) => {
          expect(reasonsOf(events)).toEqual([reason]);
          expect(events[0].data).toMatchObject({ error: 'invalid_grant', grant_type: 'authorization_code' });
        });
    });

    it('then the DPoP key must be the one bound by dpop_jkt at PAR', () => {
      const given = spec.given([pushed({ dpop_jkt: JKT }), codeIssued]);
      given
        .when(redeem({ dpopJkt: 'x'.repeat(43) }))
        .then([tokenRejected('authorization_code', redeem(), 'token_dpop_key_mismatch')]);
      given.when(redeem()).thenEvents((events) => expect(reasonsOf(events)).toEqual(['token_issued']));
    });

    it('then a client attested at PAR must redeem as the same wallet instance', () => {
      const given = spec.given([attested(), codeIssued]);
      given
        .when(redeem({ walletInstanceJkt: 'other'.padEnd(43, 'x') }))
        .then([
          tokenRejected(
            'authorization_code',
            redeem(),
            'client_attestation_client_id_mismatch',
            'another wallet instance than at PAR',
          ),
        ]);
      given
        .when(redeem())
        .thenEvents((events) => expect(reasonsOf(events)).toEqual(['client_attestation_client_id_mismatch']));
      given
        .when(redeem({ walletInstanceJkt: INSTANCE }))
        .thenEvents((events) => expect(reasonsOf(events)).toEqual(['token_issued']));
    });

    it('then a second redemption is refused and revokes the tokens of the first, once', () => {
      const first = authorizationDecider.decide(redeem(), fold(authorizationDecider, [pushed(), codeIssued]));
      const afterFirst = [pushed(), codeIssued, ...first];
      spec
        .given(afterFirst)
        .when(redeem())
        .then([
          tokenRejected('authorization_code', redeem(), 'authorization_code_reused'),
          {
            event_type: 'tokens_revoked',
            data: { token_id_hashes: [token.token_id_hash], reason: 'authorization_code_reused', request },
            occurred_at: later(5).toISOString(),
          },
        ]);
      const second = authorizationDecider.decide(redeem(), fold(authorizationDecider, afterFirst));
      spec
        .given([...afterFirst, ...second])
        .when(redeem())
        .then([tokenRejected('authorization_code', redeem(), 'authorization_code_reused')]);
    });
  });

  describe('when the wallet refreshes', () => {
    const issued = (first: AuthorizationEvent = pushed()) => [
      first,
      codeIssued,
      ...authorizationDecider.decide(
        redeem({ walletInstanceJkt: INSTANCE }),
        fold(authorizationDecider, [first, codeIssued]),
      ),
    ];

    it('then the latest refresh token works with the same client and DPoP key, and rotates', () => {
      spec
        .given(issued())
        .when(refresh())
        .thenEvents((events, state) => {
          expect(state.refreshGeneration).toBe(0);
          expect(reasonsOf(events)).toEqual(['token_issued']);
          expect(events[0].data).toMatchObject({ grant_type: 'refresh_token', refresh_generation: 1 });
          spec
            .given([...issued(), ...events])
            .when(refresh())
            .then([tokenRejected('refresh_token', refresh(), 'refresh_token_invalid')]);
        });
    });

    it('then another DPoP key, another client or a revoked authorization is refused', () => {
      spec
        .given(issued())
        .when(refresh({ dpopJkt: 'y'.repeat(43) }))
        .then([tokenRejected('refresh_token', refresh(), 'refresh_token_binding_mismatch', 'another DPoP key')]);
      spec
        .given(issued())
        .when(refresh({ clientId: 'other' }))
        .then([tokenRejected('refresh_token', refresh(), 'refresh_token_binding_mismatch', 'another client_id')]);
      spec
        .given([...issued(), { event_type: 'tokens_revoked', data: { token_id_hashes: [], reason: 'x', request } }])
        .when(refresh())
        .then([tokenRejected('refresh_token', refresh(), 'refresh_token_invalid')]);
    });

    it('then a client attested at PAR refreshes as the same wallet instance only', () => {
      spec
        .given(issued(attested()))
        .when(refresh({ walletInstanceJkt: 'other'.padEnd(43, 'x') }))
        .then([tokenRejected('refresh_token', refresh(), 'refresh_token_binding_mismatch', 'another wallet instance')]);
      spec
        .given(issued(attested()))
        .when(refresh({ walletInstanceJkt: INSTANCE }))
        .thenEvents((events) => expect(reasonsOf(events)).toEqual(['token_issued']));
    });

    it('then an authorization that never existed is refused', () => {
      spec
        .given([])
        .when(refresh())
        .then([tokenRejected('refresh_token', refresh(), 'refresh_token_invalid')]);
    });
  });
});
