import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { IndependentWallet, newWalletKey } from '@hallmark/test-wallet';
import { issuerConfigWith, keyAttestation, testTrust, trusting, walletAttestation } from './support/attestations';
import { call, eventually, timelineHas } from './support/http';
import { PRE_AUTH, cNonce, keyProof, requestCredential } from './support/issuance';
import { readTopic } from './support/kafka';
import { TARGETS, startTarget, type Target } from './support/targets';
import { redeemWithDpop, walletKey } from './support/wallet';
import { recordDecryptedSecrets } from '@hallmark/testing';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
/** The wallet's address as an outer proxy reports it; Hallmark trusts that hop in this suite. */
const CLIENT_IP = '203.0.113.77';

/**
 * A whole pre-authorized flow (tx_code, DPoP, nonce, credential) plus wallet mistakes, and an
 * authorization code flow (PAR, wallet attestation, PKCE, refresh token, key attestation), then every
 * secret and personal value it used is looked for in every Kafka record, every table row and every
 * log line: access token, pre-authorized code, tx_code, DPoP proofs, key proofs, c_nonce, the
 * credential, claim values, the subject id, the offer reference, the client address. None may appear.
 */
describe.each(TARGETS)('personal data and secrets [%s]', (targetName) => {
  let t: Target;
  const family = `Mustermann-${Date.now()}`;
  const given = `Erika-${process.pid}`;
  const subject = `subject-${Date.now()}-x`;
  const txCode = '90817263';
  let secrets: string[] = [];
  let sessionId: string;
  let codeSessionId: string;

  beforeAll(async () => {
    // The stack's dev gateway adds its own hop to X-Forwarded-For.
    const trust = await testTrust();
    t = await startTarget(targetName, 'personal-data', {
      HALLMARK_TRUST_PROXY: targetName === 'stack' ? '2' : '1',
      HALLMARK_CONFIG: issuerConfigWith(trusting(trust)),
    });
    const sent: string[] = [];
    const wallet = (
      method: string,
      url: string,
      options: { raw?: string; body?: unknown; headers?: Record<string, string> } = {},
    ) => {
      if (options.headers?.dpop) sent.push(options.headers.dpop);
      return call(method, url, {
        ...options,
        headers: { ...options.headers, 'x-forwarded-for': CLIENT_IP, 'user-agent': 'scan-test' },
      });
    };
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: {
        credential_configuration_ids: [PID],
        subject_id: subject,
        tx_code: { length: 8, value: txCode },
        claims: { [PID]: { family_name: family, given_name: given, birthdate: '1964-08-12' } },
      },
    });
    expect(created.status).toBe(201);
    sessionId = created.body.session_id;
    const code = created.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'];
    expect((await wallet('GET', created.body.credential_offer_uri)).status).toBe(200);

    const dpop = await walletKey();
    expect((await redeemWithDpop(t.baseUrl, code, dpop, wallet, { tx_code: '12345678' })).body.error).toBe(
      'invalid_grant',
    );
    const token = await redeemWithDpop(t.baseUrl, code, dpop, wallet, { tx_code: txCode });
    expect(token.status).toBe(200);
    const auth = { accessToken: token.body.access_token as string, dpop };

    const holder = await walletKey();
    const c_nonce = await cNonce(t.baseUrl);
    const proof = await keyProof(holder, { aud: t.baseUrl, nonce: c_nonce });
    const wrongAud = await keyProof(holder, { aud: 'https://elsewhere.example', nonce: c_nonce });
    const asWallet = { headers: { 'x-forwarded-for': CLIENT_IP } };
    const refusals = [
      await requestCredential(
        t.baseUrl,
        auth,
        { credential_configuration_id: PID, proofs: { jwt: [wrongAud] } },
        asWallet,
      ),
      await requestCredential(
        t.baseUrl,
        auth,
        { credential_configuration_id: PID, proofs: { jwt: [proof] } },
        { ...asWallet, query: `?access_token=${auth.accessToken}` },
      ),
      await requestCredential(t.baseUrl, auth, undefined, {
        ...asWallet,
        raw: `{"credential_configuration_id":"${PID}","proofs":{"jwt":["${proof}"]},}`,
      }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400]);
    const issued = await requestCredential(
      t.baseUrl,
      auth,
      { credential_configuration_id: PID, proofs: { jwt: [proof] } },
      asWallet,
    );
    expect(issued.status).toBe(200);
    const credential: string = issued.body.credentials[0].credential;

    // The authorization code flow too: PAR with a wallet attestation, code, PKCE verifier, refresh token, key attestation.
    const byCode = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: {
        credential_configuration_ids: [PID],
        grant_type: 'authorization_code',
        claims: { [PID]: { family_name: family, given_name: given } },
      },
    });
    codeSessionId = byCode.body.session_id;
    const clientId = 'did:jwk:scanned-wallet';
    const instance = await newWalletKey();
    const attested = new IndependentWallet({
      allowInsecureUrls: true,
      clientId,
      clientAttestationJwt: await walletAttestation(trust, clientId, instance),
      clientAttestationKey: instance,
      // Encrypted request and response: the JWEs and what they carry must not be stored either.
      encryption: { zip: 'DEF', onPlaintext: recordDecryptedSecrets },
    });
    const received = await attested.receiveCredentialsByAuthorizationCode({
      offerUri: byCode.body.credential_offer_uri,
      clientId,
      redirectUri: 'openid://',
      keyAttester: (keys) => keyAttestation(trust, keys),
    });
    const flowSecrets = [
      byCode.body.credential_offer.grants.authorization_code.issuer_state,
      received.authorizationResponse.searchParams.get('code')!,
      received.tokenResponse.access_token,
      received.tokenResponse.refresh_token!,
    ];
    for (const e of received.exchanges) {
      for (const h of ['dpop', 'oauth-client-attestation', 'oauth-client-attestation-pop'])
        if (e.requestHeaders[h]) flowSecrets.push(e.requestHeaders[h]);
      const form = new URLSearchParams(e.requestBody ?? '');
      for (const f of ['code_verifier', 'request_uri']) if (form.get(f)) flowSecrets.push(form.get(f)!);
      if (e.url.endsWith('/par') && e.status === 201) flowSecrets.push(JSON.parse(e.responseBody).request_uri);
      if (e.url.endsWith('/credential')) {
        expect([e.requestHeaders['content-type'], e.responseHeaders['content-type']]).toEqual([
          'application/jwt',
          'application/jwt',
        ]);
        flowSecrets.push(e.requestBody!, e.responseBody);
      }
    }
    expect(flowSecrets.length).toBeGreaterThanOrEqual(10);

    // The admin token is left out: the embedded default prints the one it generates, once, by design.
    secrets = [
      family,
      given,
      subject,
      txCode,
      code,
      created.body.credential_offer_uri.split('/offers/')[1],
      auth.accessToken,
      proof,
      wrongAud,
      c_nonce,
      credential,
      credential.split('~')[0],
      CLIENT_IP,
      ...sent,
      ...flowSecrets,
      ...received.proofs,
      ...(received.credentials as string[]),
    ];
    expect(sent.length).toBeGreaterThanOrEqual(4);
    // Each topic reaches the projector on its own: the summary can say credential_issued before the
    // offer service's session_created is on the timeline.
    await eventually(
      async () => {
        const { body } = await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}?collapse=false`, {
          token: t.adminToken,
        });
        return (
          body?.status === 'credential_issued' &&
          body.timeline.some((e: { type: string }) => e.type === 'session_created')
        );
      },
      20000,
      'credential_issued and session_created on the timeline',
    );
  }, 180000);
  afterAll(async () => t?.stop());

  const expectNone = (where: string, text: string) => {
    for (const s of secrets)
      if (text.includes(s)) throw new Error(`${where} contains a secret or claim value (${s.slice(0, 4)}...)`);
  };

  it('shows claim names, never values, on the timeline, and no secret in any admin view', async () => {
    const r = await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}?collapse=false`, { token: t.adminToken });
    const created = r.body.timeline.find((e: { type: string }) => e.type === 'session_created');
    expect(created.data.claim_names).toEqual({ [PID]: ['family_name', 'given_name', 'birthdate'] });
    // Each wallet request is recorded, redacted: the token as a fingerprint, the tx_code withheld, the address masked.
    const tokenRequest = r.body.timeline.find((e: { type: string }) => e.type === 'token_issued');
    expect(tokenRequest.data.request).toMatchObject({
      client_ip: '203.0.113.0/24',
      headers: { dpop: expect.stringMatching(/^<present, len=\d+, sha256=/) },
      body: { tx_code: '<present, withheld>' },
    });
    const issued = r.body.timeline.find((e: { type: string }) => e.type === 'credential_issued');
    expect(issued.data.request.headers.authorization).toMatch(/^DPoP <present, len=\d+, sha256=[\w-]{8}>$/);
    expectNone('the session view', JSON.stringify(r.body));
    const byCode = await eventually(
      async () => {
        const v = (
          await call('GET', `${t.baseUrl}/admin/sessions/${codeSessionId}?collapse=false`, { token: t.adminToken })
        ).body;
        return (
          v?.status === 'credential_issued' &&
          timelineHas(v, ['par_request_stored', 'authorization_code_issued', 'token_issued']) &&
          v
        );
      },
      15000,
      'the authorization code session issued',
    );
    expect(byCode.timeline.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['par_request_stored', 'authorization_code_issued', 'token_issued']),
    );
    expectNone('the authorization code session view', JSON.stringify(byCode));
    expectNone(
      'its report',
      JSON.stringify(
        (await call('GET', `${t.baseUrl}/admin/sessions/${codeSessionId}/report`, { token: t.adminToken })).body,
      ),
    );
    expectNone(
      'the session list',
      JSON.stringify((await call('GET', `${t.baseUrl}/admin/sessions`, { token: t.adminToken })).body),
    );
    expectNone(
      'the unattributed log',
      JSON.stringify((await call('GET', `${t.baseUrl}/admin/requests?limit=200`, { token: t.adminToken })).body),
    );
    expectNone(
      'the report',
      JSON.stringify(
        (await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}/report`, { token: t.adminToken })).body,
      ),
    );
    expectNone(
      'the Markdown report',
      String(
        (await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}/report?format=md`, { token: t.adminToken })).body,
      ),
    );
  });

  it('writes none of them to the logs', async () => {
    for (const f of readdirSync(t.logDir)) expectNone(`log ${f}`, readFileSync(join(t.logDir, f), 'utf8'));
  });

  if (targetName === 'stack') {
    it('publishes none of them to Kafka and stores none in any table of any service', async () => {
      const c = new Client({ connectionString: t.databaseUrl });
      await c.connect();
      try {
        // Every topic of this stack's namespace, the dead-letter topic included.
        const { Kafka, logLevel } = await import('kafkajs');
        const admin = new Kafka({
          clientId: 'scan',
          brokers: process.env.KAFKA_BROKERS!.split(','),
          logLevel: logLevel.NOTHING,
        }).admin();
        await admin.connect();
        const names = (await admin.listTopics()).filter((n) => n.startsWith(`${t.kafkaNamespace}.`));
        await admin.disconnect();
        expect(names.length).toBeGreaterThanOrEqual(4);
        let records = 0;
        for (const topic of names) {
          for (const m of await readTopic(topic)) {
            records += 1;
            expectNone(
              `Kafka ${topic}`,
              `${m.key?.toString()} ${m.value?.toString()} ${JSON.stringify(Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString()])))}`,
            );
          }
        }
        expect(records).toBeGreaterThanOrEqual(10);
        // Every table of every service schema: event stores, projections, read models, ledgers.
        const { rows: tables } = await c.query(
          `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema LIKE 'hallmark\\_%' AND table_type = 'BASE TABLE'`,
        );
        const tableNames = tables.map((r) => `${r.table_schema}.${r.table_name}`);
        expect(tableNames).toEqual(
          expect.arrayContaining([
            'hallmark_audit.timeline_entries',
            'hallmark_audit.unattributed_requests',
            'hallmark_audit.session_summaries',
            'hallmark_credential.c_nonces',
            'hallmark_credential.revoked_access_tokens',
          ]),
        );
        // The write-only read models are dropped by their services' migrations.
        expect(tableNames).not.toContain('hallmark_authorization.offer_grants');
        expect(tableNames).not.toContain('hallmark_credential.issuance_sessions');
        for (const { table_schema: schema, table_name: table } of tables) {
          const { rows } = await c.query(`SELECT row_to_json(x)::text AS row FROM "${schema}"."${table}" x`);
          expectNone(`${schema}.${table}`, rows.map((r) => r.row).join('\n'));
        }
        // Crypto-shredding: erasing the session destroys its data key.
        expect(
          (await c.query('SELECT 1 FROM hallmark_offer.session_data_keys WHERE session_id = $1', [sessionId])).rowCount,
        ).toBe(1);
        expect((await call('DELETE', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken })).status).toBe(
          204,
        );
        expect(
          (await c.query('SELECT 1 FROM hallmark_offer.session_data_keys WHERE session_id = $1', [sessionId])).rowCount,
        ).toBe(0);
      } finally {
        await c.end();
      }
    });
  }
});
