import { Inject, Injectable } from '@nestjs/common';
import { Oid4vcError, verifyDpopProof } from '@hallmark/oid4vc';
import { DpopReplayLedger, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { AttestationChallenges, DpopNonces } from './dpop-nonces';

/**
 * The authorization server's DPoP checks (RFC 9449) for its POST endpoints: the proof for this
 * URL with a current server nonce, recorded once in the replay ledger shared by replicas. Also
 * what a refused wallet needs to retry: a fresh nonce or attestation challenge.
 */
@Injectable()
export class DpopProofs {
  constructor(
    private readonly nonces: DpopNonces,
    private readonly challenges: AttestationChallenges,
    private readonly replay: DpopReplayLedger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** The thumbprint of the proof's key, once the proof for `POST <path>` checks out. */
  async verify(proof: string | undefined, path: string, now: Date): Promise<string> {
    const verified = await verifyDpopProof({
      proof,
      htm: 'POST',
      htu: `${this.config.publicUrl}${path}`,
      now,
      expectedNonce: this.nonces.accepted(now),
    });
    if (!(await this.replay.firstUse(verified.jkt, verified.jti, now))) throw new Oid4vcError('dpop_jti_replayed');
    return verified.jkt;
  }

  /** The key a token request's tokens are bound to: a DPoP proof is required unless bearer tokens are allowed. */
  async tokenRequestKey(proof: string | undefined, now: Date): Promise<string | null> {
    return proof !== undefined || !this.config.allowBearerTokens ? this.verify(proof, '/token', now) : null;
  }

  /** Headers of a refusal the wallet can retry after (RFC 9449 Section 8; attestation challenges). */
  retryHeaders(error: string, now = new Date()): Record<string, string> {
    if (error === 'use_dpop_nonce') return { 'dpop-nonce': this.nonces.current(now) };
    if (error === 'use_attestation_challenge')
      return { 'oauth-client-attestation-challenge': this.challenges.current(now) };
    return {};
  }

  /** The nonce a successful answer hands out for the next request. */
  currentNonce(now: Date): string {
    return this.nonces.current(now);
  }
}
