import { Inject, Injectable } from '@nestjs/common';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { Oid4vcError, verifyClientAttestation, type JWK, type VerifiedClientAttestation } from '@hallmark/oid4vc';
import { DpopReplayLedger, ISSUER_CONFIG, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { AttestationChallenges } from '../dpop/dpop-nonces';

export interface ClientAttestationHeaders {
  attestation: string | undefined;
  pop: string | undefined;
}

/**
 * Client authentication for public wallet clients: none, or a wallet attestation
 * (attest_jwt_client_auth) checked against the configured wallet providers. It is required under
 * HAIP, under the `attested` client policy, or when the session asks for it.
 */
@Injectable()
export class ClientAuthentication {
  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
    private readonly replay: DpopReplayLedger,
    private readonly challenges: AttestationChallenges,
  ) {}

  /** Whether every authorization needs a wallet attestation, whatever the session says. */
  get attestationAlwaysRequired(): boolean {
    return this.config.profile === 'haip' || this.issuer.authorization?.client_policy === 'attested';
  }

  get attestationSupported(): boolean {
    const trust = this.issuer.authorization?.trusted_wallet_providers;
    return Boolean(trust && ((trust.keys?.length ?? 0) > 0 || (trust.roots?.length ?? 0) > 0));
  }

  async authenticate(
    headers: ClientAttestationHeaders,
    clientId: string | undefined,
    required: boolean,
    now: Date,
  ): Promise<VerifiedClientAttestation | null> {
    if (!headers.attestation && !headers.pop && !required && !this.attestationAlwaysRequired) return null;
    const trust = this.issuer.authorization?.trusted_wallet_providers ?? {};
    const verified = await verifyClientAttestation({
      attestation: headers.attestation,
      pop: headers.pop,
      clientId,
      audience: this.config.publicUrl,
      trustedWalletProviders: { keys: trust.keys as JWK[] | undefined, roots: trust.roots },
      now,
      ...(this.issuer.authorization?.attestation_challenge_required
        ? { expectedChallenges: this.challenges.accepted(now) }
        : {}),
    });
    if (!(await this.replay.firstUse(`attestation:${verified.instanceJkt}`, verified.popJti, now)))
      throw new Oid4vcError('client_attestation_pop_stale', 'the PoP jti was used before');
    return verified;
  }
}
