import type { EventEnvelope, NewEvent } from '@hallmark/contracts';
import type { EventStore, StreamDecision } from '@hallmark/event-store';
import { Oid4vcError } from '@hallmark/oid4vc';
import { preAuthorizedGrantDecider, type RedeemPreAuthorizedCode } from './token/pre-authorized-grant.decider';
import { decideOnStream, rejectionOf } from './stream-decisions';

const request = { method: 'POST', path: '/token' };
const redeem: RedeemPreAuthorizedCode = {
  now: new Date('2026-11-28T10:00:00Z'),
  request,
  credentialConfigurationIds: ['pid'],
  txCodeExpected: true,
  txCodeProvided: false,
  txCodeMatches: false,
  maxTxCodeAttempts: 5,
  token: { token_type: 'DPoP', dpop_jkt: 'jkt', token_id_hash: 'h'.repeat(43), expires_at: '2026-11-28T10:10:00.000Z' },
};

/** EventStore.decide over a fixed history, writing down what it would append. */
function storeWith(history: Partial<EventEnvelope>[]) {
  const appended: { sessionId: string; events: NewEvent[] }[] = [];
  const store = {
    decide: async <T>(_stream: string, decide: (h: EventEnvelope[]) => StreamDecision<T>) => {
      const { sessionId, events, result } = decide(history as EventEnvelope[]);
      if (events.length > 0) appended.push({ sessionId, events });
      return result;
    },
  } as unknown as EventStore;
  return { store, appended };
}

describe('a decision on a stream', () => {
  it('appends the decided events on the session and answers with the error of the rejection event', async () => {
    const { store, appended } = storeWith([]);
    const { events } = await decideOnStream(store, 'grant:s', preAuthorizedGrantDecider, redeem, () => 's');
    expect(appended).toEqual([{ sessionId: 's', events }]);
    const rejection = rejectionOf(events);
    expect(rejection).toBeInstanceOf(Oid4vcError);
    expect(rejection?.toDiagnostic()).toEqual(new Oid4vcError('token_tx_code_missing').toDiagnostic());
  });

  it('appends nothing without a session, and a decision that refused nothing has no rejection', async () => {
    const { store, appended } = storeWith([]);
    const { events } = await decideOnStream(
      store,
      'grant:s',
      preAuthorizedGrantDecider,
      { ...redeem, txCodeExpected: false },
      () => undefined,
    );
    expect(appended).toEqual([]);
    expect(events.map((e) => e.event_type)).toEqual(['token_issued']);
    expect(rejectionOf(events)).toBeUndefined();
  });
});
