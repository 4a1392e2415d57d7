import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { ISSUER_CONFIG } from '@hallmark/platform';
import { SealedHandles } from '../authorization/sealed-handles';
import { sha256Base64url } from './access-tokens';

const DEFAULT_TTL_SECONDS = 86400;

/**
 * Refresh tokens (RFC 6749 Section 6): sealed handles naming the authorization and the
 * generation, so each use rotates them (only the latest generation works, decided on the
 * authorization's stream). Events hold the SHA-256 of the token's id.
 */
@Injectable()
export class RefreshTokens {
  constructor(
    private readonly handles: SealedHandles,
    @Inject(ISSUER_CONFIG) private readonly issuer: IssuerConfig,
  ) {}

  get enabled(): boolean {
    return this.issuer.authorization?.refresh_tokens !== false;
  }

  async mint(authorizationId: string, generation: number, now: Date): Promise<{ token: string; idHash: string }> {
    const ttl = this.issuer.authorization?.refresh_token_ttl ?? DEFAULT_TTL_SECONDS;
    const id = randomBytes(16).toString('base64url');
    const token = await this.handles.seal('refresh', {
      aid: authorizationId,
      gen: generation,
      id,
      exp: Math.floor(now.getTime() / 1000) + ttl,
    });
    return { token, idHash: sha256Base64url(id) };
  }
}
