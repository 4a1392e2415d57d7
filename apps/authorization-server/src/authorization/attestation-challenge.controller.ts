import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AttestationChallenges } from '../dpop/dpop-nonces';

/**
 * The challenge endpoint of attestation-based client authentication
 * (draft-ietf-oauth-attestation-based-client-auth-07 Section 8): a wallet puts the challenge in
 * the `challenge` claim of its attestation PoP. Stateless, so any replica accepts what any issued.
 */
@Controller('challenge')
export class AttestationChallengeController {
  constructor(private readonly challenges: AttestationChallenges) {}

  @Post()
  @HttpCode(200)
  challenge(@Res({ passthrough: true }) reply: FastifyReply): { attestation_challenge: string } {
    reply.header('cache-control', 'no-store');
    return { attestation_challenge: this.challenges.current(new Date()) };
  }
}
