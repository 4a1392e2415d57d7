import { explanationOf } from './explanation';

describe('timeline explanations', () => {
  it('explains a recorded refusal from the catalogue, keeping what the request got wrong', () => {
    const e = explanationOf({ error: 'invalid_proof', reason: 'proof_aud_mismatch', error_description: 'The key proof aud is not this issuer (got x)', spec_ref: 'OID4VCI 1.0 Appendix F.1' });
    expect(e).toEqual({ title: expect.any(String), reason: 'The key proof aud is not this issuer (got x)', help: expect.stringMatching(/aud/), spec_ref: 'OID4VCI 1.0 Appendix F.1', error: 'invalid_proof' });
  });

  it('says nothing for events that are not refusals or reasons it does not know', () => {
    expect(explanationOf({ offer_id: 'o' })).toBeUndefined();
    expect(explanationOf({ reason: 'no_such_reason' })).toBeUndefined();
  });
});
