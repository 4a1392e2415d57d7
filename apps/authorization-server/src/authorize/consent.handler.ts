import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@hallmark/contracts';
import { Oid4vcError } from '@hallmark/oid4vc';
import { AuthorizationOutcomes } from './authorization-outcomes';
import { Interactions } from './interactions';

/** POST /authorize/consent: the user's answer on the consent page (`user_consent: prompt`); a refusal is access_denied. */
@Injectable()
export class ConsentHandler {
  constructor(
    private readonly interactions: Interactions,
    private readonly outcomes: AuthorizationOutcomes,
  ) {}

  async consent(
    interaction: string | undefined,
    decision: string | undefined,
    request: RequestContext,
  ): Promise<{ location: string }> {
    const now = new Date();
    const authorization = await this.interactions.open(interaction, now);
    if (decision !== 'allow')
      throw await this.outcomes.deny(authorization, new Oid4vcError('authorization_access_denied'), request, now);
    return this.outcomes.issueCode(authorization, { user: 'offer' }, request, now);
  }
}
