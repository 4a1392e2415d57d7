import { createHmac } from 'crypto';

const WINDOW_SECONDS = 60;
const WINDOWS_ACCEPTED = 5;

/**
 * Server-provided nonces that every replica issues and accepts without shared state: an HMAC of
 * the current minute under a key derived from the grant key, valid for about five minutes. The
 * DPoP nonces (RFC 9449 Section 8) and the wallet attestation challenges are two of them, each
 * with its own derived key (`GrantKeys`).
 */
export class ServerNonces {
  constructor(private readonly key: Uint8Array) {}

  private forWindow(window: number): string {
    return createHmac('sha256', this.key).update(String(window)).digest('base64url').slice(0, 32);
  }

  current(now: Date): string {
    return this.forWindow(Math.floor(now.getTime() / 1000 / WINDOW_SECONDS));
  }

  /** The nonces a proof may carry now: this minute's and the previous ones. */
  accepted(now: Date): string[] {
    const window = Math.floor(now.getTime() / 1000 / WINDOW_SECONDS);
    return Array.from({ length: WINDOWS_ACCEPTED }, (_, i) => this.forWindow(window - i));
  }
}

/** DPoP nonces (RFC 9449 Section 8). */
export class DpopNonces extends ServerNonces {}

/** Challenges for wallet attestation PoPs (draft-ietf-oauth-attestation-based-client-auth-07 Section 8). */
export class AttestationChallenges extends ServerNonces {}
