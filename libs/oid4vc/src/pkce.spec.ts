import { checkPkceChallenge, pkceS256Challenge, verifyPkce } from './pkce';
import { expectOid4vcError } from './test-support';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a throw');
};

describe('PKCE', () => {
  it('computes the RFC 7636 Appendix B challenge', () => {
    expect(pkceS256Challenge(VERIFIER)).toBe(CHALLENGE);
  });

  it('accepts the matching verifier', () => {
    expect(() => verifyPkce(CHALLENGE, VERIFIER)).not.toThrow();
  });

  it.each([
    [undefined, 'pkce_verifier_missing'],
    ['', 'pkce_verifier_missing'],
    [`${VERIFIER.slice(0, -1)}A`, 'pkce_verifier_mismatch'],
    ['short', 'pkce_verifier_mismatch'],
    [CHALLENGE, 'pkce_verifier_mismatch'],
  ] as const)('refuses verifier %p with invalid_grant (%s)', (verifier, reason) => {
    expectOid4vcError(
      thrown(() => verifyPkce(CHALLENGE, verifier)),
      'invalid_grant',
      reason,
    );
  });

  it('takes S256 challenges only', () => {
    expect(checkPkceChallenge(CHALLENGE, 'S256')).toBe(CHALLENGE);
    expectOid4vcError(
      thrown(() => checkPkceChallenge(undefined, 'S256')),
      'invalid_request',
      'pkce_missing',
    );
    expectOid4vcError(
      thrown(() => checkPkceChallenge(VERIFIER, 'plain')),
      'invalid_request',
      'pkce_method_unsupported',
    );
    expectOid4vcError(
      thrown(() => checkPkceChallenge(CHALLENGE, undefined)),
      'invalid_request',
      'pkce_method_unsupported',
    );
    expectOid4vcError(
      thrown(() => checkPkceChallenge('not a digest', 'S256')),
      'invalid_request',
      'authorization_request_invalid',
    );
  });
});
