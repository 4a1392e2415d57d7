import { randomBytes } from 'crypto';
import { CompactEncrypt, exportJWK, generateKeyPair, importJWK } from 'jose';
import { call, eventually, timelineHas, type Answer } from './support/http';
import { PRE_AUTH, cNonce, keyProof, requestCredential, tokenFor, type Authorization } from './support/issuance';
import { TARGETS, startTarget, type Target } from './support/targets';
import { dpopProof, form, redeemWithDpop, walletKey } from './support/wallet';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const pidClaims = { [PID]: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12' } };
/** Short enough to wait out in a test, long enough for a wallet's next request. */
const TTL_SECONDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The mistakes wallets make on issuer playgrounds: for each, the wire error is right AND the
 * session's timeline (or the unattributed log, when nothing ties the request to a session) holds
 * an entry that explains it (title, reason, help, spec_ref) with the request's trace and request ids.
 */
describe.each(TARGETS)('wallet mistakes [%s]', (targetName) => {
  let t: Target;
  beforeAll(async () => {
    t = await startTarget(targetName, 'wallet-mistakes', {
      HALLMARK_ACCESS_TOKEN_TTL: String(TTL_SECONDS),
      HALLMARK_C_NONCE_TTL: String(TTL_SECONDS),
    });
  }, 120000);
  afterAll(async () => t?.stop());

  /** The id a gateway would send in x-request-id, so the entry can be found by it. */
  const requestId = (what: string) => `mistake-${what}-${randomBytes(6).toString('hex')}`;
  const withRequestId =
    (rid: string) => (method: string, url: string, options: { raw: string; headers: Record<string, string> }) =>
      call(method, url, { ...options, headers: { ...options.headers, 'x-request-id': rid } });
  const auth = () => tokenFor(t, [PID], pidClaims);
  const proofFor = async (a: Authorization, over: { aud?: string } = {}) =>
    keyProof(await walletKey(), { aud: over.aud ?? t.baseUrl, nonce: await cNonce(t.baseUrl) });
  const credential = (
    a: Authorization,
    body: unknown,
    rid: string,
    options: Parameters<typeof requestCredential>[3] = {},
  ) => requestCredential(t.baseUrl, a, body, { ...options, headers: { 'x-request-id': rid, ...options.headers } });

  /** The wire error, then the explained entry: on the session's timeline, or in the unattributed log. */
  const expectMistake = async (
    answer: Answer,
    wire: [number, string],
    where: { sessionId: string } | 'unattributed',
    rid: string,
    reason: string,
  ) => {
    expect([answer.status, answer.body?.error]).toEqual(wire);
    expect(answer.headers.get('x-request-id')).toBe(rid);
    const entry = await eventually(
      async () => {
        const list =
          where === 'unattributed'
            ? (
                await call('GET', `${t.baseUrl}/admin/requests?outcome=error&limit=200`, {
                  token: t.auditorToken ?? t.adminToken,
                })
              ).body?.requests
            : (
                await call('GET', `${t.baseUrl}/admin/sessions/${where.sessionId}?collapse=false&limit=500`, {
                  token: t.auditorToken ?? t.adminToken,
                })
              ).body?.timeline;
        return list?.find(
          (e: { request_id: string; data: { reason?: string } }) => e.request_id === rid && e.data.reason === reason,
        );
      },
      20000,
      `an entry for ${reason}`,
    );
    expect(entry.explanation).toMatchObject({
      title: expect.stringMatching(/\w/),
      reason: expect.stringMatching(/\w/),
      help: expect.stringMatching(/\w/),
      spec_ref: expect.stringMatching(/^(OID4VCI 1\.0|RFC \d+) (Section|Appendix) /),
    });
    expect(entry.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(entry.data.request.headers['x-request-id']).toBe(rid);
    return entry;
  };

  it('draft-13 credential request (format + vct, singular proof): mapped with a warning naming the id, or refused naming it', async () => {
    const a = await auth();
    const rid = requestId('draft');
    const holder = await walletKey();
    const draft = await credential(
      a,
      {
        format: 'dc+sd-jwt',
        vct: 'urn:eudi:pid:1',
        proof: { proof_type: 'jwt', jwt: await keyProof(holder, { aud: t.baseUrl, nonce: await cNonce(t.baseUrl) }) },
      },
      rid,
    );
    expect(draft.status).toBe(200);
    const mapped = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${a.sessionId}?collapse=false`, { token: t.adminToken });
      return v.body?.timeline.find(
        (e: { type: string; request_id: string }) => e.type === 'credential_request_mapped' && e.request_id === rid,
      );
    });
    expect(mapped).toMatchObject({
      level: 'warn',
      explanation: {
        title: 'Draft-shaped request accepted by mapping',
        reason: expect.stringContaining(`send credential_configuration_id ${PID}`),
        spec_ref: 'OID4VCI 1.0 Section 8.2',
      },
    });

    const unmappable = requestId('draft-unmappable');
    const refused = await credential(
      a,
      { format: 'dc+sd-jwt', vct: 'urn:unknown:1', proof: { proof_type: 'jwt', jwt: await proofFor(a) } },
      unmappable,
    );
    await expectMistake(refused, [400, 'invalid_credential_request'], a, unmappable, 'credential_request_draft_shape');
  });

  it('key proof whose only key reference is a did:web kid', async () => {
    const a = await auth();
    const holder = await walletKey();
    const proof = await keyProof(
      holder,
      { aud: t.baseUrl, nonce: await cNonce(t.baseUrl) },
      { jwk: undefined, kid: 'did:web:wallet.example#key-1' },
    );
    const rid = requestId('did-web');
    const entry = await expectMistake(
      await credential(a, { credential_configuration_id: PID, proofs: { jwt: [proof] } }, rid),
      [400, 'invalid_proof'],
      a,
      rid,
      'proof_kid_unsupported',
    );
    expect(entry.explanation.help).toMatch(/jwk/);
  });

  it('wrong tx_code', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], tx_code: { length: 6 } },
    });
    const code = created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'];
    const wrong = created.body.tx_code === '000000' ? '111111' : '000000';
    const rid = requestId('tx-code');
    const r = await redeemWithDpop(t.baseUrl, code, await walletKey(), withRequestId(rid), { tx_code: wrong });
    const entry = await expectMistake(
      r,
      [400, 'invalid_grant'],
      { sessionId: created.body.session_id },
      rid,
      'token_tx_code_wrong',
    );
    expect(entry.data).toMatchObject({
      failed_tx_code_attempts: 1,
      request: { body: { tx_code: '<present, withheld>' } },
    });
    expect(JSON.stringify(entry)).not.toContain(wrong);
  });

  it('stale c_nonce, and a c_nonce used twice', async () => {
    const a = await auth();
    const holder = await walletKey();
    const used = await cNonce(t.baseUrl);
    const body = async (nonce: string) => ({
      credential_configuration_id: PID,
      proofs: { jwt: [await keyProof(holder, { aud: t.baseUrl, nonce })] },
    });
    expect((await credential(a, await body(used), requestId('first-use'))).status).toBe(200);
    const reusedRid = requestId('nonce-reused');
    await expectMistake(
      await credential(a, await body(used), reusedRid),
      [400, 'invalid_nonce'],
      a,
      reusedRid,
      'credential_nonce_used',
    );

    const stale = await cNonce(t.baseUrl);
    await sleep((TTL_SECONDS + 1) * 1000);
    const later = await auth();
    const staleRid = requestId('nonce-stale');
    await expectMistake(
      await credential(later, await body(stale), staleRid),
      [400, 'invalid_nonce'],
      later,
      staleRid,
      'proof_nonce_expired',
    );
  });

  it('credential request without a DPoP proof', async () => {
    const a = await auth();
    const rid = requestId('no-dpop');
    const r = await call('POST', `${t.baseUrl}/credential`, {
      body: { credential_configuration_id: PID, proofs: { jwt: [await proofFor(a)] } },
      headers: { authorization: `DPoP ${a.accessToken}`, 'x-request-id': rid },
    });
    expect(r.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    // The token verified, so the refusal is on the session's timeline.
    await expectMistake(r, [401, 'invalid_dpop_proof'], a, rid, 'dpop_missing');
  });

  it('DPoP htu that does not match the public URL (the wallet signed for a gateway path prefix)', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID] },
    });
    const code = created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'];
    const rid = requestId('htu');
    const htu = `${t.baseUrl}/issuer-gateway/token`;
    const r = await call('POST', `${t.baseUrl}/token`, {
      raw: form({ grant_type: PRE_AUTH, 'pre-authorized_code': code }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        dpop: await dpopProof(await walletKey(), { htm: 'POST', htu }),
        'x-request-id': rid,
      },
    });
    const entry = await expectMistake(
      r,
      [400, 'invalid_dpop_proof'],
      { sessionId: created.body.session_id },
      rid,
      'dpop_htu_mismatch',
    );
    expect(entry.explanation).toMatchObject({
      compares: 'htu claim of the DPoP proof',
      expected: `${t.baseUrl}/token`,
      provided: htu,
    });
  });

  it('expired access token', async () => {
    const a = await auth();
    await sleep((TTL_SECONDS + 1) * 1000);
    const rid = requestId('expired-token');
    const r = await credential(a, { credential_configuration_id: PID, proofs: { jwt: [await proofFor(a)] } }, rid);
    const entry = await expectMistake(r, [401, 'invalid_token'], a, rid, 'access_token_invalid');
    expect(entry.explanation).toMatchObject({
      compares: 'exp claim of the access token',
      expected: expect.stringMatching(/^after /),
      provided: expect.stringMatching(/^\d{4}-/),
    });
  });

  it('unknown credential configuration id', async () => {
    const a = await auth();
    const rid = requestId('unknown-configuration');
    const r = await credential(
      a,
      { credential_configuration_id: 'eu.europa.ec.eudi.pid_vc_sd_jwt_v2', proofs: { jwt: [await proofFor(a)] } },
      rid,
    );
    const entry = await expectMistake(
      r,
      [400, 'unknown_credential_configuration'],
      a,
      rid,
      'credential_configuration_unknown',
    );
    expect(entry.explanation).toMatchObject({ expected: PID, provided: 'eu.europa.ec.eudi.pid_vc_sd_jwt_v2' });
  });

  it('access token in the query string', async () => {
    const a = await auth();
    const rid = requestId('token-in-query');
    const r = await credential(a, { credential_configuration_id: PID, proofs: { jwt: [await proofFor(a)] } }, rid, {
      query: `?access_token=${a.accessToken}`,
    });
    const entry = await expectMistake(r, [400, 'invalid_request'], 'unattributed', rid, 'access_token_in_query');
    // Recorded as a fingerprint, never in clear.
    expect(entry.data.request.query.access_token).toMatch(/^<present, len=\d+, sha256=[\w-]{8}>$/);
    expect(JSON.stringify(entry)).not.toContain(a.accessToken);
  });

  it('offer fetched after it expired', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], expires_in: 1 },
    });
    await sleep(1200);
    const rid = requestId('offer-expired');
    const r = await call('GET', created.body.credential_offer_uri, { headers: { 'x-request-id': rid } });
    await expectMistake(r, [404, 'invalid_request'], { sessionId: created.body.session_id }, rid, 'offer_expired');
    const view = await call('GET', `${t.baseUrl}/admin/sessions/${created.body.session_id}`, { token: t.adminToken });
    expect(view.body).toMatchObject({
      status: 'expired',
      last_error: { type: 'offer_retrieval_refused', reason: 'offer_expired' },
    });
    // The list view tells the same: expired, with the last error.
    const list = await call('GET', `${t.baseUrl}/admin/sessions?status=expired&limit=200`, { token: t.adminToken });
    expect(
      list.body.sessions.find((x: { session_id: string }) => x.session_id === created.body.session_id),
    ).toMatchObject({ status: 'expired', last_error: { reason: 'offer_expired' } });
  });

  it('key proof for the wrong audience', async () => {
    const a = await auth();
    const rid = requestId('aud');
    const r = await credential(
      a,
      { credential_configuration_id: PID, proofs: { jwt: [await proofFor(a, { aud: `${t.baseUrl}/credential` })] } },
      rid,
    );
    const entry = await expectMistake(r, [400, 'invalid_proof'], a, rid, 'proof_aud_mismatch');
    expect(entry.explanation).toMatchObject({
      compares: 'aud claim of the key proof',
      expected: t.baseUrl,
      provided: `${t.baseUrl}/credential`,
    });
  });

  it('key proof signed with an algorithm the configuration does not allow', async () => {
    const a = await auth();
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    const holder = await walletKey();
    const proof = await keyProof(
      holder,
      { aud: t.baseUrl, nonce: await cNonce(t.baseUrl) },
      { alg: 'ES384', jwk: await exportJWK(publicKey) },
      privateKey,
    );
    const rid = requestId('alg');
    const entry = await expectMistake(
      await credential(a, { credential_configuration_id: PID, proofs: { jwt: [proof] } }, rid),
      [400, 'invalid_proof'],
      a,
      rid,
      'proof_alg_not_allowed',
    );
    expect(entry.explanation).toMatchObject({ expected: 'ES256', provided: 'ES384' });
  });

  it('malformed JSON body', async () => {
    const a = await auth();
    const rid = requestId('malformed');
    const r = await credential(a, undefined, rid, {
      raw: `{"credential_configuration_id": "${PID}", "proofs": {"jwt": ["${await proofFor(a)}"]},}`,
    });
    const entry = await expectMistake(
      r,
      [400, 'invalid_credential_request'],
      a,
      rid,
      'credential_request_json_invalid',
    );
    expect(entry.data.request.body).toMatch(/^<not valid JSON, len=\d+/);
  });

  it('credential request in another media type: refused in the wire format, not by the framework', async () => {
    const a = await auth();
    const rid = requestId('media-type');
    const r = await credential(a, undefined, rid, {
      raw: `credential_configuration_id=${PID}`,
      headers: { 'content-type': 'text/plain' },
    });
    const entry = await expectMistake(r, [400, 'invalid_credential_request'], a, rid, 'credential_request_not_json');
    expect(entry.explanation).toMatchObject({
      expected: 'application/json or application/jwt',
      provided: 'text/plain',
    });
  });

  describe('encryption (OID4VCI 1.0 Section 10)', () => {
    /** The issuer's request encryption key, from its metadata. */
    const issuerKey = async () =>
      (await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`)).body.credential_request_encryption.jwks
        .keys[0];
    const encrypted = async (payload: unknown, header: Record<string, string> = {}) => {
      const key = await issuerKey();
      return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', kid: key.kid, ...header })
        .encrypt(await importJWK(key, 'ECDH-ES'));
    };
    const responseKey = async () => {
      const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
      return { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), alg: 'ECDH-ES' } };
    };
    const asJwt = (jwe: string) => ({ raw: jwe, headers: { 'content-type': 'application/jwt' } });

    it('unsupported enc and missing jwk in credential_response_encryption: invalid_encryption_parameters, explained', async () => {
      const a = await auth();
      const { jwk } = await responseKey();
      const rid = requestId('enc-unsupported');
      const unsupported = await credential(
        a,
        undefined,
        rid,
        asJwt(
          await encrypted({
            credential_configuration_id: PID,
            proofs: { jwt: [await proofFor(a)] },
            credential_response_encryption: { jwk, enc: 'A128CBC-HS256' },
          }),
        ),
      );
      const entry = await expectMistake(
        unsupported,
        [400, 'invalid_encryption_parameters'],
        a,
        rid,
        'credential_response_encryption_invalid',
      );
      expect(entry.explanation).toMatchObject({ expected: 'A128GCM A256GCM', provided: 'A128CBC-HS256' });
      // The recorded request keeps the JWE as its size and hash only.
      expect(entry.data.request.body).toMatch(/^<present, len=\d+, sha256=[\w-]{8}>$/);

      const noJwk = requestId('enc-no-jwk');
      const missing = await credential(
        a,
        undefined,
        noJwk,
        asJwt(
          await encrypted({
            credential_configuration_id: PID,
            proofs: { jwt: [await proofFor(a)] },
            credential_response_encryption: { enc: 'A128GCM' },
          }),
        ),
      );
      await expectMistake(
        missing,
        [400, 'invalid_encryption_parameters'],
        a,
        noJwk,
        'credential_response_encryption_invalid',
      );
    });

    it('response encryption asked for in a plain request: refused, since the key could be substituted', async () => {
      const a = await auth();
      const rid = requestId('enc-unprotected');
      const r = await credential(
        a,
        {
          credential_configuration_id: PID,
          proofs: { jwt: [await proofFor(a)] },
          credential_response_encryption: { jwk: (await responseKey()).jwk, enc: 'A128GCM' },
        },
        rid,
      );
      await expectMistake(
        r,
        [400, 'invalid_encryption_parameters'],
        a,
        rid,
        'credential_response_encryption_unprotected',
      );
    });

    it('an application/jwt body that is no JWE to our key: undecryptable, explained', async () => {
      const a = await auth();
      const rid = requestId('enc-undecryptable');
      const r = await credential(a, undefined, rid, asJwt('eyJhbGciOiJFQ0RILUVTIiwiZW5jIjoiQTEyOEdDTSJ9.x.y.z'));
      await expectMistake(r, [400, 'invalid_encryption_parameters'], a, rid, 'credential_request_undecryptable');
      const other = requestId('enc-unsupported-header');
      const r2 = await credential(a, undefined, other, asJwt(await encrypted({}, { enc: 'A256GCM', kid: 'not-ours' })));
      const entry = await expectMistake(
        r2,
        [400, 'invalid_encryption_parameters'],
        a,
        other,
        'credential_request_encryption_unsupported',
      );
      expect(entry.explanation).toMatchObject({ provided: 'not-ours' });
    });

    it('an error is never encrypted, even when the request asked for an encrypted response', async () => {
      const a = await auth();
      const rid = requestId('enc-error-plain');
      const r = await credential(
        a,
        undefined,
        rid,
        asJwt(
          await encrypted({
            credential_configuration_id: PID,
            proofs: { jwt: [await proofFor(a, { aud: 'https://someone.else' })] },
            credential_response_encryption: { jwk: (await responseKey()).jwk, enc: 'A128GCM' },
          }),
        ),
      );
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      await expectMistake(r, [400, 'invalid_proof'], a, rid, 'proof_aud_mismatch');
    });
  });

  it('gives every entry of a session its trace id and request id', async () => {
    const a = await auth();
    await credential(a, { credential_configuration_id: PID, proofs: { jwt: [await proofFor(a)] } }, requestId('ok'));
    const view = await eventually(async () => {
      const v = await call('GET', `${t.baseUrl}/admin/sessions/${a.sessionId}?collapse=false`, { token: t.adminToken });
      // The token's entry comes from another service's topic: wait for the whole flow, not only the status.
      return (
        v.body?.status === 'credential_issued' &&
        timelineHas(v.body, ['session_created', 'token_issued', 'credential_issued']) &&
        v.body.timeline.length >= 5 &&
        v.body
      );
    });
    expect(view.timeline.length).toBeGreaterThanOrEqual(5);
    for (const e of view.timeline) {
      expect([e.type, e.trace_id]).toEqual([e.type, expect.stringMatching(/^[0-9a-f]{32}$/)]);
      expect([e.type, e.request_id]).toEqual([e.type, expect.stringMatching(/\S/)]);
    }
    const issued = view.timeline.find((x: { type: string }) => x.type === 'credential_issued');
    expect(issued.request_id).toMatch(/^mistake-ok-/);
  });
});
