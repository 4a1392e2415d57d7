import 'reflect-metadata';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as x509 from '@peculiar/x509';
import { SignJWT, compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import { createHash } from 'crypto';
import { conformanceSchema } from '@hallmark/testing';
import { call, eventually } from './support/http';
import { TARGETS, startTarget, type Target } from './support/targets';
import { dpopProof, form, redeemWithDpop, walletKey, type WalletKey } from './support/wallet';
import {
  PRE_AUTH,
  ath,
  cNonce,
  requestCredential as postCredential,
  keyProof as signKeyProof,
  tokenFor as issueToken,
} from './support/issuance';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const AGE_JWT = 'age_verification_jwt_vc';
const metadataSchema = conformanceSchema('credential_issuer_metadata-1_0');
const requestSchema = conformanceSchema('credential_request-1_0');
const MAX_BATCH = 60;
const pem = (der: string) => `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----`;
const pidClaims = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] };

/** Nonce and credential endpoints, and the issuer metadata, driven by a minimal wallet of our own. */
describe.each(TARGETS)('credential endpoint [%s]', (targetName) => {
  let t: Target;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    t = await startTarget(targetName, 'credential');
  }, 120000);
  afterAll(async () => t?.stop());

  const tokenFor = (configurationIds: string[], claims: Record<string, unknown>) =>
    issueToken(t, configurationIds, claims);
  const nonce = () => cNonce(t.baseUrl);
  const keyProof = (key: WalletKey, c_nonce: string, over: { aud?: string; typ?: string } = {}) =>
    signKeyProof(key, { aud: over.aud ?? t.baseUrl, nonce: c_nonce }, over.typ ? { typ: over.typ } : {});
  const requestCredential = (
    auth: { accessToken: string; dpop: WalletKey },
    body: unknown,
    options: { query?: string; dpopKey?: WalletKey } = {},
  ) => postCredential(t.baseUrl, auth, body, options);

  it('serves issuer metadata that validates against the OID4VCI 1.0 schema and advertises only what works', async () => {
    const r = await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`);
    expect(r.status).toBe(200);
    expect(ajv.validate(metadataSchema, r.body)).toBe(true);
    expect(r.body).toMatchObject({
      credential_issuer: t.baseUrl,
      credential_endpoint: `${t.baseUrl}/credential`,
      nonce_endpoint: `${t.baseUrl}/nonce`,
      batch_credential_issuance: { batch_size: 60 },
    });
    expect(r.body.deferred_credential_endpoint).toBeUndefined();
    expect(r.body.notification_endpoint).toBeUndefined();
    expect(r.body.credential_configurations_supported[PID]).toMatchObject({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      cryptographic_binding_methods_supported: ['jwk'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
    });
  });

  it('serves the metadata signed on Accept: application/jwt, verified with its x5c chain (the credentials chain)', async () => {
    const json = await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`);
    const signed = await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`, {
      headers: { accept: 'application/jwt' },
    });
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toMatch(/^application\/jwt/);
    expect(signed.headers.get('vary')).toMatch(/accept/i);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const header = decodeProtectedHeader(signed.body);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'openidvci-issuer-metadata+jwt' });
    const chain = header.x5c!.map((c) => new x509.X509Certificate(c));
    // Each certificate is signed by the next; the last by the (left out) development CA, no root in x5c.
    for (const [i, certificate] of chain.entries()) {
      expect(await certificate.isSelfSigned()).toBe(false);
      if (i + 1 < chain.length)
        expect(await certificate.verify({ publicKey: chain[i + 1].publicKey, signatureOnly: true })).toBe(true);
    }
    expect(chain[chain.length - 1].issuer).toContain('Hallmark Development CA');
    await compactVerify(signed.body, await importX509(pem(header.x5c![0]), 'ES256'));
    const payload = decodeJwt(signed.body);
    expect(payload).toEqual({ ...json.body, sub: t.baseUrl, iat: expect.any(Number) });
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
    // The same key signs the credentials: one chain for a wallet to trust.
    const auth = await tokenFor([AGE_JWT], { [AGE_JWT]: { age_over_18: true } });
    const issued = await requestCredential(auth, {
      credential_configuration_id: AGE_JWT,
      proofs: { jwt: [await keyProof(await walletKey(), await nonce())] },
    });
    expect(decodeProtectedHeader(issued.body.credentials[0].credential).x5c).toEqual(header.x5c);
    // JSON stays the answer when JSON is preferred or anything goes.
    for (const accept of ['application/json, application/jwt;q=0.5', '*/*']) {
      const r = await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`, { headers: { accept } });
      expect(r.body).toEqual(json.body);
    }
  });

  it.each([
    [PID, 'dc+sd-jwt'],
    [AGE_JWT, 'jwt_vc_json'],
  ])(
    `issues a batch of ${MAX_BATCH} %s, unlinkable, and refuses ${MAX_BATCH + 1} with an explanation`,
    async (id, format) => {
      const claims = id === PID ? pidClaims : { age_over_18: true };
      const auth = await tokenFor([id], { [id]: claims });
      const holders = await Promise.all(Array.from({ length: MAX_BATCH + 1 }, () => walletKey()));
      const proofsFor = async (keys: WalletKey[]) => {
        const c_nonce = await nonce();
        return Promise.all(keys.map((h) => keyProof(h, c_nonce)));
      };

      const over = await requestCredential(auth, {
        credential_configuration_id: id,
        proofs: { jwt: await proofsFor(holders) },
      });
      expect([over.status, over.body.error]).toEqual([400, 'invalid_credential_request']);
      expect(over.body.error_description).toContain(`${MAX_BATCH + 1} proofs, ${id} takes ${MAX_BATCH}`);

      const body = { credential_configuration_id: id, proofs: { jwt: await proofsFor(holders.slice(0, MAX_BATCH)) } };
      const started = Date.now();
      const r = await requestCredential(auth, body);
      const elapsed = Date.now() - started;
      expect(r.status).toBe(200);
      expect(elapsed).toBeLessThan(10_000); // 60 proof checks and 60 ES256 signatures: well inside any request timeout
      expect(r.body.credentials).toHaveLength(MAX_BATCH);
      const credentials: string[] = r.body.credentials.map((c: { credential: string }) => c.credential);
      const jwts = credentials.map((c) => c.split('~')[0]);
      const key = await importX509(pem(decodeProtectedHeader(jwts[0]).x5c![0]), 'ES256');
      const iats = new Set<number>();
      const digests = new Set<string>();
      for (const [i, jws] of jwts.entries()) {
        await compactVerify(jws, key);
        const payload = decodeJwt(jws) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(payload.cnf.jwk).toMatchObject({ x: holders[i].publicJwk.x, y: holders[i].publicJwk.y });
        iats.add(payload.iat);
        ((payload._sd as string[] | undefined) ?? []).forEach((d) => digests.add(d));
      }
      expect(new Set(credentials).size).toBe(MAX_BATCH);
      expect(iats.size).toBeGreaterThan(MAX_BATCH / 2); // random times within the hour: few collide
      if (format === 'dc+sd-jwt') expect(digests.size).toBe(MAX_BATCH * Object.keys(claims).length); // own salts each

      const view = await eventually(async () => {
        const v = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}?collapse=false`, {
          token: t.adminToken,
        });
        return v.body?.timeline.some((e: { type: string }) => e.type === 'credential_issued') && v.body;
      });
      const issued = view.timeline.find((e: { type: string }) => e.type === 'credential_issued');
      expect(issued.data).toMatchObject({ format, count: MAX_BATCH });
      expect(issued.data.holder_key_thumbprints).toEqual(holders.slice(0, MAX_BATCH).map((h) => h.jkt));
      const refusal = view.timeline.find(
        (e: { type: string; data: { reason?: string } }) =>
          e.type === 'credential_request_rejected' && e.data.reason === 'credential_batch_too_large',
      );
      expect(refusal.explanation).toMatchObject({
        title: 'Too many key proofs',
        error: 'invalid_credential_request',
        spec_ref: 'OID4VCI 1.0 Section 12.2.4',
        expected: `at most ${MAX_BATCH}`,
        provided: String(MAX_BATCH + 1),
        help: expect.stringContaining('batch_size'),
      });
    },
    60_000,
  );

  it('issues a batch of SD-JWT VCs, each bound to its own proof key, signed by the x5c key', async () => {
    const auth = await tokenFor([PID], { [PID]: pidClaims });
    const c_nonce = await nonce();
    const holders = [await walletKey(), await walletKey(), await walletKey()];
    const body = {
      credential_configuration_id: PID,
      proofs: { jwt: await Promise.all(holders.map((h) => keyProof(h, c_nonce))) },
    };
    expect(ajv.validate(requestSchema, body)).toBe(true);
    // Unknown request fields are ignored.
    const r = await requestCredential(auth, { ...body, some_future_field: true });
    expect(r.body).toEqual({ credentials: expect.any(Array) });
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.body.credentials).toHaveLength(3);
    const digests = new Set<string>();
    const iats = new Set<number>();
    for (const [i, { credential }] of r.body.credentials.entries()) {
      const [jws, ...disclosures] = credential.split('~');
      const header = decodeProtectedHeader(jws);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'dc+sd-jwt' });
      const key = await importX509(
        `-----BEGIN CERTIFICATE-----\n${header.x5c![0]}\n-----END CERTIFICATE-----`,
        'ES256',
      );
      await compactVerify(jws, key);
      const payload = decodeJwt(jws) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(payload).toMatchObject({
        iss: t.baseUrl,
        vct: 'urn:eudi:pid:1',
        cnf: { jwk: { x: holders[i].publicJwk.x, y: holders[i].publicJwk.y } },
      });
      const disclosed = Object.fromEntries(
        disclosures.filter(Boolean).map((d: string) => JSON.parse(Buffer.from(d, 'base64url').toString()).slice(1)),
      );
      expect(disclosed).toEqual(pidClaims);
      iats.add(payload.iat);
      (payload._sd as string[]).forEach((d) => digests.add(d));
    }
    expect(digests.size).toBe(3 * Object.keys(pidClaims).length); // fresh salts: no digest repeats across the batch
    expect(iats.size).toBeGreaterThan(1); // no shared timestamp to link the batch by

    const view = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}`, { token: t.adminToken });
      return v.body?.status === 'credential_issued' && v.body;
    });
    const issued = view.timeline.find((e: { type: string }) => e.type === 'credential_issued');
    expect(issued.data).toMatchObject({
      credential_configuration_id: PID,
      format: 'dc+sd-jwt',
      count: 3,
      holder_key_thumbprints: holders.map((h) => h.jkt),
      claim_names: Object.keys(pidClaims),
    });
    expect(JSON.stringify(view)).not.toContain('Mustermann');

    // The nonce request had no session: it is in the unattributed log, and the issuance names its hash.
    const nonceHash = `sha256:${createHash('sha256').update(c_nonce).digest('base64url').slice(0, 12)}`; // as the timeline shows hashes
    expect(issued.data.c_nonce_hashes).toEqual([nonceHash]);
    const log = await eventually(async () => {
      const l = await call('GET', `${t.baseUrl}/admin/requests?type=nonce_issued&limit=200`, { token: t.auditorToken });
      return (
        l.body.requests.some((e: { data: { c_nonce_hash: string } }) => e.data.c_nonce_hash === nonceHash) && l.body
      );
    });
    expect(log.requests[0]).toMatchObject({
      type: 'nonce_issued',
      outcome: 'ok',
      endpoint: 'POST /nonce',
      source: 'credential-service',
    });
  });

  it('keeps requests that no session can be tied to in the unattributed log, errors filterable', async () => {
    const foreign = await redeemWithDpop(t.baseUrl, 'not-one-of-ours', await walletKey(), call);
    expect(foreign.body.error).toBe('invalid_grant');
    const requestId = foreign.headers.get('x-request-id');
    const errors = await eventually(async () => {
      const l = await call('GET', `${t.baseUrl}/admin/requests?outcome=error&limit=200`, { token: t.auditorToken });
      return l.body.requests.some((e: { request_id: string }) => e.request_id === requestId) && l.body;
    });
    const entry = errors.requests.find((e: { request_id: string }) => e.request_id === requestId);
    expect(entry).toMatchObject({
      type: 'token_rejected',
      outcome: 'error',
      endpoint: 'POST /token',
      data: { error: 'invalid_grant', reason: 'grant_code_invalid', spec_ref: expect.stringContaining('OID4VCI') },
    });
    expect(entry.explanation).toMatchObject({
      title: expect.any(String),
      help: expect.any(String),
      error: 'invalid_grant',
    });
    expect(errors.requests.every((e: { outcome: string }) => e.outcome === 'error')).toBe(true);
    expect((await call('GET', `${t.baseUrl}/admin/requests?outcome=maybe`, { token: t.auditorToken })).status).toBe(
      400,
    );
    expect((await call('GET', `${t.baseUrl}/admin/requests`)).status).toBe(401);
  });

  it('issues a JWT VC, and serves several requests with one access token', async () => {
    const auth = await tokenFor([AGE_JWT, PID], { [AGE_JWT]: { age_over_18: true }, [PID]: pidClaims });
    const holder = await walletKey();
    const jwtVc = await requestCredential(auth, {
      credential_configuration_id: AGE_JWT,
      proofs: { jwt: [await keyProof(holder, await nonce())] },
    });
    expect(jwtVc.body).toEqual({ credentials: [{ credential: expect.any(String) }] });
    const vc = decodeJwt(jwtVc.body.credentials[0].credential) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(vc).toMatchObject({
      iss: t.baseUrl,
      vc: { type: ['VerifiableCredential', 'AgeVerificationCredential'], credentialSubject: { age_over_18: true } },
      cnf: { jwk: { x: holder.publicJwk.x } },
    });
    const second = await requestCredential(auth, {
      credential_configuration_id: PID,
      proofs: { jwt: [await keyProof(holder, await nonce())] },
    });
    expect(second.status).toBe(200);
  });

  it('refuses bad requests with the OID4VCI 1.0 error codes', async () => {
    const auth = await tokenFor([PID], { [PID]: pidClaims });
    const holder = await walletKey();
    const proofWith = async (over: { aud?: string } = {}) => ({
      credential_configuration_id: PID,
      proofs: { jwt: [await keyProof(holder, await nonce(), over)] },
    });

    const inQuery = await requestCredential(auth, await proofWith(), { query: `?access_token=${auth.accessToken}` });
    expect([inQuery.status, inQuery.body.error]).toEqual([400, 'invalid_request']);
    const noToken = await call('POST', `${t.baseUrl}/credential`, { body: await proofWith() });
    expect([noToken.status, noToken.body.error]).toEqual([401, 'invalid_token']);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^DPoP /);
    const otherKey = await requestCredential(auth, await proofWith(), { dpopKey: await walletKey() });
    expect([otherKey.status, otherKey.body.error]).toEqual([401, 'invalid_token']);
    const forged = await call('POST', `${t.baseUrl}/credential`, {
      body: await proofWith(),
      headers: {
        authorization: `DPoP ${auth.accessToken.slice(0, -4)}AAAA`,
        dpop: await dpopProof(auth.dpop, { htm: 'POST', htu: `${t.baseUrl}/credential`, ath: ath(auth.accessToken) }),
      },
    });
    expect(forged.status).toBe(401);

    expect(
      (await requestCredential(auth, { credential_configuration_id: 'nope', proofs: { jwt: ['x'] } })).body.error,
    ).toBe('unknown_credential_configuration');
    expect(
      (await requestCredential(auth, { credential_configuration_id: AGE_JWT, proofs: { jwt: ['x'] } })).body.error,
    ).toBe('credential_request_denied');
    expect((await requestCredential(auth, { credential_identifier: 'x', proofs: { jwt: ['x'] } })).body.error).toBe(
      'unknown_credential_identifier',
    );
    // A draft-13 request is mapped to the matching configuration, with a warning naming the id.
    const draft = await requestCredential(auth, {
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      proof: { proof_type: 'jwt', jwt: await keyProof(holder, await nonce()) },
    });
    expect(draft.status).toBe(200);
    const mappedView = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}`, { token: t.adminToken });
      return v.body?.timeline.some((e: { type: string }) => e.type === 'credential_request_mapped') && v.body;
    });
    const mapped = mappedView.timeline.find((e: { type: string }) => e.type === 'credential_request_mapped');
    expect(mapped).toMatchObject({
      level: 'warn',
      message: `Draft-shaped credential request mapped to ${PID}`,
      explanation: { reason: expect.stringContaining(`send credential_configuration_id ${PID}`) },
    });
    expect(
      (await requestCredential(auth, { format: 'dc+sd-jwt', vct: 'urn:other', proofs: { jwt: ['x'] } })).body.error,
    ).toBe('invalid_credential_request');
    expect((await requestCredential(auth, await proofWith({ aud: 'https://someone.else' }))).body.error).toBe(
      'invalid_proof',
    );
    expect(
      (
        await requestCredential(auth, {
          ...(await proofWith()),
          credential_response_encryption: { jwk: { kty: 'EC' }, enc: 'A128GCM' },
        })
      ).body.error,
    ).toBe('invalid_encryption_parameters');
    const malformed = await postCredential(t.baseUrl, auth, undefined, { raw: '{"credential_configuration_id":' });
    expect([malformed.status, malformed.body.error]).toEqual([400, 'invalid_credential_request']);
    const formBody = await call('POST', `${t.baseUrl}/credential`, {
      raw: 'credential_configuration_id=x',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `DPoP ${auth.accessToken}`,
        dpop: await dpopProof(auth.dpop, { htm: 'POST', htu: `${t.baseUrl}/credential`, ath: ath(auth.accessToken) }),
      },
    });
    expect(formBody.body.error).toBe('invalid_credential_request');
    const c_nonce = await nonce();
    const used = { credential_configuration_id: PID, proofs: { jwt: [await keyProof(holder, c_nonce)] } };
    expect((await requestCredential(auth, used)).status).toBe(200);
    const reused = await requestCredential(auth, {
      credential_configuration_id: PID,
      proofs: { jwt: [await keyProof(holder, c_nonce)] },
    });
    expect(reused.body.error).toBe('invalid_nonce');
    const hs256 = await new SignJWT({ aud: t.baseUrl, nonce: await nonce() })
      .setProtectedHeader({ alg: 'HS256', typ: 'openid4vci-proof+jwt' })
      .setIssuedAt()
      .sign(Buffer.alloc(32, 1));
    expect(
      (await requestCredential(auth, { credential_configuration_id: PID, proofs: { jwt: [hs256] } })).body.error,
    ).toBe('invalid_proof');

    const isNonceRejection = (e: { type: string; data: { reason: string } }) =>
      e.type === 'credential_request_rejected' &&
      ['credential_nonce_used', 'proof_nonce_invalid'].includes(e.data.reason);
    // Wait for the nonce refusal itself: the projector may have written some refusals and not yet the later ones.
    const view = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}?collapse=false`, {
        token: t.adminToken,
      });
      return (
        v.body?.timeline.filter((e: { type: string }) => e.type === 'credential_request_rejected').length >= 6 &&
        v.body.timeline.some(isNonceRejection) &&
        v.body
      );
    });
    const rejection = view.timeline.find(isNonceRejection);
    expect(rejection).toMatchObject({
      level: 'warn',
      endpoint: 'POST /credential',
      data: { error: 'invalid_nonce', spec_ref: expect.stringContaining('OID4VCI') },
    });
    // Each refusal is explained: title, what was wrong, how to fix it, the spec section.
    expect(rejection.explanation).toEqual({
      title: expect.any(String),
      reason: rejection.data.error_description,
      help: expect.stringMatching(/nonce/i),
      spec_ref: rejection.data.spec_ref,
      error: 'invalid_nonce',
    });

    // The interop report: the flow, every step, each problem explained, with trace ids; no secrets.
    const report = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}/report`, { token: t.auditorToken });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      report: 'hallmark-interop-report',
      session: { session_id: auth.sessionId },
      flow: expect.arrayContaining([
        'session_created',
        'token_issued',
        'credential_request_rejected',
        'credential_issued',
      ]),
    });
    expect(report.body.problems.length).toBeGreaterThanOrEqual(6);
    expect(report.body.problems[0]).toEqual({
      seq: expect.any(Number),
      title: expect.any(String),
      reason: expect.any(String),
      help: expect.any(String),
      spec_ref: expect.any(String),
      error: expect.any(String),
      trace_id: expect.any(String),
    });
    const markdown = await call('GET', `${t.baseUrl}/admin/sessions/${auth.sessionId}/report?format=md`, {
      token: t.auditorToken,
    });
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    expect(markdown.body).toContain(`# Issuance session ${auth.sessionId}`);
    expect(markdown.body).toMatch(/- How to fix it: /);
    for (const secret of [auth.accessToken, 'Mustermann'])
      expect(JSON.stringify(report.body) + markdown.body).not.toContain(secret);
  });
});

describe('credential endpoint with short-lived tokens, Bearer allowed [embedded]', () => {
  let t: Target;
  beforeAll(async () => {
    t = await startTarget('embedded', 'credential-ttl', {
      HALLMARK_ACCESS_TOKEN_TTL: '3',
      HALLMARK_ALLOW_BEARER_TOKENS: 'true',
    });
  }, 120000);
  afterAll(async () => t?.stop());

  it('refuses an expired access token with invalid_token and a DPoP challenge', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], claims: { [PID]: pidClaims } },
    });
    const code = created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'];
    const dpop = await walletKey();
    const token = await redeemWithDpop(t.baseUrl, code, dpop, call);
    expect(token.body.expires_in).toBe(3);
    await new Promise((r) => setTimeout(r, 4100));
    const holder = await walletKey();
    const c_nonce = (await call('POST', `${t.baseUrl}/nonce`)).body.c_nonce;
    const proof = await new SignJWT({ aud: t.baseUrl, nonce: c_nonce })
      .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk })
      .setIssuedAt()
      .sign(holder.privateKey);
    const r = await call('POST', `${t.baseUrl}/credential`, {
      body: { credential_configuration_id: PID, proofs: { jwt: [proof] } },
      headers: {
        authorization: `DPoP ${token.body.access_token}`,
        dpop: await dpopProof(dpop, { htm: 'POST', htu: `${t.baseUrl}/credential`, ath: ath(token.body.access_token) }),
      },
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe('invalid_token');
    expect(r.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });

  it('issues Bearer tokens to clients without DPoP where the deployment allows it, and keeps DPoP tokens DPoP-only', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], claims: { [PID]: pidClaims } },
    });
    const code = created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'];
    const token = await call('POST', `${t.baseUrl}/token`, {
      raw: form({ grant_type: PRE_AUTH, 'pre-authorized_code': code }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.body).toMatchObject({ token_type: 'Bearer' });
    const holder = await walletKey();
    const c_nonce = (await call('POST', `${t.baseUrl}/nonce`)).body.c_nonce;
    const proof = await new SignJWT({ aud: t.baseUrl, nonce: c_nonce })
      .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk })
      .setIssuedAt()
      .sign(holder.privateKey);
    const r = await call('POST', `${t.baseUrl}/credential`, {
      body: { credential_configuration_id: PID, proofs: { jwt: [proof] } },
      headers: { authorization: `Bearer ${token.body.access_token}` },
    });
    expect(r.status).toBe(200);

    // A DPoP-bound token presented as a Bearer token is refused.
    const other = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], claims: { [PID]: pidClaims } },
    });
    const bound = await redeemWithDpop(
      t.baseUrl,
      other.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'],
      await walletKey(),
      call,
    );
    expect(bound.body.token_type).toBe('DPoP');
    const asBearer = await call('POST', `${t.baseUrl}/credential`, {
      body: { credential_configuration_id: PID, proofs: { jwt: [proof] } },
      headers: { authorization: `Bearer ${bound.body.access_token}` },
    });
    expect([asBearer.status, asBearer.body.error]).toEqual([401, 'invalid_token']);
  });

  it('refuses an expired pre-authorized code', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], expires_in: 1 },
    });
    await new Promise((r) => setTimeout(r, 1100));
    const r = await redeemWithDpop(
      t.baseUrl,
      created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'],
      await walletKey(),
      call,
    );
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });
});

describe('issuer identifier with a path [embedded]', () => {
  let t: Target;
  beforeAll(async () => {
    // The public URL names a tenant path, as behind a gateway that maps /tenant-a/* to Hallmark.
    t = await startTarget('embedded', 'credential-path', { HALLMARK_PUBLIC_URL: 'https://issuer.example/tenant-a' });
  }, 120000);
  afterAll(async () => t?.stop());

  it('serves the metadata after the well-known segment, and only there', async () => {
    const base = t.baseUrl.replace(/\/tenant-a$/, '');
    const r = await fetch(`${base}/.well-known/openid-credential-issuer/tenant-a`);
    expect(r.status).toBe(200);
    const metadata = await r.json();
    expect(metadata).toMatchObject({
      credential_issuer: 'https://issuer.example/tenant-a',
      credential_endpoint: 'https://issuer.example/tenant-a/credential',
    });
    expect((await fetch(`${base}/.well-known/openid-credential-issuer`)).status).toBe(404);
    expect((await fetch(`${base}/.well-known/openid-credential-issuer/other`)).status).toBe(404);
  });
});
