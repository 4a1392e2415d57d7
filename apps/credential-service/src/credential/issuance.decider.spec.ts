import { deciderSpecification, type CredentialsStreamEvent } from '@hallmark/contracts';
import { Oid4vcError } from '@hallmark/oid4vc';
import { issuanceDecider, rejection, rejectionOf, type CheckProofs } from './issuance.decider';

const spec = deciderSpecification(issuanceDecider);
const request = { method: 'POST', path: '/credential' };
const facts = { request, configurationId: 'pid' };
const k1 = 'a'.repeat(43);
const k2 = 'b'.repeat(43);
const refused = (refusal: Oid4vcError): CredentialsStreamEvent[] => [rejection(refusal, facts)];
const proofs = (over: Partial<CheckProofs> = {}): CheckProofs => ({
  type: 'check_proofs',
  ...facts,
  proofType: 'jwt',
  holderKeyThumbprints: [k1, k2],
  batchSize: 2,
  keyAttestations: { required: false },
  ...over,
});
const issued: CredentialsStreamEvent = {
  event_type: 'credential_issued',
  data: {
    credential_configuration_id: 'pid',
    format: 'dc+sd-jwt',
    count: 1,
    holder_key_thumbprints: [k1],
    credential_hashes: [k2],
    c_nonce_hashes: [k1],
    claim_names: ['given_name'],
    expires_at: '2027-01-01T00:00:00.000Z',
    request,
  },
};

describe('issuance decider', () => {
  it('records a refusal made elsewhere as credential_request_rejected, with the configuration when known', () => {
    const refusal = new Oid4vcError('proof_nonce_invalid');
    spec
      .given([])
      .when({ type: 'refuse', request, refusal })
      .then([
        {
          event_type: 'credential_request_rejected',
          data: {
            error: 'invalid_nonce',
            reason: 'proof_nonce_invalid',
            spec_ref: refusal.spec_ref,
            error_description: refusal.error_description,
            request,
          },
        },
      ]);
    spec
      .given([])
      .when({ type: 'refuse', ...facts, refusal })
      .thenEvents(([event]) =>
        expect(event).toMatchObject({ data: { credential_configuration_id: 'pid', reason: 'proof_nonce_invalid' } }),
      );
  });

  it('records a mapped draft request as a warning, not a refusal', () => {
    spec
      .given([])
      .when({
        type: 'map_draft_request',
        ...facts,
        from: { format: 'dc+sd-jwt', vct: 'urn:pid', singular_proof: true },
      })
      .thenEvents((events) => {
        expect(events).toMatchObject([
          {
            event_type: 'credential_request_mapped',
            data: { credential_configuration_id: 'pid', reason: 'credential_request_draft_mapped' },
          },
        ]);
        expect(rejectionOf(events)).toBeUndefined();
      });
  });

  it('accepts distinct keys within the batch size', () => {
    spec.given([]).when(proofs()).then([]);
  });

  it('refuses the same key twice in a batch', () => {
    spec
      .given([])
      .when(proofs({ holderKeyThumbprints: [k1, k1] }))
      .then(refused(new Oid4vcError('credential_proof_keys_repeated')));
  });

  it('accepts one attestation proof binding a whole batch of 60 distinct keys', () => {
    const keys = Array.from({ length: 60 }, (_, i) => String(i).padStart(43, 'k'));
    spec
      .given([])
      .when(proofs({ proofType: 'attestation', holderKeyThumbprints: keys, batchSize: 60 }))
      .then([]);
  });

  it('refuses more attested keys than the batch size', () => {
    spec
      .given([])
      .when(proofs({ proofType: 'attestation', holderKeyThumbprints: [k1, k2, 'c'.repeat(43)] }))
      .then(
        refused(
          new Oid4vcError('credential_batch_too_large', `3 attested keys, ${facts.configurationId} takes 2`, {
            expected: 'at most 2',
            provided: 3,
          }),
        ),
      );
  });

  it('requires a key attestation per proof that attests its key, when required', () => {
    const verified = { status: 'verified' as const, attestedKeyThumbprints: [k1, k2] };
    spec
      .given([])
      .when(proofs({ keyAttestations: { required: true, findings: [verified, verified] } }))
      .then([]);
    spec
      .given([])
      .when(proofs({ keyAttestations: { required: true, findings: [verified, { status: 'missing' }] } }))
      .then(refused(new Oid4vcError('key_attestation_missing', 'proof 2 has none')));
    spec
      .given([])
      .when(
        proofs({
          holderKeyThumbprints: [k1],
          keyAttestations: { required: true, findings: [{ status: 'verified', attestedKeyThumbprints: [k2] }] },
        }),
      )
      .then(refused(new Oid4vcError('key_attestation_key_not_attested')));
    const untrusted = new Oid4vcError('key_attestation_untrusted');
    spec
      .given([])
      .when(
        proofs({
          keyAttestations: { required: true, findings: [{ status: 'invalid', refusal: untrusted }, verified] },
        }),
      )
      .then(refused(untrusted));
    // Not required: what the attestations say does not matter.
    spec
      .given([])
      .when(proofs({ keyAttestations: { required: false } }))
      .then([]);
  });

  it('refuses a nonce another request used first', () => {
    spec
      .given([])
      .when({ type: 'confirm_nonces', ...facts, allUsed: true })
      .then([]);
    spec
      .given([])
      .when({ type: 'confirm_nonces', ...facts, allUsed: false })
      .then(refused(new Oid4vcError('credential_nonce_used')));
  });

  it('refuses when the session has no claims for the configuration', () => {
    spec
      .given([])
      .when({ type: 'confirm_claims', ...facts, claims: { given_name: 'Erika' } })
      .then([]);
    for (const claims of [undefined, {}])
      spec
        .given([])
        .when({ type: 'confirm_claims', ...facts, claims })
        .then(refused(new Oid4vcError('credential_claims_missing', 'pid')));
  });

  it('records what was issued, never the credentials', () => {
    spec
      .given([])
      .when({
        type: 'record_issuance',
        ...facts,
        format: 'dc+sd-jwt',
        holderKeyThumbprints: [k1],
        credentialHashes: [k2],
        cNonceHashes: [k1],
        claimNames: ['given_name'],
        expiresAt: new Date('2027-01-01T00:00:00Z'),
      })
      .then([issued]);
  });

  it('folds the credentials stream into counts', () => {
    spec
      .given([issued, ...refused(new Oid4vcError('credential_nonce_used')), issued])
      .when(proofs())
      .thenEvents((_, state) => expect(state).toEqual({ issued: 2, rejected: 1 }));
  });
});
