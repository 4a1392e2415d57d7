import { createLocalJWKSet, jwtVerify } from 'jose';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { conformanceSchema } from '@hallmark/testing';
import { call, eventually } from './support/http';
import { TARGETS, startTarget, type Target } from './support/targets';
import { dpopProof, form, walletKey, type WalletKey } from './support/wallet';

const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
const AGE = 'age_verification_sd_jwt';
const asSchema = conformanceSchema('oauth_authorization_server_metadata');

/** The token endpoint with the pre-authorized code grant and DPoP (OID4VCI 1.0 Section 6, RFC 9449). */
describe.each(TARGETS)('token endpoint [%s]', (targetName) => {
  let t: Target;
  beforeAll(async () => {
    t = await startTarget(targetName, 'token');
  }, 120000);
  afterAll(async () => t?.stop());

  const offer = async (body: Record<string, unknown> = {}) => {
    const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [AGE], ...body },
    });
    expect(r.status).toBe(201);
    return {
      sessionId: r.body.session_id as string,
      code: r.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'] as string,
      txCode: r.body.tx_code as string | undefined,
    };
  };
  const tokenRequest = (fields: Record<string, string | undefined>, dpop?: string) =>
    call('POST', `${t.baseUrl}/token`, {
      raw: form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(dpop ? { dpop } : {}) },
    });
  /** The first request learns the server's DPoP nonce, as a wallet does. */
  const nonceFor = async (key: WalletKey): Promise<string> => {
    const r = await tokenRequest(
      { grant_type: PRE_AUTH, 'pre-authorized_code': 'x' },
      await dpopProof(key, { htm: 'POST', htu: `${t.baseUrl}/token` }),
    );
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('use_dpop_nonce');
    return r.headers.get('dpop-nonce')!;
  };
  const redeem = async (key: WalletKey, fields: Record<string, string | undefined>, nonce?: string) =>
    tokenRequest(
      { grant_type: PRE_AUTH, ...fields },
      await dpopProof(key, { htm: 'POST', htu: `${t.baseUrl}/token`, nonce: nonce ?? (await nonceFor(key)) }),
    );

  it('publishes schema-valid RFC 8414 metadata with both grants, DPoP and only the endpoints that exist', async () => {
    const r = await call('GET', `${t.baseUrl}/.well-known/oauth-authorization-server`);
    expect(r.status).toBe(200);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    expect(ajv.validate(asSchema, r.body)).toBe(true);
    expect(r.body).toMatchObject({
      issuer: t.baseUrl,
      token_endpoint: `${t.baseUrl}/token`,
      authorization_endpoint: `${t.baseUrl}/authorize`,
      dpop_signing_alg_values_supported: ['ES256'],
    });
    expect(r.body.grant_types_supported).toEqual(['authorization_code', PRE_AUTH, 'refresh_token']);
    // Without trusted wallet providers no challenge endpoint is advertised; no introspection or revocation endpoint exists.
    expect(
      Object.keys(r.body)
        .filter((k) => k.endsWith('_endpoint'))
        .sort(),
    ).toEqual(['authorization_endpoint', 'pushed_authorization_request_endpoint', 'token_endpoint']);
  });

  it('issues a DPoP-bound JWT access token after the nonce retry, once per code', async () => {
    const key = await walletKey();
    const { code, sessionId } = await offer();
    const nonce = await nonceFor(key);
    const r = await redeem(key, { 'pre-authorized_code': code }, nonce);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body).toMatchObject({ token_type: 'DPoP', expires_in: 600 });
    const jwks = createLocalJWKSet((await call('GET', `${t.baseUrl}/.well-known/jwks.json`)).body);
    const { payload, protectedHeader } = await jwtVerify(r.body.access_token, jwks, {
      issuer: t.baseUrl,
      audience: t.baseUrl,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      sub: sessionId,
      cnf: { jkt: key.jkt },
      credential_configuration_ids: [AGE],
      client_id: 'anonymous',
    });

    const again = await redeem(key, { 'pre-authorized_code': code }, nonce);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');

    const view = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken });
      return v.body?.event_count === 4 && v.body;
    });
    expect(view.status).toBe('token_issued');
    const types = view.timeline.map((e: { type: string }) => e.type);
    expect(types.slice(0, 2)).toEqual(['token_rejected', 'token_issued']);
    expect(view.timeline[1]).toMatchObject({
      source: 'authorization-server',
      endpoint: 'POST /token',
      data: { dpop_jkt: key.jkt },
    });
    expect(JSON.stringify(view)).not.toContain(r.body.access_token);
    expect(JSON.stringify(view)).not.toContain(code);
  });

  it('checks the tx_code: missing or unexpected is invalid_request, five wrong ones lock the code', async () => {
    const key = await walletKey();
    const nonce = await nonceFor(key);
    const plain = await offer();
    expect((await redeem(key, { 'pre-authorized_code': plain.code, tx_code: '1234' }, nonce)).body.error).toBe(
      'invalid_request',
    );

    const withTx = await offer({ tx_code: { length: 6 } });
    expect((await redeem(key, { 'pre-authorized_code': withTx.code }, nonce)).body.error).toBe('invalid_request');
    const wrong = withTx.txCode === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const r = await redeem(key, { 'pre-authorized_code': withTx.code, tx_code: wrong }, nonce);
      expect(r.body.error).toBe('invalid_grant');
      expect(r.body.error_description).toContain(`${5 - i} attempts left`);
    }
    // The code is not burnt by wrong attempts below the limit: the right one still works.
    const early = await offer({ tx_code: { length: 6 } });
    expect(
      (
        await redeem(
          key,
          { 'pre-authorized_code': early.code, tx_code: '999999' === early.txCode ? '888888' : '999999' },
          nonce,
        )
      ).status,
    ).toBe(400);
    expect((await redeem(key, { 'pre-authorized_code': early.code, tx_code: early.txCode }, nonce)).status).toBe(200);

    expect((await redeem(key, { 'pre-authorized_code': withTx.code, tx_code: wrong }, nonce)).body.error).toBe(
      'invalid_grant',
    );
    const locked = await redeem(key, { 'pre-authorized_code': withTx.code, tx_code: withTx.txCode }, nonce);
    expect(locked.status).toBe(400);
    expect(locked.body.error).toBe('invalid_grant');
    expect(locked.body.error_description).toMatch(/locked/i);
  });

  it('refuses missing, replayed and misdirected DPoP proofs, and unknown grants', async () => {
    const key = await walletKey();
    const nonce = await nonceFor(key);
    const { code } = await offer();
    const noProof = await tokenRequest({ grant_type: PRE_AUTH, 'pre-authorized_code': code });
    expect(noProof.status).toBe(400);
    expect(noProof.body.error).toBe('invalid_dpop_proof');
    const wrongHtu = await tokenRequest(
      { grant_type: PRE_AUTH, 'pre-authorized_code': code },
      await dpopProof(key, { htm: 'POST', htu: `${t.baseUrl}/prefix/token`, nonce }),
    );
    expect(wrongHtu.body.error).toBe('invalid_dpop_proof');
    const proof = await dpopProof(key, { htm: 'POST', htu: `${t.baseUrl}/token`, nonce });
    expect((await tokenRequest({ grant_type: PRE_AUTH, 'pre-authorized_code': code }, proof)).status).toBe(200);
    const replay = await tokenRequest({ grant_type: PRE_AUTH, 'pre-authorized_code': (await offer()).code }, proof);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_dpop_proof');
    expect(replay.body.error_description).toMatch(/used before/);
    const garbage = await redeem(key, { 'pre-authorized_code': 'not-a-code' }, nonce);
    expect(garbage.body.error).toBe('invalid_grant');
    const grant = await tokenRequest(
      { grant_type: 'password', username: 'u' },
      await dpopProof(key, { htm: 'POST', htu: `${t.baseUrl}/token`, nonce }),
    );
    expect(grant.body.error).toBe('unsupported_grant_type');
  });
});
