import { freePort } from '@hallmark/testing';
import { IndependentWallet, inspectSdJwtVc, newWalletKey } from '@hallmark/test-wallet';
import {
  issuerConfigWith,
  keyAttestation,
  testTrust,
  trusting,
  walletAttestation,
  type TestTrust,
} from './support/attestations';
import { call, eventually, timelineHas } from './support/http';
import { TARGETS, logDirFor, startTarget, type Target } from './support/targets';
import { followAsUserAgent, startUpstreamOp, type UpstreamOp } from './support/user-agent';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const ERIKA = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] };
const SECRET = 'upstream-client-secret-for-tests';
const REDIRECT = 'https://wallet.example/cb';

const loginConfig = (issuer: string, trust: TestTrust, extra: Record<string, unknown> = {}) =>
  issuerConfigWith({
    ...trusting(trust),
    user_consent: 'prompt',
    login: {
      issuer,
      client_id: 'hallmark',
      scope: 'openid profile nationalities',
      claims: {
        [PID]: {
          given_name: 'given_name',
          family_name: 'family_name',
          birthdate: 'birthdate',
          nationalities: 'nationalities',
        },
      },
      ...extra,
    },
  });

/**
 * The user at the authorization endpoint: wallet-initiated issuance through a login at a real
 * OpenID Provider (oidc-provider on loopback, scripted login), and the consent page for offers.
 */
describe.each(TARGETS)('login and consent [%s]', (targetName) => {
  let t: Target;
  let op: UpstreamOp;
  let trust: TestTrust;
  beforeAll(async () => {
    const port = await freePort();
    trust = await testTrust();
    t = await startTarget(targetName, 'upstream-login', {
      HALLMARK_CONFIG: loginConfig(`http://127.0.0.1:${port}`, trust),
      HALLMARK_LOGIN_CLIENT_SECRET: SECRET,
    });
    op = await startUpstreamOp({
      port,
      redirectUris: [`${t.baseUrl}/authorize/callback`],
      clientSecret: SECRET,
      accounts: { erika: ERIKA },
      logDir: logDirFor('upstream-login', targetName),
    });
  }, 120000);
  afterAll(async () => {
    await op?.stop();
    await t?.stop();
  });

  const timeline = async (sessionId: string) =>
    (await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken })).body as {
      status: string;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      timeline: Array<Record<string, any>>;
    };
  /** The wallet knows the issuer: an offer object of its own, without issuer_state. */
  const walletInitiated = () => ({
    credential_issuer: t.baseUrl,
    credential_configuration_ids: [PID],
    grants: { authorization_code: {} },
  });
  const loginAs =
    (account: string, extra = '') =>
    (url: URL) =>
      /^\/interaction\//.test(url.pathname) ? new URL(`${url.pathname}?login=${account}${extra}`, url) : url;

  it('issues to a wallet that starts on its own, with the claims of the login (PAR, PKCE, DPoP, wallet and key attestation)', async () => {
    const instance = await newWalletKey();
    const clientId = 'did:jwk:self-started';
    const wallet = new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await walletAttestation(trust, clientId, instance),
      clientAttestationKey: instance,
    });
    const received = await wallet.receiveCredentialsByAuthorizationCode({
      offer: walletInitiated(),
      clientId,
      redirectUri: REDIRECT,
      keyAttester: (keys) => keyAttestation(trust, keys),
      authorize: async (url) => (await followAsUserAgent(url, REDIRECT, loginAs('erika'))).toString(),
    });
    expect(received.credentials).toHaveLength(1);
    const disclosed = Object.fromEntries(
      (await inspectSdJwtVc(received.credentials[0] as string)).disclosures.map((d) => [d.name, d.value]),
    );
    expect(disclosed).toEqual(ERIKA);
    const sessionId = JSON.parse(
      Buffer.from(received.tokenResponse.access_token.split('.')[1], 'base64url').toString(),
    ).sub;
    const expectedTypes = [
      'par_request_stored',
      'authorization_requested',
      'session_created',
      'authorization_code_issued',
      'token_issued',
      'credential_issued',
    ];
    const view = await eventually(
      async () => {
        const v = await timeline(sessionId);
        return v.status === 'credential_issued' && timelineHas(v, expectedTypes) && v;
      },
      15000,
      'credential_issued and the flow before it',
    );
    expect(view.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(expectedTypes));
    expect(view.timeline.find((e) => e.type === 'authorization_code_issued')?.data.user).toBe('login');
    expect(
      view.timeline.find((e) => e.type === 'par_request_stored')?.data.authorization.client_attestation,
    ).toMatchObject({ trusted_by: 'kid:test-wallet-provider' });
    expect(JSON.stringify(view)).not.toContain('Mustermann');
  });

  it('sends access_denied back to the wallet when the user refuses at the identity provider', async () => {
    const wallet = new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:refused' });
    const failure = await wallet
      .receiveCredentialsByAuthorizationCode({
        offer: walletInitiated(),
        clientId: 'did:jwk:refused',
        redirectUri: REDIRECT,
        authorize: async (url) =>
          (
            await followAsUserAgent(url, REDIRECT, (u) =>
              /^\/interaction\//.test(u.pathname) ? new URL(`${u.pathname}?deny=1`, u) : u,
            )
          ).toString(),
      })
      .catch((e) => e);
    expect(failure.message).toMatch(/no code/);
    expect(failure.message).toContain('error=access_denied');
    const denied = await eventually(
      async () => {
        const r = await call('GET', `${t.baseUrl}/admin/sessions?status=failed`, { token: t.adminToken });
        return (r.body.sessions as Array<{ last_error?: { type: string } }> | undefined)?.find(
          (s) => s.last_error?.type === 'authorization_denied',
        );
      },
      15000,
      'a failed session with authorization_denied',
    );
    expect(denied).toBeDefined();
  });

  it('asks the user to consent to an offer, and sends access_denied when they refuse', async () => {
    const create = async () =>
      (
        await call('POST', `${t.baseUrl}/admin/sessions`, {
          token: t.adminToken,
          body: { credential_configuration_ids: [PID], grant_type: 'authorization_code', claims: { [PID]: ERIKA } },
        })
      ).body;
    const answer = (decision: 'allow' | 'deny') => async (url: string) => {
      const r = await fetch(url, { redirect: 'manual' });
      const html = await r.text();
      expect(r.status).toBe(200);
      expect(html).toContain(PID);
      const interaction = /name="interaction" value="([^"]+)"/.exec(html)![1];
      const posted = await fetch(`${t.baseUrl}/authorize/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ interaction, decision }),
        redirect: 'manual',
      });
      expect(posted.status).toBe(303);
      return posted.headers.get('location')!;
    };
    const allowed = await new IndependentWallet({
      allowInsecureUrls: true,
      clientId: 'did:jwk:consenting',
    }).receiveCredentialsByAuthorizationCode({
      offerUri: (await create()).credential_offer_uri,
      clientId: 'did:jwk:consenting',
      redirectUri: REDIRECT,
      authorize: answer('allow'),
    });
    expect(allowed.credentials).toHaveLength(1);

    const session = await create();
    const refused = await new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:consenting' })
      .receiveCredentialsByAuthorizationCode({
        offerUri: session.credential_offer_uri,
        clientId: 'did:jwk:consenting',
        redirectUri: REDIRECT,
        authorize: answer('deny'),
      })
      .catch((e) => e);
    expect(refused.message).toContain('error=access_denied');
    const view = await eventually(
      async () => {
        const v = await timeline(session.session_id);
        return v.status === 'failed' && v;
      },
      15000,
      'failed status',
    );
    expect(view.timeline.find((e) => e.type === 'authorization_denied')?.data.reason).toBe(
      'authorization_access_denied',
    );
  });
});

/** With `for_offers`, an offer needs the login too, and only its subject may take it (embedded: a configuration variant). */
describe('login required for offers [embedded]', () => {
  let t: Target;
  let op: UpstreamOp;
  beforeAll(async () => {
    const port = await freePort();
    t = await startTarget('embedded', 'login-for-offers', {
      HALLMARK_CONFIG: loginConfig(`http://127.0.0.1:${port}`, await testTrust(), { for_offers: true }),
      HALLMARK_LOGIN_CLIENT_SECRET: SECRET,
    });
    op = await startUpstreamOp({
      port,
      redirectUris: [`${t.baseUrl}/authorize/callback`],
      clientSecret: SECRET,
      accounts: { erika: ERIKA, max: { given_name: 'Max' } },
      logDir: logDirFor('login-for-offers', 'embedded'),
    });
  }, 120000);
  afterAll(async () => {
    await op?.stop();
    await t?.stop();
  });

  const offerFor = async (subjectId: string) =>
    (
      await call('POST', `${t.baseUrl}/admin/sessions`, {
        token: t.adminToken,
        body: {
          credential_configuration_ids: [PID],
          grant_type: 'authorization_code',
          subject_id: subjectId,
          claims: { [PID]: ERIKA },
        },
      })
    ).body;
  const as = (account: string) => async (url: string) =>
    (
      await followAsUserAgent(url, REDIRECT, (u) =>
        /^\/interaction\//.test(u.pathname) ? new URL(`${u.pathname}?login=${account}`, u) : u,
      )
    ).toString();

  it('issues to the offer subject after the login, and refuses anyone else with access_denied', async () => {
    const mine = await offerFor('erika');
    const received = await new IndependentWallet({
      allowInsecureUrls: true,
      clientId: 'did:jwk:erika',
    }).receiveCredentialsByAuthorizationCode({
      offerUri: mine.credential_offer_uri,
      clientId: 'did:jwk:erika',
      redirectUri: REDIRECT,
      authorize: as('erika'),
    });
    expect(received.credentials).toHaveLength(1);

    const notMine = await offerFor('erika');
    const refused = await new IndependentWallet({ allowInsecureUrls: true, clientId: 'did:jwk:max' })
      .receiveCredentialsByAuthorizationCode({
        offerUri: notMine.credential_offer_uri,
        clientId: 'did:jwk:max',
        redirectUri: REDIRECT,
        authorize: as('max'),
      })
      .catch((e) => e);
    expect(refused.message).toContain('error=access_denied');
    const entry = await eventually(
      async () => {
        const v = (await call('GET', `${t.baseUrl}/admin/sessions/${notMine.session_id}`, { token: t.adminToken }))
          .body;
        return v.timeline?.find(
          (e: { type: string; data: { reason?: string } }) =>
            e.type === 'authorization_denied' && e.data.reason === 'authorization_subject_mismatch',
        );
      },
      15000,
      'authorization_denied for the wrong subject',
    );
    expect(entry.data.error).toBe('access_denied');
  });
});
