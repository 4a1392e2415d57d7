import { Injectable } from '@nestjs/common';
import type { RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { OAuthError } from '@hallmark/platform';
import { SessionKeys } from '../data-keys/session-keys';
import { open, secretHash } from '../data-keys/sealing';
import { decide, foldSession, SessionRejected } from '../sessions/session.decider';
import { sessionStream } from '../sessions/create-session.handler';
import { buildCredentialOffer, type OfferSecrets } from './credential-offer';

/** GET /offers/{ref}: the wallet fetches the offer by reference; every fetch appends offer_retrieved. */
@Injectable()
export class RetrieveOfferHandler {
  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
  ) {}

  async handle(offerRef: string, request: RequestContext): Promise<Record<string, unknown>> {
    const notFound = (why: string) => new OAuthError(404, 'invalid_request', why);
    const [row] = await this.store.dataSource.query('SELECT session_id, offer_id FROM offers WHERE offer_ref_hash = $1', [secretHash(offerRef)]);
    if (!row) throw notFound('unknown credential offer');
    const sessionId: string = row.session_id;
    const state = foldSession(await this.store.readStream(sessionStream(sessionId)));
    let events;
    try {
      events = decide({ type: 'retrieve_offer', now: new Date(), offerId: row.offer_id, request }, state);
    } catch (err) {
      if (err instanceof SessionRejected) throw notFound(err.reason === 'expired' ? 'the credential offer has expired' : 'unknown credential offer');
      throw err;
    }
    const key = await this.keys.find(sessionId);
    if (!key || !state.sealedSecrets || !state.grant) throw notFound('unknown credential offer');
    const secrets = open<OfferSecrets>(key, state.sealedSecrets, sessionId);
    // Retrievals commute, so no expected version: concurrent fetches both count.
    await this.store.append(sessionStream(sessionId), sessionId, 'any', events);
    return buildCredentialOffer(
      { credential_issuer: state.credentialIssuer!, credential_configuration_ids: state.credentialConfigurationIds!, grant: state.grant },
      secrets,
    );
  }
}
