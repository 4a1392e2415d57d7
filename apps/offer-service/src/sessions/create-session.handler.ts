import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'crypto';
import { newId, streams, type TxCodeDescriptor } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { IssuerConfig } from '@hallmark/issuer-config';
import { ISSUER_CONFIG, PLATFORM_CONFIG, ProblemError, validateBody, type PlatformConfig } from '@hallmark/platform';
import { SessionKeys } from '../data-keys/session-keys';
import { seal, secretHash } from '../data-keys/sealing';
import { buildCredentialOffer, offerUris, type OfferSecrets } from '../offers/credential-offer';
import { createSessionRequestSchema, type CreateSessionRequest } from '@hallmark/contracts';
import { sealGrantCode, subjectIdHash } from '@hallmark/oid4vc';
import {
  checkCreateSession,
  initialSessionState,
  offerExpiry,
  refusalOf,
  sessionDecider,
  streamEventsOf,
} from './session.decider';

const randomToken = (): string => randomBytes(32).toString('base64url');
const TEXT_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const generateTxCode = (mode: 'numeric' | 'text', length: number): string =>
  Array.from({ length }, () =>
    mode === 'numeric' ? String(randomInt(10)) : TEXT_ALPHABET[randomInt(TEXT_ALPHABET.length)],
  ).join('');

/** POST /admin/sessions: validates, seals secrets and personal data, appends session_created + offer_created. */
@Injectable()
export class CreateSessionHandler {
  constructor(
    private readonly store: EventStore,
    private readonly keys: SessionKeys,
    @Inject(ISSUER_CONFIG) private readonly issuerConfig: IssuerConfig,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async handle(body: unknown): Promise<Record<string, unknown>> {
    const request = validateBody<CreateSessionRequest>(createSessionRequestSchema, body ?? {});
    const problems = checkCreateSession(request, this.issuerConfig);
    if (problems.length)
      throw new ProblemError(400, 'Invalid request body', 'the request contradicts the issuer configuration', problems);

    const sessionId = newId();
    const offerId = newId();
    const grantType = request.grant_type ?? 'pre-authorized_code';
    let txCode: TxCodeDescriptor | null = null;
    let txCodeValue: string | undefined;
    if (request.tx_code) {
      const mode = request.tx_code.input_mode ?? 'numeric';
      const length = request.tx_code.length ?? request.tx_code.value?.length ?? 6;
      txCodeValue = request.tx_code.value ?? generateTxCode(mode, length);
      txCode = {
        input_mode: mode,
        length,
        ...(request.tx_code.description ? { description: request.tx_code.description } : {}),
      };
    }
    const now = new Date();
    // Both grant secrets are self-contained (sealed for the authorization server), so the token and
    // authorization endpoints can use them without waiting for these events, on any replica.
    const grantSecret = await sealGrantCode(this.config.grantKeys.grantCodes, {
      sid: sessionId,
      exp: Math.floor(offerExpiry(now, request).getTime() / 1000),
      cfg: request.credential_configuration_ids,
      ...(request.require_wallet_attestation ? { wa: true } : {}),
      ...(request.require_key_attestation ? { ka: true } : {}),
      ...(grantType === 'pre-authorized_code'
        ? txCode
          ? { tx: { value: txCodeValue!, input_mode: txCode.input_mode, length: txCode.length } }
          : {}
        : { use: 'issuer_state' as const, ...(request.subject_id ? { sub: subjectIdHash(request.subject_id) } : {}) }),
    });
    const secrets: OfferSecrets = {
      offer_ref: randomToken(),
      ...(grantType === 'pre-authorized_code' ? { pre_authorized_code: grantSecret } : { issuer_state: grantSecret }),
      ...(txCodeValue ? { tx_code: txCodeValue } : {}),
    };
    const key = this.keys.newKey();
    const personal =
      request.claims || request.subject_id
        ? { subject_id: request.subject_id ?? null, claims: request.claims ?? {} }
        : null;
    const decided = sessionDecider.decide(
      {
        type: 'create_session',
        now,
        offerId,
        credentialIssuer: this.config.publicUrl,
        request,
        txCode,
        personalData: personal ? seal(key, personal, sessionId) : null,
        sealedSecrets: seal(key, secrets, sessionId),
        grantSecretHash: secretHash(grantSecret),
      },
      initialSessionState,
    );
    const refused = refusalOf(decided);
    if (refused) throw new ProblemError(409, 'Conflict', refused.data.detail);
    const events = streamEventsOf(decided);
    await this.store.transaction(async (tx) => {
      await tx.append(streams.session(sessionId), sessionId, 0, events);
      await this.keys.save(tx, sessionId, key);
      await tx.query('INSERT INTO offers (offer_ref_hash, offer_id, session_id) VALUES ($1, $2, $3)', [
        secretHash(secrets.offer_ref),
        offerId,
        sessionId,
      ]);
    });
    const offer = events.find((e) => e.event_type === 'offer_created')?.data;
    if (!offer) throw new Error('the session decider created no offer');
    return {
      session_id: sessionId,
      offer_id: offerId,
      status: 'offer_created',
      expires_at: offer.expires_at,
      credential_offer: buildCredentialOffer(offer, secrets),
      ...offerUris(this.config.publicUrl, secrets.offer_ref),
      ...(txCodeValue && request.tx_code?.value === undefined ? { tx_code: txCodeValue } : {}),
    };
  }
}
