import { parseIssuerConfig } from '@hallmark/issuer-config';
import {
  checkCreateSession,
  decide,
  foldSession,
  SessionRejected,
  type CreateSession,
  type SessionCommand,
} from './session.decider';
import type { SessionStreamEvent } from '@hallmark/contracts';

const config = parseIssuerConfig({
  credential_configurations_supported: {
    pid: { format: 'dc+sd-jwt', vct: 'urn:pid', claims: [{ path: ['given_name'] }, { path: ['family_name'] }] },
  },
});
const sealed = { alg: 'A256GCM' as const, iv: 'aXY', ciphertext: 'Y3Q', tag: 'dGFn' };
const hash = 'x'.repeat(43);
const now = new Date('2026-11-28T10:00:00Z');

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

/** given events, when command, then events (or a rejection). */
const given = (events: SessionStreamEvent[]) => ({
  when: (command: SessionCommand) => {
    const run = () => decide(command, foldSession(events));
    return {
      then: (expected: object[]) => expect(run()).toMatchObject(expected),
      rejects: (reason: string) => expect(run).toThrow(expect.objectContaining({ reason })),
    };
  },
});

describe('session decider', () => {
  const created = decide(create(), foldSession([]));

  it('creates the session and its offer with a pre-authorized grant by default', () => {
    given([])
      .when(create())
      .then([
        {
          event_type: 'session_created',
          data: { grant_type: 'pre-authorized_code', expires_at: '2026-11-28T10:15:00.000Z', personal_data: sealed },
        },
        {
          event_type: 'offer_created',
          data: {
            offer_id: 'offer-1',
            grant: { type: 'pre-authorized_code', pre_authorized_code_hash: hash, tx_code: null },
          },
        },
      ]);
  });

  it('records claim names, never values', () => {
    const [session] = decide(create({ claims: { pid: { given_name: 'Erika' } } }), foldSession([]));
    if (session.event_type !== 'session_created') throw new Error('expected session_created');
    expect(session.data.claim_names).toEqual({ pid: ['given_name'] });
    expect(JSON.stringify(session)).not.toContain('Erika');
  });

  it('uses issuer_state for the authorization code grant', () => {
    given([])
      .when(create({ grant_type: 'authorization_code' }))
      .then([{}, { data: { grant: { type: 'authorization_code', issuer_state_hash: hash } } }]);
  });

  it('refuses to create a session twice', () => {
    given(created).when(create()).rejects('exists');
  });

  it('records each retrieval of a live offer', () => {
    const request = { method: 'GET', path: '/offers/{offer_id}' };
    given(created)
      .when({ type: 'retrieve_offer', now, offerId: 'offer-1', request })
      .then([{ event_type: 'offer_retrieved', data: { offer_id: 'offer-1', request } }]);
  });

  it('records the refused retrieval of an expired offer, with the catalogue reason', () => {
    const request = { method: 'GET', path: '/x' };
    given(created)
      .when({ type: 'retrieve_offer', now: new Date('2026-11-28T10:15:00Z'), offerId: 'offer-1', request })
      .then([
        {
          event_type: 'offer_retrieval_refused',
          data: {
            offer_id: 'offer-1',
            error: 'invalid_request',
            reason: 'offer_expired',
            spec_ref: 'OID4VCI 1.0 Section 4.1.3',
            request,
          },
        },
      ]);
  });

  it('rejects retrieval of an unknown or erased offer', () => {
    const request = { method: 'GET', path: '/x' };
    given(created).when({ type: 'retrieve_offer', now, offerId: 'other', request }).rejects('not_found');
    given([...created, { event_type: 'session_erased', data: {} }])
      .when({ type: 'retrieve_offer', now, offerId: 'offer-1', request })
      .rejects('erased');
  });

  it('erases once; erasing again changes nothing', () => {
    given(created)
      .when({ type: 'erase_session' })
      .then([{ event_type: 'session_erased' }]);
    expect(
      decide({ type: 'erase_session' }, foldSession([...created, { event_type: 'session_erased', data: {} }])),
    ).toEqual([]);
    given([]).when({ type: 'erase_session' }).rejects('not_found');
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

  it('is a SessionRejected error type', () => {
    expect(new SessionRejected('invalid', 'x')).toBeInstanceOf(Error);
  });
});
