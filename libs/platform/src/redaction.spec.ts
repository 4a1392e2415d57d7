import { createHash } from 'crypto';
import { UnparsableBody } from './unparsable-body';
import {
  DEFAULT_REDACTION_POLICY,
  WITHHELD,
  fingerprint,
  maskIp,
  redactHeaders,
  redactRequest,
  redactValue,
} from './redaction';

const jwt = (payload: object) =>
  `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJlLXZhbHVlLTEyMzQ1Njc4OTA`;
const accessToken = jwt({ sub: 'session-1', jti: 'access-token-jti' });
const dpop = jwt({ htm: 'POST', htu: 'https://issuer.example/credential', jti: 'dpop-jti' });
const proof = jwt({ aud: 'https://issuer.example', nonce: 'c-nonce-value-1' });
const attestation = jwt({ sub: 'wallet-client' });
const attestationPop = jwt({ iss: 'wallet-client', jti: 'pop-jti' });
const preAuthorizedCode = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..iv-part.ciphertext-part.tag-part';
const authorizationCode = 'SplxlOBeZQQYbYS6WxSbIA-authorization-code';
const refreshToken = 'tGzv3JOkF0XG5Qx2TlKWIA-refresh';
const txCode = '493536';
const clientIp = '203.0.113.77';

/** Every secret of a wallet request, in every place a wallet puts one. */
const secretRequest = {
  ip: clientIp,
  headers: {
    authorization: `DPoP ${accessToken}`,
    dpop,
    'oauth-client-attestation': attestation,
    'oauth-client-attestation-pop': attestationPop,
    'x-forwarded-for': `${clientIp}, 10.0.0.1`,
    'content-type': 'application/json',
    'user-agent': 'wallet/1.0',
    'x-request-id': 'req-1',
    'x-envoy-attempt-count': '1',
    'x-forwarded-client-cert': 'By=spiffe://cluster.local/ns/hallmark;Hash=abc;Subject=""',
    'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
  },
  query: { access_token: accessToken },
  body: {
    grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
    'pre-authorized_code': preAuthorizedCode,
    tx_code: txCode,
    code: authorizationCode,
    refresh_token: refreshToken,
    code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    credential_configuration_id: 'eu.europa.ec.eudi.pid_vc_sd_jwt',
    proofs: { jwt: [proof] },
    proof: { proof_type: 'jwt', jwt: proof },
    claims: { given_name: 'Erika', family_name: 'Mustermann' },
  },
};
const secrets = [
  accessToken,
  dpop,
  proof,
  attestation,
  attestationPop,
  preAuthorizedCode,
  authorizationCode,
  refreshToken,
  'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  'Erika',
  'Mustermann',
  clientIp,
];

describe('the redaction policy', () => {
  it('given a request with every kind of secret, when redacted, then none appears in clear', () => {
    const text = JSON.stringify(redactRequest(secretRequest));
    for (const s of secrets) expect(text).not.toContain(s);
  });

  it('never shows the transaction code, not even as a fingerprint', () => {
    const redacted = redactRequest(secretRequest);
    expect((redacted.body as Record<string, unknown>).tx_code).toBe(WITHHELD);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(txCode);
    expect(text).not.toContain(fingerprint(txCode));
    expect(text).not.toContain(createHash('sha256').update(txCode).digest('base64url').slice(0, 8));
  });

  it('shows tokens, codes, DPoP proofs, attestations and proof JWTs as length and fingerprint', () => {
    const r = redactRequest(secretRequest);
    const body = r.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.headers.authorization).toBe(`DPoP ${fingerprint(accessToken)}`);
    expect(r.headers.dpop).toBe(fingerprint(dpop));
    expect(r.headers['oauth-client-attestation']).toBe(fingerprint(attestation));
    expect(r.headers['oauth-client-attestation-pop']).toBe(fingerprint(attestationPop));
    expect(r.query).toEqual({ access_token: fingerprint(accessToken) });
    expect(body['pre-authorized_code']).toBe(fingerprint(preAuthorizedCode));
    expect(body.code).toBe(fingerprint(authorizationCode));
    expect(body.refresh_token).toBe(fingerprint(refreshToken));
    expect(body.proofs).toEqual({ jwt: [fingerprint(proof)] });
    expect(body.proof).toEqual({ proof_type: 'jwt', jwt: fingerprint(proof) });
    expect(fingerprint(accessToken)).toMatch(/^<present, len=\d+, sha256=[\w-]{8}>$/);
  });

  it('lets two entries be matched by fingerprint: the same token gives the same one, and it starts the DPoP ath', () => {
    const ath = createHash('sha256').update(accessToken).digest('base64url');
    expect(fingerprint(accessToken)).toBe(fingerprint(accessToken));
    expect(fingerprint(accessToken)).toContain(`sha256=${ath.slice(0, 8)}`);
    expect(fingerprint(accessToken)).not.toBe(fingerprint(dpop));
  });

  it('keeps what is not secret: grant type, configuration id, content type, agent, request id', () => {
    const r = redactRequest(secretRequest);
    expect(r.body).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
      credential_configuration_id: 'eu.europa.ec.eudi.pid_vc_sd_jwt',
    });
    expect(r.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'wallet/1.0',
      'x-request-id': 'req-1',
    });
  });

  it('shows claims as names only, from claim objects and from claims descriptions', () => {
    expect((redactRequest(secretRequest).body as Record<string, unknown>).claims).toEqual([
      'given_name',
      'family_name',
    ]);
    expect(redactValue({ credential_definition: { credentialSubject: { degree: 'BSc' } } })).toEqual({
      credential_definition: { credentialSubject: ['degree'] },
    });
    expect(
      redactValue({ claims: [{ path: ['address', 'street_address'] }, { path: ['nationalities', null] }] }),
    ).toEqual({ claims: ['address.street_address', 'nationalities.'] });
  });

  it('masks client addresses by default, in the socket address and in forwarding headers, or omits them', () => {
    const masked = redactRequest(secretRequest);
    expect(masked.client_ip).toBe('203.0.113.0/24');
    expect(masked.headers['x-forwarded-for']).toBe('203.0.113.0/24, 10.0.0.0/24');
    const none = redactRequest(secretRequest, { ...DEFAULT_REDACTION_POLICY, clientIp: 'none' });
    expect(none.client_ip).toBeUndefined();
    expect(none.headers['x-forwarded-for']).toBeUndefined();
    expect(redactHeaders({ forwarded: 'for="[2001:db8:cafe::17]:4711"' })).toEqual({ forwarded: '2001:db8:cafe::/48' });
    expect(maskIp('::ffff:192.0.2.9')).toBe('192.0.2.0/24');
  });

  it('drops infrastructure headers by default and keeps them when configured', () => {
    const dropped = redactRequest(secretRequest).headers;
    expect(Object.keys(dropped).filter((h) => /envoy|b3|client-cert/.test(h))).toEqual([]);
    const kept = redactRequest(secretRequest, { ...DEFAULT_REDACTION_POLICY, keepInfrastructureHeaders: true }).headers;
    expect(kept).toMatchObject({
      'x-envoy-attempt-count': '1',
      'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7',
      'x-forwarded-client-cert': expect.stringContaining('spiffe://'),
    });
  });

  it('fingerprints anything that looks like a JWT, whatever its name, and secret-named custom headers', () => {
    expect(redactValue({ wallet_note: `see ${proof}` })).toEqual({ wallet_note: fingerprint(`see ${proof}`) });
    expect(redactHeaders({ 'x-api-key': 'k-123456', 'x-custom': accessToken })).toEqual({
      'x-api-key': fingerprint('k-123456'),
      'x-custom': fingerprint(accessToken),
    });
  });

  it('records an unparsed body only as a fingerprint, and bounds what it keeps', () => {
    expect(redactRequest({ headers: {}, body: `tx_code=${txCode}` }).body).toBe(fingerprint(`tx_code=${txCode}`));
    const malformed = `{"tx_code": "${txCode}", "proofs": {"jwt": ["${proof}"]},}`;
    let error = new Error('no error');
    try {
      JSON.parse(malformed);
    } catch (e) {
      error = e as Error;
    }
    expect(redactRequest({ headers: {}, body: UnparsableBody.from(malformed, error) }).body).toMatch(
      /^<not valid JSON, len=\d+, error at \d+>$/,
    );
    const big = redactValue({ list: Array.from({ length: 100 }, (_, i) => i), long: 'x'.repeat(1000) }) as {
      list: unknown[];
      long: string;
    };
    expect(big.list).toHaveLength(20);
    expect(big.long.length).toBeLessThan(300);
  });

  it('records an encrypted (application/jwt) credential request as its size and hash, never its content', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ECDH-ES', enc: 'A128GCM', epk: { kty: 'EC' } })).toString(
      'base64url',
    );
    const jwe = `${header}..aXYtdmFsdWUtMTI.Y2lwaGVydGV4dC13aXRoLWEtcHJvb2Y.dGFnLXZhbHVlLTEyMzQ`;
    const recorded = redactRequest({ headers: { 'content-type': 'application/jwt' }, body: jwe });
    expect(recorded.body).toBe(fingerprint(jwe));
    expect(recorded.body).toMatch(new RegExp(`^<present, len=${jwe.length}, sha256=[A-Za-z0-9_-]{8}>$`));
    expect(JSON.stringify(recorded)).not.toContain('Y2lwaGVydGV4dC13aXRoLWEtcHJvb2Y');
  });
});
