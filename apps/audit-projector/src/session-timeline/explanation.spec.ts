import { explanationOf } from './explanation';

describe('timeline explanations', () => {
  it('explains a recorded refusal from the catalogue, keeping what the request got wrong', () => {
    const e = explanationOf({
      error: 'invalid_proof',
      reason: 'proof_aud_mismatch',
      error_description: 'The key proof aud is not this issuer (got x)',
      spec_ref: 'OID4VCI 1.0 Appendix F.1',
    });
    expect(e).toEqual({
      title: expect.any(String),
      reason: 'The key proof aud is not this issuer (got x)',
      help: expect.stringMatching(/aud/),
      spec_ref: 'OID4VCI 1.0 Appendix F.1',
      error: 'invalid_proof',
      compares: 'aud claim of the key proof',
    });
  });

  it('carries what was expected and what the wallet sent onto the timeline', () => {
    const e = explanationOf({
      error: 'invalid_dpop_proof',
      reason: 'dpop_htu_mismatch',
      error_description: 'd',
      spec_ref: 'RFC 9449 Section 4.3',
      expected: 'https://issuer.example/token',
      provided: 'http://10.0.0.7:8082/token',
    });
    expect(e).toMatchObject({
      compares: 'htu claim of the DPoP proof',
      expected: 'https://issuer.example/token',
      provided: 'http://10.0.0.7:8082/token',
    });
  });

  it('says nothing for events that are not refusals or reasons it does not know', () => {
    expect(explanationOf({ offer_id: 'o' })).toBeUndefined();
    expect(explanationOf({ reason: 'no_such_reason' })).toBeUndefined();
  });
});
