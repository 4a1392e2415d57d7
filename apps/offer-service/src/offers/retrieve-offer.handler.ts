import { Injectable } from '@nestjs/common';
import { fold, streams, type NewEvent, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { OAuthError, RefusalRecorder } from '@hallmark/platform';
import { SessionKeys } from '../data-keys/session-keys';
import { open, secretHash } from '../data-keys/sealing';
import { offerUnknown, sessionDecider, streamEventsOf } from '../sessions/session.decider';
import { buildCredentialOffer, type OfferSecrets } from './credential-offer';

const notFound = (refusal: { error: string; error_description: string }) =>
  new OAuthError(404, refusal.error, refusal.error_description);

/**
 * GET /offers/{ref}: the wallet fetches the offer by reference; every fetch appends
 * offer_retrieved, a fetch after expiry offer_retrieval_refused on the session, a fetch of an
 * unknown or erased offer offer_retrieval_refused in the unattributed log.
 */
@Injectable()
export class RetrieveOfferHandler {
  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
    private readonly recorder: RefusalRecorder,
  ) {}

  async handle(offerRef: string, request: RequestContext): Promise<Record<string, unknown>> {
    const [row] = await this.store.dataSource.query(
      'SELECT session_id, offer_id FROM offers WHERE offer_ref_hash = $1',
      [secretHash(offerRef)],
    );
    if (!row) throw await this.unknown(offerUnknown(request));
    const sessionId: string = row.session_id;
    const state = fold(sessionDecider, await this.store.readStream(streams.session(sessionId)));
    const events = streamEventsOf(
      sessionDecider.decide({ type: 'retrieve_offer', now: new Date(), offerId: row.offer_id, request }, state),
    );
    const refused = events.find((e) => e.event_type === 'offer_retrieval_refused');
    if (refused?.data.reason === 'offer_unknown') throw await this.unknown(refused);
    if (refused) {
      await this.recorder.record([refused], () => ({ streamId: streams.session(sessionId), sessionId }));
      throw notFound(refused.data);
    }
    const key = await this.keys.find(sessionId);
    if (!key || !state.sealedSecrets || !state.grant) throw await this.unknown(offerUnknown(request));
    const secrets = open<OfferSecrets>(key, state.sealedSecrets, sessionId);
    // Retrievals commute, so no expected version: concurrent fetches both count.
    await this.store.append(streams.session(sessionId), sessionId, 'any', events);
    return buildCredentialOffer(
      {
        credential_issuer: state.credentialIssuer!,
        credential_configuration_ids: state.credentialConfigurationIds!,
        grant: state.grant,
      },
      secrets,
    );
  }

  /** No session to tie the fetch to (or one that was erased): the unattributed log. */
  private async unknown(refusal: NewEvent<'offer_retrieval_refused'>): Promise<OAuthError> {
    await this.recorder.record([refusal]);
    return notFound(refusal.data);
  }
}
