import type { NewEvent } from '@hallmark/contracts';
import { decideRedemption, foldGrant, type RedeemPreAuthorizedCode } from './pre-authorized-grant.decider';

const request = { method: 'POST', path: '/token' };
const redeem = (over: Partial<RedeemPreAuthorizedCode> = {}): RedeemPreAuthorizedCode => ({
  now: new Date('2026-11-28T10:00:00Z'),
  request,
  credentialConfigurationIds: ['pid'],
  txCodeExpected: false,
  txCodeProvided: false,
  txCodeMatches: false,
  maxTxCodeAttempts: 5,
  token: { token_type: 'DPoP', dpop_jkt: 'jkt', token_id_hash: 'h'.repeat(43), expires_at: '2026-11-28T10:10:00.000Z' },
  ...over,
});

/** given events, when redeeming, then these events and this error (or none). */
const given = (history: NewEvent[]) => ({
  when: (command: RedeemPreAuthorizedCode) => {
    const d = decideRedemption(command, foldGrant(history));
    return {
      then: (types: string[], error?: string, reason?: string) => {
        expect(d.events.map((e) => e.event_type)).toEqual(types);
        expect(d.rejection?.error).toBe(error);
        if (reason) expect(d.rejection?.reason).toBe(reason);
        return d;
      },
    };
  },
});

describe('pre-authorized code redemption', () => {
  it('issues a token once', () => {
    const first = given([]).when(redeem()).then(['token_issued']);
    expect(first.events[0].data).toMatchObject({ dpop_jkt: 'jkt', credential_configuration_ids: ['pid'], request });
    given(first.events).when(redeem()).then(['token_rejected'], 'invalid_grant', 'token_code_used');
  });

  it('wants the tx_code exactly when the offer asked for one', () => {
    given([])
      .when(redeem({ txCodeExpected: true }))
      .then(['token_rejected'], 'invalid_request', 'token_tx_code_missing');
    given([])
      .when(redeem({ txCodeProvided: true }))
      .then(['token_rejected'], 'invalid_request', 'token_tx_code_unexpected');
    given([])
      .when(redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: true }))
      .then(['token_issued']);
  });

  it('counts wrong tx_codes without burning the code, and locks it at the limit', () => {
    const wrong = redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: false });
    const history: NewEvent[] = [];
    for (let i = 1; i <= 4; i++) {
      const d = given(history).when(wrong).then(['token_rejected'], 'invalid_grant', 'token_tx_code_wrong');
      expect(d.events[0].data).toMatchObject({ failed_tx_code_attempts: i, locked: false });
      history.push(...d.events);
    }
    given(history)
      .when(redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: true }))
      .then(['token_issued']);
    const fifth = given(history).when(wrong).then(['token_rejected'], 'invalid_grant', 'token_tx_code_wrong_locked');
    expect(fifth.events[0].data).toMatchObject({ failed_tx_code_attempts: 5, locked: true });
    history.push(...fifth.events);
    given(history)
      .when(redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: true }))
      .then(['token_rejected'], 'invalid_grant', 'token_code_locked');
  });
});
