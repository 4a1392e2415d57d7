import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SignJWT, generateKeyPair } from 'jose';
import { conformanceSchema } from '@hallmark/testing';
import { IndependentWallet, inspectSdJwtVc, newWalletKey, type WalletKeyPair } from '@hallmark/test-wallet';
import {
  issuerConfigWith,
  keyAttestation as attestKeys,
  testTrust,
  trusting,
  walletAttestation,
  type TestTrust,
} from './support/attestations';
import { call, eventually, timelineHas } from './support/http';
import { dpopProof, form, walletKey, type WalletKey } from './support/wallet';
import { TARGETS, startTarget, type Target } from './support/targets';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const CLAIMS = {
  [PID]: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] },
};
// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/**
 * The authorization code flow end to end with an independent wallet (@openid4vc/openid4vci):
 * offer with issuer_state -> PAR -> authorize -> token with PKCE and DPoP -> credential; with a
 * wallet attestation from a test wallet provider the issuer trusts; and the mistakes wallets make.
 */
describe.each(TARGETS)('authorization code flow [%s]', (targetName) => {
  let t: Target;
  let trust: TestTrust;

  beforeAll(async () => {
    trust = await testTrust();
    t = await startTarget(targetName, 'authorization-code', { HALLMARK_CONFIG: issuerConfigWith(trusting(trust)) });
  }, 120000);
  afterAll(async () => t?.stop());

  const createSession = async (extra: Record<string, unknown> = {}) => {
    const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], grant_type: 'authorization_code', claims: CLAIMS, ...extra },
    });
    expect(r.status).toBe(201);
    return r.body as {
      session_id: string;
      credential_offer: { grants: { authorization_code: { issuer_state: string } } };
      credential_offer_uri: string;
    };
  };
  const timeline = async (sessionId: string) =>
    (await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken })).body as {
      status: string;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      timeline: Array<Record<string, any>>;
    };
  const attestationFor = (clientId: string, instance: WalletKeyPair, claims: Record<string, unknown> = {}) =>
    walletAttestation(trust, clientId, instance, claims);
  const keyAttestation = (keys: WalletKeyPair[], nonce?: string) => attestKeys(trust, keys, nonce);

  describe('key attestation (HAIP 1.0 Section 4.5.1, OID4VCI 1.0 Appendix D)', () => {
    it('refuses a proof without one when the session requires it, naming both sections', async () => {
      const session = await createSession({ require_key_attestation: true });
      const wallet = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:no-key-attestation' });
      const failure = await wallet
        .receiveCredentialsByAuthorizationCode({
          offerUri: session.credential_offer_uri,
          clientId: 'did:jwk:no-key-attestation',
          redirectUri: 'openid://',
        })
        .catch((e) => e);
      expect(failure).toMatchObject({ step: 'credential', details: { status: 400, error: 'invalid_proof' } });
      expect(failure.details.errorDescription).toContain('HAIP 1.0 Section 4.5.1');
      expect(failure.details.errorDescription).toContain('OID4VCI 1.0 Appendix D');
      const entry = await eventually(
        async () => (await timeline(session.session_id)).timeline.find((e) => e.type === 'credential_request_rejected'),
        15000,
        'rejection entry',
      );
      expect(entry.data.reason).toBe('key_attestation_missing');
      expect(entry.explanation).toMatchObject({
        title: 'Key attestation missing',
        reason: expect.stringContaining('HAIP 1.0 Section 4.5.1'),
        help: expect.stringContaining('key_attestation'),
        spec_ref: 'OID4VCI 1.0 Appendix D',
      });
    });

    it('issues when each proof key is attested by a trusted attester, also for a batch', async () => {
      const session = await createSession({ require_key_attestation: true });
      const wallet = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:key-attested' });
      const received = await wallet.receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId: 'did:jwk:key-attested',
        redirectUri: 'openid://',
        keyAttester: keyAttestation,
      });
      expect(received.credentials).toHaveLength(1);
      const batch = await received.requestMore(2);
      expect(batch.credentials).toHaveLength(2);
    });

    it('takes the attestation proof type: one key attestation with the c_nonce, a credential per attested key', async () => {
      const metadata = (await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`)).body;
      expect(metadata.credential_configurations_supported[PID].proof_types_supported.attestation).toEqual({
        proof_signing_alg_values_supported: ['ES256'],
        key_attestations_required: {},
      });
      const session = await createSession();
      const wallet = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:attestation-proof' });
      const received = await wallet.receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId: 'did:jwk:attestation-proof',
        redirectUri: 'openid://',
        batchSize: 3,
        attestationProof: true,
        keyAttester: (keys, nonce) => keyAttestation(keys, nonce),
      });
      expect(received.credentials).toHaveLength(3);
      const bound = await Promise.all(
        received.credentials.map(
          async (c) => ((await inspectSdJwtVc(c as string)).payload.cnf as { jwk: { x: string } }).jwk.x,
        ),
      );
      expect(bound.sort()).toEqual(received.holderKeys.map((k) => k.publicJwk.x as string).sort());
      // Without the c_nonce the attestation proves no freshness: refused.
      const noNonce = await new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:attestation-proof' })
        .receiveCredentialsByAuthorizationCode({
          offerUri: (await createSession()).credential_offer_uri,
          clientId: 'did:jwk:attestation-proof',
          redirectUri: 'openid://',
          attestationProof: true,
          keyAttester: (keys) => keyAttestation(keys),
        })
        .catch((e) => e);
      expect(noNonce).toMatchObject({ step: 'credential', details: { status: 400, error: 'invalid_proof' } });
    });
  });

  it('advertises what the authorization server supports, valid RFC 8414 metadata', async () => {
    const m = (await call('GET', `${t.baseUrl}/.well-known/oauth-authorization-server`)).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(conformanceSchema('oauth_authorization_server_metadata'));
    expect(validate(m) ? [] : validate.errors).toEqual([]);
    expect(m).toMatchObject({
      authorization_endpoint: `${t.baseUrl}/authorize`,
      pushed_authorization_request_endpoint: `${t.baseUrl}/par`,
      require_pushed_authorization_requests: false,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      authorization_response_iss_parameter_supported: true,
      authorization_details_types_supported: ['openid_credential'],
      dpop_signing_alg_values_supported: ['ES256'],
    });
    expect(m.grant_types_supported).toEqual(
      expect.arrayContaining([
        'authorization_code',
        'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'refresh_token',
      ]),
    );
    expect(m.token_endpoint_auth_methods_supported).toEqual(['none', 'attest_jwt_client_auth']);
    expect(m.challenge_endpoint).toBe(`${t.baseUrl}/challenge`);
  });

  it('issues a credential to an independent wallet: PAR, PKCE, DPoP, issuer_state, iss in the response', async () => {
    const session = await createSession();
    const wallet = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:hallmark-test-wallet' });
    const received = await wallet.receiveCredentialsByAuthorizationCode({
      offerUri: session.credential_offer_uri,
      clientId: 'did:jwk:hallmark-test-wallet',
      redirectUri: 'openid://',
    });
    expect(received.authorizationResponse.searchParams.get('iss')).toBe(t.baseUrl);
    expect(received.tokenResponse).toMatchObject({ token_type: 'DPoP' });
    expect(typeof received.tokenResponse.refresh_token).toBe('string');
    const view = await inspectSdJwtVc(received.credentials[0] as string);
    expect(view.disclosures.map((d) => d.name).sort()).toEqual([
      'birthdate',
      'family_name',
      'given_name',
      'nationalities',
    ]);
    expect(
      received.exchanges.some((e) => e.method === 'POST' && e.url === `${t.baseUrl}/par` && e.status === 201),
    ).toBe(true);

    const expectedTypes = [
      'par_request_stored',
      'authorization_requested',
      'authorization_code_issued',
      'token_issued',
      'credential_issued',
    ];
    const view2 = await eventually(
      async () => {
        const v = await timeline(session.session_id);
        return v.status === 'credential_issued' && timelineHas(v, expectedTypes) && v;
      },
      15000,
      'credential_issued and the flow before it on the timeline',
    );
    expect(view2.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(expectedTypes));
    expect(JSON.stringify(view2)).not.toContain(received.tokenResponse.access_token);
    expect(JSON.stringify(view2)).not.toContain(session.credential_offer.grants.authorization_code.issuer_state);
  });

  /** PAR and authorize by hand, returning the code, to script the wallets' mistakes. */
  const authorizeByHand = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
    const par = await fetch(`${t.baseUrl}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(params),
    });
    const pushed = (await par.json()) as { request_uri: string };
    expect(par.status).toBe(201);
    const r = await fetch(
      `${t.baseUrl}/authorize?${form({ client_id: params.client_id, request_uri: pushed.request_uri })}`,
      { redirect: 'manual' },
    );
    expect(r.status).toBe(303);
    return { location: new URL(r.headers.get('location')!), requestUri: pushed.request_uri as string };
  };
  const tokenRequest = async (fields: Record<string, string | undefined>, key?: WalletKey) => {
    key ??= await walletKey();
    const htu = `${t.baseUrl}/token`;
    let r = await fetch(htu, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        dpop: await dpopProof(key, { htm: 'POST', htu }),
      },
      body: form(fields),
    });
    if (r.status === 400 && r.headers.get('dpop-nonce')) {
      r = await fetch(htu, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          dpop: await dpopProof(key, { htm: 'POST', htu, nonce: r.headers.get('dpop-nonce')! }),
        },
        body: form(fields),
      });
    }
    return { status: r.status, body: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('explains the openid:// wallet that leaves redirect_uri out at the token endpoint', async () => {
    const session = await createSession();
    const clientId = 'did:jwk:android-wallet';
    const { location } = await authorizeByHand({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'openid://',
      scope: 'openid',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      issuer_state: session.credential_offer.grants.authorization_code.issuer_state,
      client_metadata: '{"vp_formats":{}}',
      state: 's'.repeat(128),
    });
    expect(location.protocol).toBe('openid:');
    expect(location.searchParams.get('state')).toBe('s'.repeat(128));
    const code = location.searchParams.get('code')!;
    const missing = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      client_id: clientId,
    });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(missing.body.error_description).toContain('expected openid://');
    const entry = await eventually(
      async () =>
        (await timeline(session.session_id)).timeline.find(
          (e) => e.type === 'token_rejected' && e.data.reason === 'authorization_code_redirect_uri_missing',
        ),
      15000,
      'token_rejected entry',
    );
    expect(entry.explanation).toMatchObject({
      title: 'Redirect URI missing at the token endpoint',
      reason: expect.stringContaining('expected openid://'),
      help: expect.stringContaining('redirect_uri'),
      spec_ref: 'RFC 6749 Section 4.1.3',
      expected: 'openid://',
      provided: 'null',
    });

    // The code was not burnt by the mistake: the corrected request succeeds, and a reuse is refused and revokes.
    const ok = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      client_id: clientId,
      redirect_uri: 'openid://',
    });
    expect(ok.status).toBe(200);
    const reused = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      code_verifier: VERIFIER,
      client_id: clientId,
      redirect_uri: 'openid://',
    });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await eventually(
      async () => (await timeline(session.session_id)).timeline.some((e) => e.type === 'tokens_revoked'),
      15000,
      'tokens_revoked entry',
    );
    // The tokens of the first redemption stop working at the credential endpoint.
    const revoked = await eventually(
      async () => {
        const r = await call('POST', `${t.baseUrl}/credential`, {
          headers: { authorization: `DPoP ${ok.body.access_token}` },
          body: { credential_configuration_id: PID },
        });
        return r.status === 401 && r;
      },
      15000,
      'the revoked token refused',
    );
    expect(revoked.body).toMatchObject({ error: 'invalid_token' });
    expect(revoked.body.error_description).toContain('revoked');
  });

  it('requires a wallet attestation when the session asks for one, and accepts a trusted one (with key attestation)', async () => {
    const session = await createSession({ require_wallet_attestation: true, require_key_attestation: true });
    const anonymous = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:no-attestation' });
    await expect(
      anonymous.receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId: 'did:jwk:no-attestation',
        redirectUri: 'openid://',
      }),
    ).rejects.toMatchObject({
      details: { status: 401, error: 'invalid_client' },
    });
    const clientId = 'did:jwk:attested-wallet';
    const instance = await newWalletKey();
    const attested = new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await attestationFor(clientId, instance),
      clientAttestationKey: instance,
    });
    const received = await attested.receiveCredentialsByAuthorizationCode({
      offerUri: session.credential_offer_uri,
      clientId,
      redirectUri: 'https://wallet.example/cb',
      keyAttester: (keys) => keyAttestation(keys),
    });
    expect(received.credentials).toHaveLength(1);
    const pushed = await eventually(
      async () => (await timeline(session.session_id)).timeline.find((e) => e.type === 'par_request_stored'),
      15000,
      'par entry',
    );
    expect(pushed.data.authorization.client_attestation).toMatchObject({
      wallet_provider: 'https://wallet-provider.test',
      trusted_by: 'kid:test-wallet-provider',
    });
  });

  it.each([
    [
      'an attestation signed by an untrusted key',
      async (clientId: string, instance: WalletKeyPair) => {
        const other = await generateKeyPair('ES256');
        return new SignJWT({ sub: clientId, cnf: { jwk: instance.publicJwk } })
          .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation+jwt', kid: 'test-wallet-provider' })
          .setIssuer('x')
          .setExpirationTime('1h')
          .sign(other.privateKey);
      },
      'invalid_client_attestation',
    ],
    [
      'an attestation whose sub is another client',
      async (_clientId: string, instance: WalletKeyPair) => attestationFor('did:jwk:someone-else', instance),
      'invalid_client_attestation',
    ],
    [
      'an expired attestation',
      async (clientId: string, instance: WalletKeyPair) =>
        attestationFor(clientId, instance, { exp: Math.floor(Date.now() / 1000) - 60 }),
      'invalid_client_attestation',
    ],
  ] as const)('refuses %s at PAR with 400', async (_case, make, error) => {
    const session = await createSession({ require_wallet_attestation: true });
    const clientId = 'did:jwk:bad-attestation';
    const instance = await newWalletKey();
    const wallet = new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await make(clientId, instance),
      clientAttestationKey: instance,
    });
    await expect(
      wallet.receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId,
        redirectUri: 'openid://',
      }),
    ).rejects.toMatchObject({ details: { status: 400, error } });
  });

  describe('FAPI 2.0 authorization server checks', () => {
    let lastSessionId = '';
    const base = async () => {
      const session = await createSession();
      lastSessionId = session.session_id;
      return {
        response_type: 'code',
        client_id: 'did:jwk:fapi',
        redirect_uri: 'https://wallet.example/cb',
        scope: PID,
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
        issuer_state: session.credential_offer.grants.authorization_code.issuer_state,
      };
    };
    const par = async (params: Record<string, string | undefined>, method = 'POST') => {
      const r = await fetch(
        `${t.baseUrl}/par`,
        method === 'POST'
          ? { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(params) }
          : { method },
      );
      return { status: r.status, body: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };

    it('refuses GET at the PAR endpoint', async () => {
      expect(await par({}, 'GET')).toMatchObject({ status: 405, body: { error: 'invalid_request' } });
    });

    it.each([
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain', code_challenge: VERIFIER }, 'invalid_request'],
      [{ redirect_uri: 'https://wallet.example/cb#fragment' }, 'invalid_request'],
      [{ issuer_state: 'forged' }, 'invalid_request'],
      [{ scope: 'unknown', issuer_state: undefined }, 'invalid_scope'],
      [
        { authorization_details: '[{"type":"openid_credential","credential_configuration_id":"nope"}]' },
        'invalid_authorization_details',
      ],
    ] as const)('refuses a pushed request with %p: %s', async (change, error) => {
      expect(await par({ ...(await base()), ...change })).toMatchObject({ status: 400, body: { error } });
    });

    it('accepts a request_uri until the code is issued, once, and only for its client', async () => {
      const params = await base();
      const pushed = (await par(params)).body;
      const open = (clientId: string) =>
        fetch(`${t.baseUrl}/authorize?${form({ client_id: clientId, request_uri: pushed.request_uri })}`, {
          redirect: 'manual',
        });
      const foreign = await open('did:jwk:other');
      expect(foreign.status).toBe(400); // shown, not redirected: the redirect URI is not the other client's
      expect(await foreign.text()).toContain('invalid_request_uri');
      const first = await open(params.client_id);
      expect(first.status).toBe(303);
      const used = await open(params.client_id);
      expect(used.status).toBe(303);
      expect(new URL(used.headers.get('location')!).searchParams.get('error')).toBe('invalid_request_uri');
      const unknown = await fetch(
        `${t.baseUrl}/authorize?${form({ client_id: params.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:nope' })}`,
        { redirect: 'manual' },
      );
      expect(unknown.status).toBe(400);
    });

    it('checks PKCE, the client and the code at the token endpoint', async () => {
      const params = await base();
      const { location } = await authorizeByHand(params);
      const code = location.searchParams.get('code')!;
      const ask = (over: Record<string, string | undefined>) =>
        tokenRequest({
          grant_type: 'authorization_code',
          code,
          code_verifier: VERIFIER,
          client_id: params.client_id,
          redirect_uri: params.redirect_uri,
          ...over,
        });
      expect(await ask({ code_verifier: undefined })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(await ask({ code_verifier: `${VERIFIER.slice(0, -1)}x` })).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await ask({ client_id: 'did:jwk:other' })).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await ask({ code: `${code.slice(0, -2)}xx` })).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await ask({})).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
    });

    it('binds the code to the DPoP key named by dpop_jkt at PAR, and explains a request without DPoP on the timeline', async () => {
      const bound = await walletKey();
      const params = { ...(await base()), dpop_jkt: bound.jkt };
      const { location } = await authorizeByHand(params);
      const ask = (key?: WalletKey) =>
        tokenRequest(
          {
            grant_type: 'authorization_code',
            code: location.searchParams.get('code')!,
            code_verifier: VERIFIER,
            client_id: params.client_id,
            redirect_uri: params.redirect_uri,
          },
          key,
        );
      expect(await ask()).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      const sessionId = lastSessionId;
      const noDpop = await fetch(`${t.baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          code_verifier: VERIFIER,
          redirect_uri: params.redirect_uri,
        }),
      });
      expect(noDpop.status).toBe(400);
      expect(((await noDpop.json()) as { error: string }).error).toBe('invalid_dpop_proof');
      const ok = await ask(bound);
      expect(ok).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
      await eventually(
        async () => {
          const reasons = (await timeline(sessionId)).timeline
            .filter((e) => e.type === 'token_rejected')
            .map((e) => e.data.reason);
          return reasons.includes('token_dpop_key_mismatch') && reasons.includes('dpop_missing');
        },
        15000,
        'both refusals on the timeline',
      );
    });

    it('rotates refresh tokens bound to the DPoP key', async () => {
      const params = await base();
      const { location } = await authorizeByHand(params);
      const key = await walletKey();
      const first = await tokenRequest(
        {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          code_verifier: VERIFIER,
          client_id: params.client_id,
          redirect_uri: params.redirect_uri,
        },
        key,
      );
      const refresh = (token: string, k = key) =>
        tokenRequest({ grant_type: 'refresh_token', refresh_token: token, client_id: params.client_id }, k);
      expect(await refresh(first.body.refresh_token, await walletKey())).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      const second = await refresh(first.body.refresh_token);
      expect(second).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      expect(await refresh(first.body.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(await refresh(second.body.refresh_token)).toMatchObject({ status: 200 });
    });

    it('echoes authorization_details with stable credential_identifiers, and the credential request names one', async () => {
      const params = {
        ...(await base()),
        scope: undefined,
        authorization_details: JSON.stringify([{ type: 'openid_credential', credential_configuration_id: PID }]),
      };
      const { location } = await authorizeByHand(params as unknown as Record<string, string>);
      const token = await tokenRequest({
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        code_verifier: VERIFIER,
        client_id: params.client_id,
        redirect_uri: params.redirect_uri,
      });
      expect(token.status).toBe(200);
      expect(token.body.authorization_details).toEqual([
        { type: 'openid_credential', credential_configuration_id: PID, credential_identifiers: [PID] },
      ]);
    });
  });
});
