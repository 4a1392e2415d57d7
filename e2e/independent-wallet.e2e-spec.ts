import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { execFile } from 'child_process';
import { calculateJwkThumbprint } from 'jose';
import { promisify } from 'util';
import { REPO_ROOT, conformanceSchema, recordDecryptedSecrets } from '@hallmark/testing';
import { call } from './support/http';
import {
  IndependentWallet,
  PRE_AUTHORIZED_GRANT,
  checkX5cChain,
  inspectSdJwtVc,
  presentAndVerify,
  receiveCredentials,
  verifyJwtVc,
  verifySdJwtVc,
  type WalletKeyPair,
} from '@hallmark/test-wallet';
import { TARGETS, startTarget, type Target } from './support/targets';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const AGE = 'age_verification_sd_jwt';
const CLAIMS: Record<string, Record<string, unknown>> = {
  [PID]: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] },
  [AGE]: { age_over_18: true },
};
/** Claims the issuer sets itself; everything else in a credential must come from the session. */
const REGISTERED = ['iss', 'iat', 'nbf', 'exp', 'vct', 'vct#integrity', 'cnf', 'status', 'sub', '_sd_alg'];
const DEV_CA = 'Hallmark Development CA';

const metadataSchema = conformanceSchema('credential_issuer_metadata-1_0');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validateMetadata = ajv.compile(metadataSchema);

/**
 * An independent wallet (@openid4vc/openid4vci's client, not Hallmark's code) receives credentials
 * from each target: offers by reference and by value, with and without tx_code, a batch of 3; every
 * SD-JWT VC verified with @sd-jwt/sd-jwt-vc against the key in its x5c header.
 */
describe.each(TARGETS)('independent wallet [%s]', (targetName) => {
  let t: Target;
  let metadata: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  beforeAll(async () => {
    t = await startTarget(targetName, 'independent-wallet');
    metadata = (
      await call('GET', `${t.baseUrl}/.well-known/openid-credential-issuer`, {
        headers: { accept: 'application/json' },
      })
    ).body;
  }, 120000);
  afterAll(async () => t?.stop());

  const createSession = async (configurationId: string, txCodeLength?: number) => {
    const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: {
        credential_configuration_ids: [configurationId],
        ...(txCodeLength ? { tx_code: { length: txCodeLength } } : {}),
        claims: { [configurationId]: CLAIMS[configurationId] },
      },
    });
    expect(r.status).toBe(201);
    return r.body as {
      session_id: string;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      credential_offer: Record<string, any>;
      credential_offer_uri: string;
      offer_url: string;
      tx_code?: string;
    };
  };

  /** Everything a relying party and the holder would check of one credential. */
  const checkCredential = async (credential: unknown, configurationId: string, holderKeys: WalletKeyPair[]) => {
    expect(typeof credential).toBe('string');
    const compact = credential as string;
    expect(compact.endsWith('~')).toBe(true); // SD-JWT without key binding (RFC 9901 Section 4)
    const view = await inspectSdJwtVc(compact);

    // Issuer signature (x5c[0]), disclosure digests and times, by @sd-jwt/sd-jwt-vc.
    const verified = await verifySdJwtVc(compact);
    expect(view.header).toMatchObject({ typ: 'dc+sd-jwt', alg: 'ES256' });
    expect(Array.isArray(view.header.x5c)).toBe(true);
    const chain = checkX5cChain(view.certificates);
    expect(chain.anchorIssuer).toContain(DEV_CA);

    const payload = verified.claims;
    expect(payload.iss).toBe(t.baseUrl);
    expect(payload.vct).toBe(metadata.credential_configurations_supported[configurationId].vct);
    expect(typeof payload.iat).toBe('number');
    expect(typeof payload.exp).toBe('number');
    expect(payload.exp!).toBeGreaterThan(Math.floor(Date.now() / 1000));

    // Bound to one of the proof keys (the verifier library does not check this).
    const cnf = payload.cnf as { jwk?: Record<string, string> } | undefined;
    expect(cnf?.jwk).toBeDefined();
    expect(cnf!.jwk!.d).toBeUndefined();
    const jkt = await calculateJwkThumbprint(cnf!.jwk!);
    const holder = holderKeys.find((k) => k.jkt === jkt);
    expect(holder).toBeDefined();

    // The disclosed claims are the session's claims, and nothing else is personal data.
    const disclosed = Object.fromEntries(view.disclosures.map((d) => [d.name, d.value]));
    expect(disclosed).toEqual(CLAIMS[configurationId]);
    const own = Object.fromEntries(Object.entries(payload).filter(([k]) => !REGISTERED.includes(k)));
    expect(own).toEqual(CLAIMS[configurationId]);

    // The holder can present it: a KB-JWT signed by the proof key verifies against cnf.jwk.
    const { kbPayload } = await presentAndVerify(compact, holder!, 'https://verifier.example');
    expect(kbPayload.aud).toBe('https://verifier.example');
    return { view, jkt };
  };

  it('serves issuer metadata that is valid 1.0 metadata and names what the flow needs', async () => {
    const ok = validateMetadata(metadata);
    if (!ok)
      throw new Error(
        `credential issuer metadata fails credential_issuer_metadata-1_0.json: ${ajv.errorsText(validateMetadata.errors, { separator: '\n' })}`,
      );
    expect(metadata).toMatchObject({
      credential_issuer: t.baseUrl,
      credential_endpoint: `${t.baseUrl}/credential`,
      nonce_endpoint: `${t.baseUrl}/nonce`,
    });
    expect(metadata.batch_credential_issuance?.batch_size).toBeGreaterThanOrEqual(3);
    for (const id of [PID, AGE]) {
      const c = metadata.credential_configurations_supported[id];
      expect(c).toMatchObject({
        format: 'dc+sd-jwt',
        vct: expect.any(String),
        cryptographic_binding_methods_supported: expect.arrayContaining(['jwk']),
      });
      expect(c.proof_types_supported.jwt.proof_signing_alg_values_supported).toContain('ES256');
    }
    // The library accepts every configuration as well-formed for its format.
    const resolved = await new IndependentWallet({ allowInsecureUrls: true }).resolveIssuerMetadata(t.baseUrl);
    // Draft 15 and 1.0 requests are the same (credential_configuration_id); the library tells 1.0 by credential_metadata.
    expect(['V1', 'Draft15']).toContain(resolved.originalDraftVersion);
    expect(Object.keys(resolved.knownCredentialConfigurations).sort()).toEqual(
      Object.keys(metadata.credential_configurations_supported).sort(),
    );
  });

  it('offer by reference with tx_code: a batch of 3 PIDs, bound to 3 keys, with unlinkable disclosures', async () => {
    const session = await createSession(PID, 4);
    expect(session.tx_code).toMatch(/^\d{4}$/);
    const received = await receiveCredentials({
      allowInsecureUrls: true,
      offerUri: session.offer_url,
      txCode: session.tx_code,
      batchSize: 3,
      configurationId: PID,
    });

    expect(received.tokenResponse.token_type).toBe('DPoP');
    expect(received.credentialResponse.credentials).toHaveLength(3);
    for (const entry of received.credentialResponse.credentials!) {
      // OID4VCI 1.0 Section 8.3: an array of objects, each with a `credential`.
      expect(entry).toEqual({ credential: expect.any(String) });
    }
    const checked = await Promise.all(received.credentials.map((c) => checkCredential(c, PID, received.holderKeys)));
    expect(new Set(checked.map((c) => c.jkt))).toEqual(new Set(received.holderKeys.map((k) => k.jkt)));

    const salts = checked.flatMap((c) => c.view.disclosures.map((d) => d.salt));
    const digests = checked.flatMap((c) => c.view.disclosures.map((d) => d.digest));
    expect(salts).toHaveLength(3 * Object.keys(CLAIMS[PID]).length);
    expect(new Set(salts).size).toBe(salts.length);
    expect(new Set(digests).size).toBe(digests.length);
    const sdArrays = checked.flatMap((c) => (c.view.payload._sd as string[] | undefined) ?? []);
    expect(new Set(sdArrays).size).toBe(sdArrays.length);
  });

  it('offer by value without tx_code, unknown request parameters ignored', async () => {
    const session = await createSession(AGE);
    expect(session.credential_offer.grants[PRE_AUTHORIZED_GRANT].tx_code).toBeUndefined();
    // With an unknown parameter in the token and credential requests, which the issuer must ignore.
    const received = await receiveCredentials({
      allowInsecureUrls: true,
      offer: session.credential_offer,
      unknownParameters: true,
    });
    expect(received.configurationId).toBe(AGE);
    expect(received.credentials).toHaveLength(1);
    await checkCredential(received.credentials[0], AGE, received.holderKeys);
  });

  it('offer by reference without tx_code, and the bare credential_offer_uri', async () => {
    for (const offerUri of [(await createSession(AGE)).offer_url, (await createSession(PID)).credential_offer_uri]) {
      const received = await receiveCredentials({ allowInsecureUrls: true, offerUri });
      expect(received.credentials).toHaveLength(1);
      await checkCredential(received.credentials[0], received.configurationId, received.holderKeys);
    }
  });

  it('offer by value with tx_code, then two more credential requests on the same access token', async () => {
    const session = await createSession(PID, 6);
    const received = await receiveCredentials({
      allowInsecureUrls: true,
      offer: session.credential_offer,
      txCode: session.tx_code,
      batchSize: 2,
    });
    expect(received.credentials).toHaveLength(2);
    await Promise.all(received.credentials.map((c) => checkCredential(c, PID, received.holderKeys)));
    const seen = new Set([received.cNonce]);
    for (const n of [1, 3]) {
      const more = await received.requestMore(n);
      expect(seen.has(more.cNonce)).toBe(false);
      seen.add(more.cNonce);
      expect(more.credentials).toHaveLength(n);
      await Promise.all(more.credentials.map((c) => checkCredential(c, PID, more.holderKeys)));
    }
  });

  it('a jwt_vc_json credential, when the issuer offers one', async () => {
    const id = Object.keys(metadata.credential_configurations_supported).find(
      (k) => metadata.credential_configurations_supported[k].format === 'jwt_vc_json',
    );
    if (!id) return; // nothing advertised, nothing to test
    const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [id], claims: { [id]: { age_over_18: true } } },
    });
    expect(r.status).toBe(201);
    const received = await receiveCredentials({ allowInsecureUrls: true, offerUri: r.body.offer_url });
    expect(received.credentialResponse.credentials).toEqual([{ credential: expect.any(String) }]);
    const { header, payload, certificates } = await verifyJwtVc(received.credentials[0] as string);
    expect(header.alg).toBe('ES256');
    expect(checkX5cChain(certificates).anchorIssuer).toContain(DEV_CA);
    expect(payload.iss).toBe(t.baseUrl);
    expect(payload).toMatchObject({
      vc: {
        type: metadata.credential_configurations_supported[id].credential_definition.type,
        credentialSubject: { age_over_18: true },
      },
    });
    const cnf = payload.cnf as { jwk: Record<string, string> };
    expect(await calculateJwkThumbprint(cnf.jwk)).toBe(received.holderKeys[0].jkt);
  });

  it('encrypted request and response (OID4VCI 1.0 Section 10) for both formats, A128GCM and A256GCM with zip', async () => {
    expect(metadata.credential_request_encryption).toMatchObject({
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES', use: 'enc', kid: expect.any(String) }] },
      enc_values_supported: ['A128GCM', 'A256GCM'],
      encryption_required: false,
    });
    expect(metadata.credential_request_encryption.jwks.keys[0].d).toBeUndefined();
    expect(metadata.credential_response_encryption).toMatchObject({
      alg_values_supported: ['ECDH-ES'],
      enc_values_supported: ['A128GCM', 'A256GCM'],
      encryption_required: false,
    });
    const jwtVc = Object.keys(metadata.credential_configurations_supported).find(
      (k) => metadata.credential_configurations_supported[k].format === 'jwt_vc_json',
    )!;
    expect(jwtVc).toBeDefined();
    const cases = [
      { id: PID, claims: CLAIMS[PID], encryption: { enc: 'A128GCM' } },
      { id: jwtVc, claims: { age_over_18: true }, encryption: { enc: 'A256GCM', zip: 'DEF', zipRequest: true } },
    ];
    for (const { id, claims, encryption } of cases) {
      const r = await call('POST', `${t.baseUrl}/admin/sessions`, {
        token: t.adminToken,
        body: { credential_configuration_ids: [id], claims: { [id]: claims } },
      });
      expect(r.status).toBe(201);
      const wallet = new IndependentWallet({
        allowInsecureUrls: true,
        encryption: { ...encryption, onPlaintext: recordDecryptedSecrets },
      });
      const received = await wallet.receiveCredentials({ offerUri: r.body.offer_url, batchSize: 2 });
      expect(received.credentials).toHaveLength(2);
      // On the wire: a JWE each way, the response to the wallet's key with the asked-for enc and zip.
      const wire = wallet.exchanges.find((e) => e.url === `${t.baseUrl}/credential`)!;
      expect(wire.requestHeaders['content-type']).toBe('application/jwt');
      expect(wire.requestBody!.split('.')).toHaveLength(5);
      expect(wire.responseHeaders['content-type']).toMatch(/^application\/jwt/);
      expect(wire.responseHeaders['cache-control']).toBe('no-store');
      expect(wire.responseBody.split('.')).toHaveLength(5);
      const header = JSON.parse(Buffer.from(wire.responseBody.split('.')[0], 'base64url').toString());
      expect(header).toMatchObject({ alg: 'ECDH-ES', enc: encryption.enc, kid: expect.any(String) });
      expect(header.zip).toBe('zip' in encryption ? 'DEF' : undefined);
      for (const credential of received.credentials) expect(wire.responseBody).not.toContain(credential as string);
      if (id === PID) {
        for (const credential of received.credentials) await checkCredential(credential, PID, received.holderKeys);
      } else {
        for (const credential of received.credentials) {
          const { payload } = await verifyJwtVc(credential as string);
          expect(payload).toMatchObject({ iss: t.baseUrl, vc: { credentialSubject: { age_over_18: true } } });
          const jkt = await calculateJwkThumbprint((payload.cnf as { jwk: Record<string, string> }).jwk);
          expect(received.holderKeys.map((k) => k.jkt)).toContain(jkt);
        }
      }
    }
  });

  it('npm run wallet --encrypt asks for an encrypted response and prints the decrypted credential', async () => {
    const session = await createSession(AGE);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/wallet/main.ts', session.offer_url, '--encrypt', 'A256GCM'],
      { cwd: REPO_ROOT, timeout: 60000 },
    );
    expect(stdout).toContain('Encrypted request and response (ECDH-ES, A256GCM)');
    expect(stdout).toContain('Credential 1 of 1');
    expect(stdout).toContain('age_over_18: true');
  });

  it('npm run wallet receives and prints the credential from a deep link', async () => {
    const session = await createSession(PID, 4);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'tools/wallet/main.ts',
        session.offer_url,
        '--tx-code',
        session.tx_code!,
        '--batch',
        '2',
      ],
      {
        cwd: REPO_ROOT,
        timeout: 60000,
      },
    );
    expect(stdout).toContain('Credential 1 of 2');
    expect(stdout).toContain('Credential 2 of 2');
    expect(stdout).toContain('given_name: "Erika"');
    expect(stdout).toContain('nationalities: ["DE"]');
    expect(stdout).toContain(DEV_CA);

    // A failure names the step and the wire error, and exits 1.
    const failed = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/wallet/main.ts', session.offer_url, '--tx-code', session.tx_code!],
      { cwd: REPO_ROOT, timeout: 60000 },
    ).then(
      () => undefined,
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('wallet: token failed');
    expect(failed?.stderr).toContain('error: invalid_grant');
  });

  it('npm run wallet takes an authorization code offer too (PAR, PKCE, issuer_state, DPoP)', async () => {
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], grant_type: 'authorization_code', claims: { [PID]: CLAIMS[PID] } },
    });
    expect(created.status).toBe(201);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', '@swc-node/register', 'tools/wallet/main.ts', created.body.offer_url],
      { cwd: REPO_ROOT, timeout: 60000 },
    );
    expect(stdout).toContain('Credential 1 of 1');
    expect(stdout).toContain('given_name: "Erika"');
  });

  it('reports the wire error of a failed step', async () => {
    const session = await createSession(AGE, 4);
    const wrong = session.tx_code === '0000' ? '1111' : '0000';
    const attempt = receiveCredentials({ allowInsecureUrls: true, offerUri: session.offer_url, txCode: wrong });
    await expect(attempt).rejects.toMatchObject({ step: 'token', details: { status: 400, error: 'invalid_grant' } });
  });
});
