import { parseIssuerConfig } from '@hallmark/issuer-config';
import { deciderSpecification, type SessionStreamEvent } from '@hallmark/contracts';
import { checkCreateSession, sessionDecider, type CreateSession, type SessionDecision } from './session.decider';

const config = parseIssuerConfig({
  credential_configurations_supported: {
    pid: { format: 'dc+sd-jwt', vct: 'urn:pid', claims: [{ path: ['given_name'] }, { path: ['family_name'] }] },
  },
});
const sealed = { alg: 'A256GCM' as const, iv: 'aXY', ciphertext: 'Y3Q', tag: 'dGFn' };
const hash = 'x'.repeat(43);
const now = new Date('2026-11-28T10:00:00Z');
const at = now.toISOString();
const spec = deciderSpecification(sessionDecider);

const create = (over: Partial<CreateSession['request']> = {}): CreateSession => ({
  type: 'create_session',
  now,
  offerId: 'offer-1',
  credentialIssuer: 'https://issuer.example',
  request: { credential_configuration_ids: ['pid'], ...over },
  txCode: null,
  personalData: sealed,
  sealedSecrets: sealed,
  grantSecretHash: hash,
});

const sessionCreated: SessionStreamEvent = {
  event_type: 'session_created',
  data: {
    credential_configuration_ids: ['pid'],
    grant_type: 'pre-authorized_code',
    expires_at: '2026-11-28T10:15:00.000Z',
    require_wallet_attestation: false,
    require_key_attestation: false,
    claim_names: {},
    personal_data: sealed,
  },
  occurred_at: at,
};
const offerCreated: SessionStreamEvent = {
  event_type: 'offer_created',
  data: {
    offer_id: 'offer-1',
    credential_issuer: 'https://issuer.example',
    credential_configuration_ids: ['pid'],
    expires_at: '2026-11-28T10:15:00.000Z',
    grant: { type: 'pre-authorized_code', pre_authorized_code_hash: hash, tx_code: null },
    sealed_secrets: sealed,
  },
  occurred_at: at,
};
const created = [sessionCreated, offerCreated];
const erased: SessionStreamEvent = { event_type: 'session_erased', data: {} };
const refused = (reason: 'exists' | 'not_found', detail: string): SessionDecision => ({
  event_type: 'session_command_refused',
  data: { reason, detail },
});

describe('session decider', () => {
  it('creates the session and its offer with a pre-authorized grant by default', () => {
    spec.given([]).when(create()).then(created);
  });

  it('records claim names, never values', () => {
    spec
      .given([])
      .when(create({ claims: { pid: { given_name: 'Erika' } } }))
      .thenEvents(([session]) => {
        expect(session).toMatchObject({
          event_type: 'session_created',
          data: { claim_names: { pid: ['given_name'] } },
        });
        expect(JSON.stringify(session)).not.toContain('Erika');
      });
  });

  it('uses issuer_state for the authorization code grant', () => {
    spec
      .given([])
      .when(create({ grant_type: 'authorization_code' }))
      .thenEvents((events) =>
        expect(events).toMatchObject([
          { data: { grant_type: 'authorization_code' } },
          { data: { grant: { type: 'authorization_code', issuer_state_hash: hash } } },
        ]),
      );
  });

  it('refuses to create a session twice', () => {
    spec
      .given(created)
      .when(create())
      .then([refused('exists', 'the session already exists')]);
  });

  it('records each retrieval of a live offer', () => {
    const request = { method: 'GET', path: '/offers/{offer_id}' };
    spec
      .given(created)
      .when({ type: 'retrieve_offer', now, offerId: 'offer-1', request })
      .then([{ event_type: 'offer_retrieved', data: { offer_id: 'offer-1', request }, occurred_at: at }]);
  });

  it('records the refused retrieval of an expired offer, with the catalogue reason', () => {
    const request = { method: 'GET', path: '/x' };
    const expiry = new Date('2026-11-28T10:15:00Z');
    spec
      .given(created)
      .when({ type: 'retrieve_offer', now: expiry, offerId: 'offer-1', request })
      .thenEvents((events) =>
        expect(events).toEqual([
          {
            event_type: 'offer_retrieval_refused',
            data: expect.objectContaining({
              offer_id: 'offer-1',
              error: 'invalid_request',
              reason: 'offer_expired',
              spec_ref: 'OID4VCI 1.0 Section 4.1.3',
              request,
            }),
            occurred_at: expiry.toISOString(),
          },
        ]),
      );
  });

  it('refuses retrieval of an unknown or erased offer as offer_unknown, naming no offer', () => {
    const request = { method: 'GET', path: '/x' };
    const unknown = (events: SessionDecision[]) => {
      expect(events).toEqual([
        {
          event_type: 'offer_retrieval_refused',
          data: expect.objectContaining({ error: 'invalid_request', reason: 'offer_unknown', request }),
        },
      ]);
      expect(events[0].data).not.toHaveProperty('offer_id');
    };
    spec.given(created).when({ type: 'retrieve_offer', now, offerId: 'other', request }).thenEvents(unknown);
    spec
      .given([...created, erased])
      .when({ type: 'retrieve_offer', now, offerId: 'offer-1', request })
      .thenEvents(unknown);
    spec.given([]).when({ type: 'retrieve_offer', now, offerId: 'offer-1', request }).thenEvents(unknown);
  });

  it('erases once; erasing again changes nothing; an unknown session is refused', () => {
    spec.given(created).when({ type: 'erase_session' }).then([erased]);
    spec
      .given(created)
      .when({ type: 'erase_session', reason: 'user request' })
      .then([{ event_type: 'session_erased', data: { reason: 'user request' } }]);
    spec
      .given([...created, erased])
      .when({ type: 'erase_session' })
      .then([]);
    spec
      .given([])
      .when({ type: 'erase_session' })
      .then([refused('not_found', 'no such session')]);
  });

  it('creates a login session once', () => {
    const login = {
      type: 'create_login_session' as const,
      now,
      credentialConfigurationIds: ['pid'],
      claimNames: { pid: ['given_name'] },
      personalData: sealed,
      expiresAt: new Date('2026-11-28T10:15:00Z'),
    };
    spec
      .given([])
      .when(login)
      .thenEvents((events) =>
        expect(events).toMatchObject([
          {
            event_type: 'session_created',
            data: { grant_type: 'authorization_code', claim_names: { pid: ['given_name'] } },
          },
        ]),
      );
    spec
      .given(created)
      .when(login)
      .then([refused('exists', 'the session already exists')]);
  });
});

describe('create-session rules', () => {
  it('accepts a valid request', () => {
    expect(
      checkCreateSession({ credential_configuration_ids: ['pid'], tx_code: { length: 4, value: '1234' } }, config),
    ).toEqual([]);
  });

  it('names every bad field', () => {
    const problems = checkCreateSession(
      {
        credential_configuration_ids: ['pid', 'nope'],
        tx_code: { input_mode: 'numeric', length: 6, value: '12ab' },
        claims: { pid: { shoe_size: 44 }, other: {} },
      },
      config,
    );
    expect(problems.map((p) => p.field)).toEqual([
      'credential_configuration_ids.1',
      'tx_code.value',
      'tx_code.value',
      'claims.pid.shoe_size',
      'claims.other',
    ]);
  });

  it('refuses a tx_code with the authorization code grant', () => {
    expect(
      checkCreateSession(
        { credential_configuration_ids: ['pid'], grant_type: 'authorization_code', tx_code: {} },
        config,
      ),
    ).toEqual([{ field: 'tx_code', message: expect.stringContaining('pre-authorized_code') }]);
  });
});
