import { Inject, Injectable } from '@nestjs/common';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError, verifyKeyAttestation, type JWK, type VerifiedCredentialProof } from '@hallmark/oid4vc';
import { ISSUER_CONFIG } from '@hallmark/platform';
import type { KeyAttestationFinding } from './issuance.decider';

/**
 * Key attestations at the credential endpoint (OID4VCI 1.0 Appendix D, HAIP 1.0 Section 4.5.1):
 * required when the configuration says so for every credential, or the session asked for it (the
 * access token carries that, from the sealed grant).
 * Each proof's key must be among the attested keys of the attestation in its header.
 */
@Injectable()
export class KeyAttestations {
  constructor(@Inject(ISSUER_CONFIG) private readonly config: IssuerConfig) {}

  /** Whether this request needs them: the configuration says so for all, or the session's access token says so. */
  required(sessionRequires: boolean): boolean {
    return this.config.authorization?.key_attestations_required === true || sessionRequires;
  }

  get trusted(): boolean {
    const trust = this.config.authorization?.trusted_key_attesters;
    return Boolean(trust && ((trust.keys?.length ?? 0) > 0 || (trust.roots?.length ?? 0) > 0));
  }

  /**
   * An `attestation` proof (OID4VCI 1.0 Appendix F.3): one key attestation of a trusted attester
   * whose nonce is a c_nonce the caller accepts; its attested keys are the keys to bind.
   */
  async verifyAttestationProof(
    jwt: string,
    now: Date,
    nonceUsable: (nonce: string) => Promise<boolean>,
  ): Promise<{ holderJwks: JWK[]; nonce: string }> {
    const trust = this.config.authorization?.trusted_key_attesters ?? {};
    const attestation = await verifyKeyAttestation(jwt, {
      trustedAttesters: { keys: trust.keys as JWK[] | undefined, roots: trust.roots },
      now,
    });
    if (!attestation.nonce) throw new Oid4vcError('key_attestation_nonce_missing');
    if (!(await nonceUsable(attestation.nonce))) throw new Oid4vcError('proof_nonce_invalid');
    return { holderJwks: attestation.attestedKeys, nonce: attestation.nonce };
  }

  /**
   * What each proof's key attestation says: missing, not verifying (its own refusal), or the keys
   * it attests. Every present attestation is verified, once however many proofs of the batch
   * carry it (one attestation may cover all the batch's keys); the issuance decider applies the rule.
   */
  async findings(proofs: VerifiedCredentialProof[], now: Date): Promise<KeyAttestationFinding[]> {
    const trust = this.config.authorization?.trusted_key_attesters ?? {};
    const verified = new Map<string, Promise<KeyAttestationFinding>>();
    const verify = async (jwt: string): Promise<KeyAttestationFinding> => {
      try {
        const attestation = await verifyKeyAttestation(jwt, {
          trustedAttesters: { keys: trust.keys as JWK[] | undefined, roots: trust.roots },
          now,
        });
        return { status: 'verified', attestedKeyThumbprints: attestation.attestedKeyThumbprints };
      } catch (err) {
        if (err instanceof Oid4vcError) return { status: 'invalid', refusal: err };
        throw err;
      }
    };
    return Promise.all(
      proofs.map((proof): Promise<KeyAttestationFinding> => {
        if (!proof.keyAttestation) return Promise.resolve({ status: 'missing' });
        if (!verified.has(proof.keyAttestation)) verified.set(proof.keyAttestation, verify(proof.keyAttestation));
        return verified.get(proof.keyAttestation)!;
      }),
    );
  }
}
