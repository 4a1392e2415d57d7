import { OID4VC_REASONS, Oid4vcError, toErrorDescription, type Oid4vcReason } from './errors';

const WIRE_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

describe('the error catalogue', () => {
  it('gives every reason a wire code, a spec section and a wire-safe description', () => {
    for (const [reason, entry] of Object.entries(OID4VC_REASONS)) {
      expect(entry.description).toMatch(WIRE_SAFE);
      expect(entry.spec_ref).toMatch(/^(RFC \d+ Sections? [\d.]+( and [\d.]+)?|OID4VCI 1\.0 (Section|Appendix) [A-Z\d.]+|draft-[a-z-]+ Section [\d.]+)$/);
      const error = new Oid4vcError(reason as Oid4vcReason);
      expect(error).toBeInstanceOf(Error);
      expect(error.toDiagnostic()).toEqual({ error: entry.error, reason, spec_ref: entry.spec_ref, error_description: entry.description });
    }
  });

  it('appends a detail and keeps the description wire-safe', () => {
    const error = new Oid4vcError('dpop_htm_mismatch', 'htm "GET\\" \u00fcber\r\n');
    expect(error.error_description).toBe('The DPoP proof htm claim does not match the request method (htm ?GET?? ?ber??)');
    expect(error.message).toBe(error.error_description);
    expect(error.toResponseBody()).toEqual({ error: 'invalid_dpop_proof', error_description: error.error_description });
  });

  it('cuts long descriptions', () => {
    expect(toErrorDescription('x'.repeat(1000))).toHaveLength(400);
  });
});
