import { randomUUID } from 'crypto';
import { accessTokenHash, jwkThumbprint } from './jwk';
import { normalizeHtu, verifyDpopProof, type VerifyDpopProofOptions } from './dpop';
import { es256Key, expectOid4vcError, rejection, signJws, unsignedJws, type TestKey } from './test-support';

const NOW = new Date('2026-11-28T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const TOKEN_URL = 'https://issuer.example.com/token';

describe('verifyDpopProof', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await es256Key();
  });

  const header = (over: Record<string, unknown> = {}) => ({
    typ: 'dpop+jwt',
    alg: 'ES256',
    jwk: key.publicJwk,
    ...over,
  });
  const claims = (over: Record<string, unknown> = {}) => ({
    jti: randomUUID(),
    htm: 'POST',
    htu: TOKEN_URL,
    iat: NOW_S,
    ...over,
  });
  const proof = (h: Record<string, unknown> = {}, c: Record<string, unknown> = {}) =>
    signJws(header(h), claims(c), key.privateKey);
  const verify = async (p: string | undefined, over: Partial<VerifyDpopProofOptions> = {}) =>
    verifyDpopProof({ proof: p, htm: 'POST', htu: TOKEN_URL, now: NOW, ...over });

  it('accepts a valid proof and returns the key thumbprint, jti and iat', async () => {
    const jti = randomUUID();
    const result = await verify(await proof({}, { jti }));
    expect(result).toEqual({
      jkt: await jwkThumbprint(key.publicJwk),
      jti,
      iat: NOW_S,
      alg: 'ES256',
      jwk: key.publicJwk,
    });
  });

  it('compares htu without query and fragment, after normalisation', async () => {
    const p = await proof({}, { htu: 'HTTPS://Issuer.Example.com:443/%74oken?x=1#frag' });
    await expect(verify(p, { htu: 'https://issuer.example.com/token?session=abc' })).resolves.toMatchObject({
      iat: NOW_S,
    });
  });

  it('accepts http for local development, and iat within the allowed skew', async () => {
    const p = await proof({}, { htu: 'http://localhost:8080/token', iat: NOW_S + 10 });
    await expect(verify(p, { htu: 'http://localhost:8080/token' })).resolves.toMatchObject({ iat: NOW_S + 10 });
  });

  it('rejects a missing or malformed proof', async () => {
    expectOid4vcError(await rejection(verify(undefined)), 'invalid_dpop_proof', 'dpop_missing');
    expectOid4vcError(await rejection(verify('not-a-jwt')), 'invalid_dpop_proof', 'dpop_malformed');
    expectOid4vcError(await rejection(verify('a.b.c.d')), 'invalid_dpop_proof', 'dpop_malformed');
    const notJson = await signJws(header(), 'plain text', key.privateKey);
    expectOid4vcError(await rejection(verify(notJson)), 'invalid_dpop_proof', 'dpop_malformed');
  });

  it('rejects a wrong typ', async () => {
    const error = await rejection(verify(await proof({ typ: 'JWT' })));
    expectOid4vcError(error, 'invalid_dpop_proof', 'dpop_typ_invalid');
    expect(error.spec_ref).toBe('RFC 9449 Section 4.3');
    expect(error.error_description).toContain("typ 'JWT'");
  });

  it('rejects alg none and symmetric algorithms, even when a caller lists them', async () => {
    const none = unsignedJws(header({ alg: 'none' }), claims());
    expectOid4vcError(
      await rejection(verify(none, { allowedAlgs: ['ES256', 'none'] })),
      'invalid_dpop_proof',
      'dpop_alg_not_allowed',
    );
    const hs256 = await signJws(header({ alg: 'HS256' }), claims(), new Uint8Array(32).fill(7));
    const error = await rejection(verify(hs256, { allowedAlgs: ['ES256', 'HS256'] }));
    expectOid4vcError(error, 'invalid_dpop_proof', 'dpop_alg_not_allowed');
    expect(error.error_description).toContain("alg 'HS256', allowed: ES256");
  });

  it('rejects an alg that is asymmetric but not allowed', async () => {
    expectOid4vcError(
      await rejection(verify(await proof(), { allowedAlgs: ['EdDSA'] })),
      'invalid_dpop_proof',
      'dpop_alg_not_allowed',
    );
  });

  it('rejects a proof without jwk, or with a private key in jwk', async () => {
    const { jwk: _jwk, ...noJwk } = header();
    const withoutJwk = await signJws(noJwk, claims(), key.privateKey);
    expectOid4vcError(await rejection(verify(withoutJwk)), 'invalid_dpop_proof', 'dpop_jwk_missing');
    const withPrivate = await proof({ jwk: key.privateJwk });
    expectOid4vcError(await rejection(verify(withPrivate)), 'invalid_dpop_proof', 'dpop_jwk_private');
  });

  it('rejects a jwk that does not fit the alg, or that is not the signing key', async () => {
    const p384 = await proof({ jwk: { kty: 'EC', crv: 'P-384', x: key.publicJwk.x, y: key.publicJwk.y } });
    expectOid4vcError(await rejection(verify(p384)), 'invalid_dpop_proof', 'dpop_jwk_invalid');
    const other = await es256Key();
    expectOid4vcError(
      await rejection(verify(await proof({ jwk: other.publicJwk }))),
      'invalid_dpop_proof',
      'dpop_signature_invalid',
    );
  });

  it('rejects a tampered payload', async () => {
    const [h, , s] = (await proof()).split('.');
    const forged = Buffer.from(JSON.stringify(claims({ htm: 'GET' }))).toString('base64url');
    expectOid4vcError(
      await rejection(verify(`${h}.${forged}.${s}`, { htm: 'GET' })),
      'invalid_dpop_proof',
      'dpop_signature_invalid',
    );
  });

  it('rejects a missing jti', async () => {
    expectOid4vcError(
      await rejection(verify(await proof({}, { jti: undefined }))),
      'invalid_dpop_proof',
      'dpop_jti_missing',
    );
    expectOid4vcError(await rejection(verify(await proof({}, { jti: '' }))), 'invalid_dpop_proof', 'dpop_jti_missing');
  });

  it('rejects a wrong htm', async () => {
    const error = await rejection(verify(await proof({}, { htm: 'GET' })));
    expectOid4vcError(error, 'invalid_dpop_proof', 'dpop_htm_mismatch');
  });

  it('rejects a wrong htu', async () => {
    for (const htu of ['https://issuer.example.com/credential', 'https://evil.example.com/token', 'token', 42]) {
      expectOid4vcError(await rejection(verify(await proof({}, { htu }))), 'invalid_dpop_proof', 'dpop_htu_mismatch');
    }
  });

  it('says which htu, htm and alg it expected and which the proof carried, without the query', async () => {
    const htu = await rejection(verify(await proof({}, { htu: 'https://issuer.example.com/prefix/token?x=1' })));
    expect(htu.toDiagnostic()).toMatchObject({
      expected: expect.stringMatching(/^https:\/\/.+\/token$/),
      provided: 'https://issuer.example.com/prefix/token',
    });
    expect((await rejection(verify(await proof({}, { htm: 'GET' })))).toDiagnostic()).toMatchObject({
      expected: 'POST',
      provided: 'GET',
    });
    expect((await rejection(verify(await proof(), { allowedAlgs: ['EdDSA'] }))).toDiagnostic()).toMatchObject({
      expected: 'EdDSA',
      provided: 'ES256',
    });
  });

  it('rejects a stale or future iat, or none', async () => {
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: NOW_S - 3600 }))),
      'invalid_dpop_proof',
      'dpop_iat_stale',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: NOW_S - 301 }))),
      'invalid_dpop_proof',
      'dpop_iat_stale',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: NOW_S + 3600 }))),
      'invalid_dpop_proof',
      'dpop_iat_future',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: String(NOW_S) }))),
      'invalid_dpop_proof',
      'dpop_iat_missing',
    );
    await expect(verify(await proof({}, { iat: NOW_S - 600 }), { maxAgeSeconds: 900 })).resolves.toBeDefined();
  });

  it('checks ath against the access token', async () => {
    const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
    const ath = accessTokenHash(accessToken);
    const opts = { accessToken, htm: 'GET', htu: 'https://issuer.example.com/credential' };
    const good = await proof({}, { ath, htm: 'GET', htu: opts.htu });
    await expect(verify(good, opts)).resolves.toBeDefined();
    const missing = await proof({}, { htm: 'GET', htu: opts.htu });
    expectOid4vcError(await rejection(verify(missing, opts)), 'invalid_dpop_proof', 'dpop_ath_missing');
    const wrong = await proof({}, { ath: accessTokenHash('another token'), htm: 'GET', htu: opts.htu });
    expectOid4vcError(await rejection(verify(wrong, opts)), 'invalid_dpop_proof', 'dpop_ath_mismatch');
  });

  it('answers use_dpop_nonce when the expected nonce is missing or different', async () => {
    const missing = await rejection(verify(await proof(), { expectedNonce: 'n-1' }));
    expectOid4vcError(missing, 'use_dpop_nonce', 'dpop_nonce_missing');
    const stale = await rejection(verify(await proof({}, { nonce: 'n-0' }), { expectedNonce: 'n-1' }));
    expectOid4vcError(stale, 'use_dpop_nonce', 'dpop_nonce_mismatch');
    expect(stale.toResponseBody()).toEqual({ error: 'use_dpop_nonce', error_description: stale.error_description });
    await expect(verify(await proof({}, { nonce: 'n-1' }), { expectedNonce: 'n-1' })).resolves.toMatchObject({
      nonce: 'n-1',
    });
    await expect(verify(await proof({}, { nonce: 'n-0' }), { expectedNonce: ['n-1', 'n-0'] })).resolves.toMatchObject({
      nonce: 'n-0',
    });
  });

  it('reports an invalid proof before asking for a nonce', async () => {
    const error = await rejection(verify(await proof({}, { htm: 'GET' }), { expectedNonce: 'n-1' }));
    expectOid4vcError(error, 'invalid_dpop_proof', 'dpop_htm_mismatch');
  });

  it('keeps attacker-controlled text out of the description syntax', async () => {
    const error = await rejection(verify(await proof({ typ: 'x"\\\u00e9\n' })));
    expect(error.error_description).toContain("typ 'x????'");
    expect(error.error_description).not.toMatch(/["\\]/);
  });
});

describe('DPoP known answers (RFC 9449)', () => {
  it('computes the jkt of the RFC example key', async () => {
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs',
      y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA',
    };
    expect(await jwkThumbprint(jwk)).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
  });

  it('computes the ath of the RFC example access token', () => {
    expect(accessTokenHash('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    );
  });

  it('computes the RFC 7638 thumbprint of the RFC example RSA key', async () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs' +
      'tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5' +
      'hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(await jwkThumbprint({ kty: 'RSA', n, e: 'AQAB', alg: 'RS256', kid: '2011-04-29' })).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });
});

describe('normalizeHtu', () => {
  it('normalises scheme, host, default port, dot segments and percent-encodings', () => {
    expect(normalizeHtu('HTTPS://EXAMPLE.com:443/a/./b/../c%7e%2f?q#f')).toBe('https://example.com/a/c~%2F');
    expect(normalizeHtu('https://example.com')).toBe('https://example.com/');
    expect(normalizeHtu('http://user:pw@localhost:8080/token')).toBe('http://localhost:8080/token');
  });

  it('refuses relative and non-http URIs', () => {
    expect(normalizeHtu('/token')).toBeUndefined();
    expect(normalizeHtu('urn:example:x')).toBeUndefined();
  });
});
