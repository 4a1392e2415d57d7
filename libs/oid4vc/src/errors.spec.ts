import { OID4VC_REASONS, Oid4vcError, explain, toErrorDescription, type Oid4vcReason } from './errors';

const WIRE_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
const SPEC_REF = /^(OID4VCI 1\.0|RFC \d+|draft-ietf-oauth-[a-z-]+-\d\d) (Section|Appendix) /;
const entries = Object.entries(OID4VC_REASONS) as [Oid4vcReason, (typeof OID4VC_REASONS)[Oid4vcReason]][];

describe('the error catalogue', () => {
  it('gives every reason a wire code, a spec section and a wire-safe description', () => {
    for (const [reason, entry] of entries) {
      expect(entry.description).toMatch(WIRE_SAFE);
      expect(entry.spec_ref).toMatch(SPEC_REF);
      expect(entry.spec_ref).toMatch(
        /^(OID4VCI 1\.0 (Section [\d.]*\d|Appendix [A-Z](\.\d+)*)|(RFC \d+|draft-ietf-oauth-[a-z-]+-\d\d) (Section [\d.]*\d|Appendix [A-Z](\.\d+)*))$/,
      );
      const error = new Oid4vcError(reason);
      expect(error).toBeInstanceOf(Error);
      expect(error.toDiagnostic()).toEqual({
        error: entry.error,
        reason,
        spec_ref: entry.spec_ref,
        error_description: entry.description,
      });
    }
  });

  it.each(entries)('explains %s with a title and a help text fit for the timeline', (_reason, entry) => {
    expect(entry.title).toMatch(WIRE_SAFE);
    expect(entry.title).toMatch(/^[A-Z]/);
    expect(entry.title).not.toMatch(/[.\s]$/);
    expect(entry.title.length).toBeLessThanOrEqual(60);
    expect(entry.help).toMatch(WIRE_SAFE);
    expect(entry.help).toMatch(/[.)]$/);
    expect(entry.help.length).toBeGreaterThanOrEqual(40);
    // One to three sentences (a sentence ends with a period and a space before a capital letter or a digit).
    expect(entry.help.split(/\.\s+(?=[A-Z0-9])/).length).toBeLessThanOrEqual(3);
  });

  it.each(entries)('gives %s expected / provided exactly when its entry compares values', (reason, entry) => {
    const compares = (entry as { compares?: string }).compares;
    const diagnostic = new Oid4vcError(reason, undefined, { expected: 'ES256', provided: 'HS256' }).toDiagnostic();
    if (compares) {
      expect(compares).toMatch(WIRE_SAFE);
      expect(diagnostic).toMatchObject({ expected: 'ES256', provided: 'HS256' });
    } else {
      // Refusals about secrets (tx_code, nonces, codes, signatures) never carry a value.
      expect(diagnostic).not.toHaveProperty('expected');
      expect(diagnostic).not.toHaveProperty('provided');
    }
  });

  it('never compares a secret: no entry about a tx_code, code, nonce, token value or signature declares a comparison', () => {
    // Authorization code reasons about the client or redirect URI compare those, not the code.
    const secretReasons = entries.filter(([reason]) =>
      /tx_code|nonce|(?<!authorization_)code_|authorization_code_(invalid|expired|reused)|verifier|ath|signature|jti|grant_code|refresh_token/.test(
        reason,
      ),
    );
    expect(secretReasons.length).toBeGreaterThan(5);
    for (const [reason, entry] of secretReasons)
      expect([reason, (entry as { compares?: string }).compares]).toEqual([reason, undefined]);
  });

  it('bounds compared values, drops a URL query and hides JWT-shaped values', () => {
    const e = new Oid4vcError('dpop_htu_mismatch', undefined, {
      expected: 'https://issuer.example/token',
      provided: 'https://issuer.example/token?access_token=eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln',
    });
    expect(e.provided).toBe('https://issuer.example/token');
    expect(
      new Oid4vcError('proof_aud_mismatch', undefined, { provided: 'eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln' }).provided,
    ).toBe('<jwt>');
    expect(new Oid4vcError('proof_aud_mismatch', undefined, { provided: 'x'.repeat(1000) }).provided).toHaveLength(203);
    expect(new Oid4vcError('proof_alg_not_allowed', undefined, { expected: ['ES256', 'ES384'] }).expected).toBe(
      'ES256 ES384',
    );
  });

  it('gives every reason its own title', () => {
    const titles = entries.map(([, entry]) => entry.title.toLowerCase());
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('explains every reason by its name alone', () => {
    for (const [reason, entry] of entries) {
      const compares = (entry as { compares?: string }).compares;
      expect(explain(reason)).toEqual({
        error: entry.error,
        title: entry.title,
        help: entry.help,
        spec_ref: entry.spec_ref,
        ...(compares ? { compares } : {}),
      });
    }
    const recorded: { reason: string } = JSON.parse('{"reason":"dpop_htu_mismatch"}');
    expect(explain(recorded.reason)).toMatchObject({
      error: 'invalid_dpop_proof',
      title: 'DPoP proof is for another URL',
      spec_ref: 'RFC 9449 Section 4.3',
    });
  });

  it('explains nothing for an unknown reason', () => {
    for (const unknown of ['no_such_reason', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(explain(unknown)).toBeUndefined();
    }
    expect(explain(undefined as unknown as string)).toBeUndefined();
  });

  it('hands out copies: the catalogue cannot be changed through an explanation', () => {
    const first = explain('proof_nonce_missing');
    if (!first) throw new Error('expected an explanation');
    first.help = 'changed';
    expect(explain('proof_nonce_missing')?.help).toBe(OID4VC_REASONS.proof_nonce_missing.help);
  });

  it('appends a detail and keeps the description wire-safe', () => {
    const error = new Oid4vcError('dpop_htm_mismatch', 'htm "GET\\" \u00fcber\r\n');
    expect(error.error_description).toBe(
      'The DPoP proof htm claim does not match the request method (htm ?GET?? ?ber??)',
    );
    expect(error.message).toBe(error.error_description);
    expect(error.toResponseBody()).toEqual({ error: 'invalid_dpop_proof', error_description: error.error_description });
    expect(Object.keys(error.toDiagnostic()).sort()).toEqual(['error', 'error_description', 'reason', 'spec_ref']);
  });

  it('answers a recorded refusal exactly as it was recorded (the rejection event is the source)', () => {
    const recorded = new Oid4vcError('authorization_code_redirect_uri_missing', 'expected openid://', {
      expected: 'openid://',
      provided: null,
    });
    const answered = Oid4vcError.fromDiagnostic(JSON.parse(JSON.stringify(recorded.toDiagnostic())));
    expect(answered).toBeInstanceOf(Oid4vcError);
    expect(answered.toDiagnostic()).toEqual(recorded.toDiagnostic());
    expect(answered.toResponseBody()).toEqual(recorded.toResponseBody());
    expect(answered.message).toBe(recorded.error_description);
    expect(() => Oid4vcError.fromDiagnostic({ reason: 'no_such_reason', error_description: 'x' })).toThrow(
      /not a reason/,
    );
  });

  it('cuts long descriptions', () => {
    expect(toErrorDescription('x'.repeat(1000))).toHaveLength(400);
  });
});
