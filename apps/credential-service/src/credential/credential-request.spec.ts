import { parseIssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError } from '@hallmark/oid4vc';
import { UnparsableBody } from '@hallmark/platform';
import { parseCredentialRequest } from './credential-request';

const config = parseIssuerConfig({
  batch_size: 3,
  credential_configurations_supported: {
    pid: { format: 'dc+sd-jwt', vct: 'urn:pid' },
    other: { format: 'dc+sd-jwt', vct: 'urn:other', batch_size: 5 },
    mdl: { format: 'mso_mdoc' },
  },
});

const reasonOf = (body: unknown, authorized = ['pid']): string => {
  try {
    parseCredentialRequest(body, config, authorized);
  } catch (err) {
    return `${(err as Oid4vcError).error}/${(err as Oid4vcError).reason}`;
  }
  return 'accepted';
};

describe('credential request parsing', () => {
  it('maps a draft-shaped request to the single matching configuration in compatibility mode', () => {
    const parsed = parseCredentialRequest(
      { format: 'dc+sd-jwt', vct: 'urn:pid', proof: { proof_type: 'jwt', jwt: 'p' } },
      config,
      ['pid', 'other'],
      { compat: true },
    );
    expect(parsed).toMatchObject({
      configurationId: 'pid',
      proofJwts: ['p'],
      mappedFrom: { format: 'dc+sd-jwt', vct: 'urn:pid', singular_proof: true },
    });
  });

  it('names the id to send when compatibility is off or nothing matches', () => {
    expect(() =>
      parseCredentialRequest({ format: 'dc+sd-jwt', vct: 'urn:pid', proofs: { jwt: ['a'] } }, config, ['pid']),
    ).toThrow(/send credential_configuration_id pid/);
    expect(() =>
      parseCredentialRequest({ format: 'dc+sd-jwt', vct: 'urn:nope', proofs: { jwt: ['a'] } }, config, ['pid'], {
        compat: true,
      }),
    ).toThrow(/no single configuration matches/);
  });

  it('takes credential_identifier, and only it, when the token response gave credential_identifiers', () => {
    const identifiers = { pid: 'pid' };
    expect(
      parseCredentialRequest({ credential_identifier: 'pid', proofs: { jwt: ['a'] } }, config, ['pid'], {
        identifiers,
      }),
    ).toMatchObject({ configurationId: 'pid' });
    expect(() =>
      parseCredentialRequest({ credential_configuration_id: 'pid', proofs: { jwt: ['a'] } }, config, ['pid'], {
        identifiers,
      }),
    ).toThrow(
      expect.objectContaining({ error: 'invalid_credential_request', reason: 'credential_identifier_required' }),
    );
    expect(() =>
      parseCredentialRequest({ credential_identifier: 'other', proofs: { jwt: ['a'] } }, config, ['pid'], {
        identifiers,
      }),
    ).toThrow(
      expect.objectContaining({ error: 'unknown_credential_identifier', reason: 'credential_identifier_unknown' }),
    );
  });

  it('takes one key attestation as an attestation proof only where attesters are trusted', () => {
    expect(
      parseCredentialRequest({ credential_configuration_id: 'pid', proofs: { attestation: ['ka'] } }, config, ['pid'], {
        attestationProofs: true,
      }),
    ).toMatchObject({ proofType: 'attestation', proofJwts: ['ka'] });
    expect(() =>
      parseCredentialRequest({ credential_configuration_id: 'pid', proofs: { attestation: ['ka'] } }, config, ['pid']),
    ).toThrow(expect.objectContaining({ reason: 'credential_proof_type_unsupported' }));
    expect(() =>
      parseCredentialRequest(
        { credential_configuration_id: 'pid', proofs: { attestation: ['a', 'b'] } },
        config,
        ['pid'],
        { attestationProofs: true },
      ),
    ).toThrow(expect.objectContaining({ reason: 'credential_proofs_malformed' }));
  });

  it('accepts one proof type with up to batch_size proofs and ignores unknown fields', () => {
    expect(
      parseCredentialRequest(
        { credential_configuration_id: 'pid', proofs: { jwt: ['a', 'b', 'c'] }, extra: 1 },
        config,
        ['pid'],
      ),
    ).toMatchObject({ configurationId: 'pid', proofJwts: ['a', 'b', 'c'] });
  });

  it('refuses more proofs than the configuration takes (its own batch_size, else the issuer-wide one), saying how many', () => {
    const refusal = (id: string, count: number): Oid4vcError | undefined => {
      try {
        parseCredentialRequest(
          { credential_configuration_id: id, proofs: { jwt: Array.from({ length: count }, (_, i) => `p${i}`) } },
          config,
          [id],
        );
      } catch (err) {
        return err as Oid4vcError;
      }
      return undefined;
    };
    expect(refusal('pid', 4)).toMatchObject({
      error: 'invalid_credential_request',
      reason: 'credential_batch_too_large',
      expected: 'at most 3',
      provided: '4',
    });
    expect(refusal('pid', 4)?.error_description).toContain('4 proofs, pid takes 3');
    expect(refusal('other', 5)).toBeUndefined();
    expect(refusal('other', 6)).toMatchObject({ expected: 'at most 5', provided: '6' });
  });

  it('refuses a body whose JSON did not parse, naming where it broke', () => {
    const body = UnparsableBody.from(
      '{"credential_configuration_id": "pid",}',
      new SyntaxError('Expected double-quoted property name in JSON at position 37'),
    );
    expect(reasonOf(body)).toBe('invalid_credential_request/credential_request_json_invalid');
    expect(() => parseCredentialRequest(body, config, ['pid'])).toThrow(/error at position 37/);
  });

  it('names the ids the token covers and the one sent on the diagnostic', () => {
    const refusal = (body: unknown): Oid4vcError => {
      try {
        parseCredentialRequest(body, config, ['pid']);
      } catch (err) {
        return err as Oid4vcError;
      }
      throw new Error('accepted');
    };
    expect(refusal({ credential_configuration_id: 'nope', proofs: { jwt: ['a'] } }).toDiagnostic()).toMatchObject({
      expected: 'pid',
      provided: 'nope',
    });
    expect(refusal({ credential_configuration_id: 'other', proofs: { jwt: ['a'] } }).toDiagnostic()).toMatchObject({
      expected: 'pid',
      provided: 'other',
    });
  });

  it.each([
    [[1, 2], 'invalid_credential_request/credential_request_malformed'],
    [{ proofs: { jwt: ['a'] } }, 'invalid_credential_request/credential_request_both_ids'],
    [
      { credential_configuration_id: 'pid', credential_identifier: 'x', proofs: { jwt: ['a'] } },
      'invalid_credential_request/credential_request_both_ids',
    ],
    [
      { credential_identifier: 'x', proofs: { jwt: ['a'] } },
      'unknown_credential_identifier/credential_identifier_unknown',
    ],
    [
      { credential_configuration_id: 'nope', proofs: { jwt: ['a'] } },
      'unknown_credential_configuration/credential_configuration_unknown',
    ],
    [
      { credential_configuration_id: 'mdl', proofs: { jwt: ['a'] } },
      'unknown_credential_configuration/credential_configuration_unknown',
    ],
    [
      { credential_configuration_id: 'other', proofs: { jwt: ['a'] } },
      'credential_request_denied/credential_configuration_not_offered',
    ],
    [{ credential_configuration_id: 'pid' }, 'invalid_proof/credential_proofs_missing'],
    [
      { credential_configuration_id: 'pid', proof: { proof_type: 'jwt', jwt: 'a' } },
      'invalid_credential_request/credential_proof_singular',
    ],
    [
      { format: 'dc+sd-jwt', vct: 'urn:pid', proofs: { jwt: ['a'] } },
      'invalid_credential_request/credential_request_draft_shape',
    ],
    [
      { credential_configuration_id: 'pid', proofs: { jwt: [] } },
      'invalid_credential_request/credential_proofs_malformed',
    ],
    [
      { credential_configuration_id: 'pid', proofs: { jwt: ['a'], attestation: ['b'] } },
      'invalid_credential_request/credential_proofs_malformed',
    ],
    [
      { credential_configuration_id: 'pid', proofs: { di_vp: ['a'] } },
      'invalid_proof/credential_proof_type_unsupported',
    ],
    [
      { credential_configuration_id: 'pid', proofs: { jwt: ['a', 'b', 'c', 'd'] } },
      'invalid_credential_request/credential_batch_too_large',
    ],
  ])('refuses %j as %s', (body, expected) => {
    expect(reasonOf(body)).toBe(expected);
  });
});
