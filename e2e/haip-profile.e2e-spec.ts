import { IndependentWallet, newWalletKey } from '@hallmark/test-wallet';
import { recordDecryptedSecrets } from '@hallmark/testing';
import { issuerConfigWith, testTrust, trusting, walletAttestation, type TestTrust } from './support/attestations';
import { call, eventually } from './support/http';
import { form } from './support/wallet';
import { TARGETS, startTarget, type Target } from './support/targets';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const CLAIMS = {
  [PID]: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] },
};
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/**
 * HALLMARK_PROFILE=haip: pushed authorization requests and wallet attestations required (HAIP 1.0
 * Sections 4.1 and 4.3), at PAR for the authorization code flow and at the token endpoint for
 * pre-authorized codes.
 */
describe.each(TARGETS)('HAIP profile [%s]', (targetName) => {
  let t: Target;
  let trust: TestTrust;
  beforeAll(async () => {
    trust = await testTrust();
    t = await startTarget(targetName, 'haip-profile', {
      HALLMARK_PROFILE: 'haip',
      HALLMARK_CONFIG: issuerConfigWith(trusting(trust, { attestation_challenge_required: true })),
    });
  }, 120000);
  afterAll(async () => t?.stop());

  const createSession = async (grantType: 'authorization_code' | 'pre-authorized_code') => {
    const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], grant_type: grantType, claims: CLAIMS },
    });
    expect(r.status).toBe(201);
    return r.body as {
      session_id: string;
      credential_offer: { grants: { authorization_code: { issuer_state: string } } };
      credential_offer_uri: string;
    };
  };
  const attestedWallet = async (clientId: string) => {
    const instance = await newWalletKey();
    return new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await walletAttestation(trust, clientId, instance),
      clientAttestationKey: instance,
      attestationChallenge: true,
      // HAIP 1.0: encrypted credential requests and responses are required by default.
      encryption: { onPlaintext: recordDecryptedSecrets },
    });
  };

  it('advertises PAR as required and attestation-based client authentication only, with a challenge endpoint', async () => {
    const m = (await call('GET', `${t.baseUrl}/.well-known/oauth-authorization-server`)).body;
    expect(m).toMatchObject({
      require_pushed_authorization_requests: true,
      token_endpoint_auth_methods_supported: ['attest_jwt_client_auth'],
      challenge_endpoint: `${t.baseUrl}/challenge`,
    });
    const challenge = await call('POST', `${t.baseUrl}/challenge`);
    expect(challenge).toMatchObject({
      status: 200,
      body: { attestation_challenge: expect.stringMatching(/^[\w-]{32}$/) },
    });
  });

  it('asks for a challenge when the PoP has none (use_attestation_challenge, with a fresh one in the header)', async () => {
    const session = await createSession('authorization_code');
    const clientId = 'did:jwk:haip-no-challenge';
    const instance = await newWalletKey();
    const wallet = new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await walletAttestation(trust, clientId, instance),
      clientAttestationKey: instance,
    });
    const failure = await wallet
      .receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId,
        redirectUri: 'openid://',
      })
      .catch((e) => e);
    expect(failure).toMatchObject({ details: { status: 400, error: 'use_attestation_challenge' } });
    expect(failure.details.exchange.responseHeaders['oauth-client-attestation-challenge']).toMatch(/^[\w-]{32}$/);
  });

  it('refuses an authorization request that was not pushed', async () => {
    const session = await createSession('authorization_code');
    const query = form({
      response_type: 'code',
      client_id: 'did:jwk:haip',
      redirect_uri: 'https://wallet.example/cb',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      issuer_state: session.credential_offer.grants.authorization_code.issuer_state,
      state: 'xyz',
    });
    const r = await fetch(`${t.baseUrl}/authorize?${query}`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    const location = new URL(r.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'invalid_request',
      state: 'xyz',
      iss: t.baseUrl,
    });
  });

  it('refuses a pushed request without a wallet attestation, and issues with one', async () => {
    const session = await createSession('authorization_code');
    const anonymous = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:haip-anonymous' });
    await expect(
      anonymous.receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId: 'did:jwk:haip-anonymous',
        redirectUri: 'openid://',
      }),
    ).rejects.toMatchObject({
      details: { status: 401, error: 'invalid_client' },
    });
    const wallet = await attestedWallet('did:jwk:haip-wallet');
    const received = await wallet.receiveCredentialsByAuthorizationCode({
      offerUri: session.credential_offer_uri,
      clientId: 'did:jwk:haip-wallet',
      redirectUri: 'openid://',
    });
    expect(received.credentials).toHaveLength(1);
  });

  it('requires encrypted credential requests and responses by default, and refuses plain ones, explained', async () => {
    const m = (await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`)).body;
    expect(m.credential_request_encryption.encryption_required).toBe(true);
    expect(m.credential_response_encryption.encryption_required).toBe(true);
    const clientId = 'did:jwk:haip-plain';
    const instance = await newWalletKey();
    const attestation = await walletAttestation(trust, clientId, instance);
    const wallet = (encryption?: { plainResponse: boolean }) =>
      new IndependentWallet({
        allowInsecureUrls: true,
        clientId,
        clientAttestationJwt: attestation,
        clientAttestationKey: instance,
        attestationChallenge: true,
        ...(encryption ? { encryption } : {}),
      });
    for (const [encryption, reason] of [
      [undefined, 'credential_request_encryption_required'],
      [{ plainResponse: true }, 'credential_response_encryption_required'],
    ] as const) {
      const session = await createSession('pre-authorized_code');
      const failure = await wallet(encryption)
        .receiveCredentials({ offerUri: session.credential_offer_uri })
        .catch((e) => e);
      expect(failure).toMatchObject({
        step: 'credential',
        details: { status: 400, error: 'invalid_encryption_parameters' },
      });
      expect(failure.details.exchange.responseHeaders['content-type']).toMatch(/^application\/json/);
      const view = await eventually(async () => {
        const v = await call('GET', `${t.baseUrl}/admin/sessions/${session.session_id}?collapse=false`, {
          token: t.adminToken,
        });
        return v.body?.timeline.find((e: { data: { reason?: string } }) => e.data.reason === reason);
      });
      expect(view.explanation).toMatchObject({
        title: expect.any(String),
        spec_ref: expect.stringMatching(/^OID4VCI/),
      });
    }
  });

  it('requires the wallet attestation at the token endpoint for a pre-authorized code', async () => {
    const anonymous = new IndependentWallet({ allowInsecureUrls: true });
    await expect(
      anonymous.receiveCredentials({ offerUri: (await createSession('pre-authorized_code')).credential_offer_uri }),
    ).rejects.toMatchObject({
      step: 'token',
      details: { status: 401, error: 'invalid_client' },
    });
    const wallet = await attestedWallet('did:jwk:haip-pre-authorized');
    const received = await wallet.receiveCredentials({
      offerUri: (await createSession('pre-authorized_code')).credential_offer_uri,
    });
    expect(received.credentials).toHaveLength(1);
  });
});
