import type { AuthorizationRequestSummary, NewEvent } from '@hallmark/contracts';
import {
  decideIssueCode,
  decideOpenPushedRequest,
  decideRedeemCode,
  decideRefresh,
  foldAuthorization,
  type RedeemCode,
} from './authorization.decider';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
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
const pushed = (over: Partial<AuthorizationRequestSummary> = {}): NewEvent => ({
  event_type: 'par_request_stored',
  data: { authorization: { ...summary, ...over }, expires_at: later(60).toISOString(), request },
});
const codeIssued: NewEvent = {
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
const redeem = (over: Partial<RedeemCode> = {}): RedeemCode => ({
  now: later(5),
  codeHash: 'code-hash',
  clientId: 'did:jwk:wallet',
  redirectUri: 'openid://',
  codeVerifier: VERIFIER,
  dpopJkt: JKT,
  request,
  token,
  ...over,
});
const types = (events: NewEvent[]) => events.map((e) => e.event_type);

describe('an authorization, given its events', () => {
  describe('when the wallet opens the authorization endpoint with its request_uri', () => {
    it('then it is accepted for the client that pushed it, until a code is issued or it expires', () => {
      expect(
        decideOpenPushedRequest(foldAuthorization([pushed()]), { now, clientId: 'did:jwk:wallet' }),
      ).toBeUndefined();
      // Reusable before authentication completes (FAPI 2.0): opening twice is fine.
      expect(
        decideOpenPushedRequest(
          foldAuthorization([pushed(), { event_type: 'authorization_requested', data: { via: 'par', request } }]),
          { now, clientId: 'did:jwk:wallet' },
        ),
      ).toBeUndefined();
      expect(decideOpenPushedRequest(foldAuthorization([]), { now, clientId: 'did:jwk:wallet' })?.reason).toBe(
        'par_request_uri_unknown',
      );
      expect(decideOpenPushedRequest(foldAuthorization([pushed()]), { now, clientId: 'other' })?.reason).toBe(
        'par_request_uri_client_mismatch',
      );
      expect(
        decideOpenPushedRequest(foldAuthorization([pushed(), codeIssued]), { now, clientId: 'did:jwk:wallet' })?.reason,
      ).toBe('par_request_uri_used');
      expect(
        decideOpenPushedRequest(foldAuthorization([pushed()]), { now: later(61), clientId: 'did:jwk:wallet' })?.reason,
      ).toBe('par_request_uri_expired');
    });
  });

  it('issues one code per authorization', () => {
    expect(
      types(
        decideIssueCode(foldAuthorization([pushed()]), {
          now,
          codeHash: 'h',
          expiresAt: later(60),
          user: 'offer',
          request,
        }).events,
      ),
    ).toEqual(['authorization_code_issued']);
    expect(
      decideIssueCode(foldAuthorization([pushed(), codeIssued]), {
        now,
        codeHash: 'h',
        expiresAt: later(60),
        user: 'offer',
        request,
      }).rejection?.reason,
    ).toBe('par_request_uri_used');
  });

  describe('when the wallet redeems the code', () => {
    it('then a token is issued for the client, the configurations and the DPoP key', () => {
      const d = decideRedeemCode(foldAuthorization([pushed(), codeIssued]), redeem());
      expect(d.rejection).toBeUndefined();
      expect(d.events).toEqual([
        expect.objectContaining({
          event_type: 'token_issued',
          data: expect.objectContaining({
            grant_type: 'authorization_code',
            client_id: 'did:jwk:wallet',
            credential_configuration_ids: ['pid'],
            dpop_jkt: JKT,
          }),
        }),
      ]);
    });

    it('then a missing redirect_uri is invalid_grant naming the expected value (the openid:// wallet)', () => {
      const d = decideRedeemCode(foldAuthorization([pushed(), codeIssued]), redeem({ redirectUri: undefined }));
      expect(d.rejection).toMatchObject({ error: 'invalid_grant', reason: 'authorization_code_redirect_uri_missing' });
      expect(d.rejection?.error_description).toContain('expected openid://');
      expect(d.rejection?.toDiagnostic()).toMatchObject({ expected: 'openid://', provided: 'null' });
      expect(types(d.events)).toEqual(['token_rejected']);
    });

    it('then no redirect_uri is needed when none was sent at authorize', () => {
      expect(
        decideRedeemCode(
          foldAuthorization([pushed({ redirect_uri: null }), codeIssued]),
          redeem({ redirectUri: undefined }),
        ).rejection,
      ).toBeUndefined();
    });

    it.each([
      [{ codeHash: 'other' }, 'authorization_code_invalid'],
      [{ now: later(61) }, 'authorization_code_expired'],
      [{ clientId: 'other' }, 'authorization_code_client_mismatch'],
      [{ redirectUri: 'openid://other' }, 'authorization_code_redirect_uri_mismatch'],
      [{ codeVerifier: undefined }, 'pkce_verifier_missing'],
      [{ codeVerifier: `${VERIFIER.slice(0, -1)}x` }, 'pkce_verifier_mismatch'],
    ] as const)('then %p is refused with invalid_grant (%s)', (change, reason) => {
      const d = decideRedeemCode(foldAuthorization([pushed(), codeIssued]), redeem(change));
      expect(d.rejection).toMatchObject({ error: 'invalid_grant', reason });
      expect(types(d.events)).toEqual(['token_rejected']);
    });

    it('then the DPoP key must be the one bound by dpop_jkt at PAR', () => {
      const given = foldAuthorization([pushed({ dpop_jkt: JKT }), codeIssued]);
      expect(decideRedeemCode(given, redeem({ dpopJkt: 'x'.repeat(43) })).rejection?.reason).toBe(
        'token_dpop_key_mismatch',
      );
      expect(decideRedeemCode(given, redeem()).rejection).toBeUndefined();
    });

    it('then a second redemption is refused and revokes the tokens of the first, once', () => {
      const first = decideRedeemCode(foldAuthorization([pushed(), codeIssued]), redeem());
      const afterFirst = [pushed(), codeIssued, ...first.events];
      const second = decideRedeemCode(foldAuthorization(afterFirst), redeem());
      expect(second.rejection?.reason).toBe('authorization_code_reused');
      expect(types(second.events)).toEqual(['token_rejected', 'tokens_revoked']);
      expect(second.events[1].data).toMatchObject({ token_id_hashes: [token.token_id_hash] });
      const third = decideRedeemCode(foldAuthorization([...afterFirst, ...second.events]), redeem());
      expect(types(third.events)).toEqual(['token_rejected']);
    });
  });

  describe('when the wallet refreshes', () => {
    const issued = () => [
      pushed(),
      codeIssued,
      ...decideRedeemCode(foldAuthorization([pushed(), codeIssued]), redeem()).events,
    ];
    const refresh = {
      now: later(100),
      generation: 0,
      clientId: 'did:jwk:wallet',
      dpopJkt: JKT,
      request,
      token: { ...token, refresh_generation: 1 },
    };

    it('then the latest refresh token works with the same client and DPoP key, and rotates', () => {
      const d = decideRefresh(foldAuthorization(issued()), refresh);
      expect(d.rejection).toBeUndefined();
      const rotated = foldAuthorization([...issued(), ...d.events]);
      expect(rotated.refreshGeneration).toBe(1);
      expect(decideRefresh(rotated, refresh).rejection?.reason).toBe('refresh_token_invalid');
    });

    it('then another DPoP key, another client or a revoked authorization is refused', () => {
      expect(
        decideRefresh(foldAuthorization(issued()), { ...refresh, dpopJkt: 'y'.repeat(43) }).rejection?.reason,
      ).toBe('refresh_token_binding_mismatch');
      expect(decideRefresh(foldAuthorization(issued()), { ...refresh, clientId: 'other' }).rejection?.reason).toBe(
        'refresh_token_binding_mismatch',
      );
      const revoked = foldAuthorization([
        ...issued(),
        { event_type: 'tokens_revoked', data: { token_id_hashes: [], reason: 'x', request } },
      ]);
      expect(decideRefresh(revoked, refresh).rejection?.reason).toBe('refresh_token_invalid');
    });
  });
});
