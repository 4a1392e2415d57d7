import { deciderSpecification, type TokenRejectedV1 } from '@hallmark/contracts';
import {
  PRE_AUTHORIZED_GRANT_TYPE,
  preAuthorizedGrantDecider,
  type GrantEvent,
  type RedeemPreAuthorizedCode,
} from './pre-authorized-grant.decider';

const request = { method: 'POST', path: '/token' };
const now = new Date('2026-11-28T10:00:00Z');
const token = {
  token_type: 'DPoP' as const,
  dpop_jkt: 'jkt',
  token_id_hash: 'h'.repeat(43),
  expires_at: '2026-11-28T10:10:00.000Z',
};
const redeem = (over: Partial<RedeemPreAuthorizedCode> = {}): RedeemPreAuthorizedCode => ({
  now,
  request,
  credentialConfigurationIds: ['pid'],
  txCodeExpected: false,
  txCodeProvided: false,
  txCodeMatches: false,
  maxTxCodeAttempts: 5,
  token,
  ...over,
});
const wrong = redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: false });
const right = redeem({ txCodeExpected: true, txCodeProvided: true, txCodeMatches: true });

const issued: GrantEvent = {
  event_type: 'token_issued',
  data: { grant_type: PRE_AUTHORIZED_GRANT_TYPE, credential_configuration_ids: ['pid'], ...token, request },
  occurred_at: now.toISOString(),
};
const rejected = (
  error: string,
  reason: string,
  error_description: string,
  extra: Partial<TokenRejectedV1> = {},
): GrantEvent => ({
  event_type: 'token_rejected',
  data: {
    grant_type: PRE_AUTHORIZED_GRANT_TYPE,
    error,
    reason,
    spec_ref: expect.any(String),
    error_description,
    ...extra,
    request,
  },
  occurred_at: now.toISOString(),
});

const spec = deciderSpecification(preAuthorizedGrantDecider);
/** The decided events, matched with jest (spec_ref and descriptions come from the catalogue). */
const thenMatches = (expected: GrantEvent[]) => (events: GrantEvent[]) => expect(events).toEqual(expected);

describe('pre-authorized code redemption', () => {
  it('issues a token once', () => {
    spec.given([]).when(redeem()).then([issued]);
    spec
      .given([issued])
      .when(redeem())
      .thenEvents(
        thenMatches([rejected('invalid_grant', 'token_code_used', expect.stringContaining('already been used'))]),
      );
  });

  it('wants the tx_code exactly when the offer asked for one', () => {
    spec
      .given([])
      .when(redeem({ txCodeExpected: true }))
      .thenEvents(([event]) =>
        expect(event.data).toMatchObject({ error: 'invalid_request', reason: 'token_tx_code_missing' }),
      );
    spec
      .given([])
      .when(redeem({ txCodeProvided: true }))
      .thenEvents(([event]) =>
        expect(event.data).toMatchObject({ error: 'invalid_request', reason: 'token_tx_code_unexpected' }),
      );
    spec.given([]).when(right).then([issued]);
  });

  it('counts wrong tx_codes without burning the code, and locks it at the limit', () => {
    const history: GrantEvent[] = [];
    for (let i = 1; i <= 4; i++) {
      spec
        .given(history)
        .when(wrong)
        .thenEvents((events, state) => {
          expect(state).toMatchObject({ failedTxCodeAttempts: i - 1, locked: false });
          expect(events).toEqual([
            rejected('invalid_grant', 'token_tx_code_wrong', expect.stringContaining(`${5 - i} attempts left`), {
              failed_tx_code_attempts: i,
              locked: false,
            }),
          ]);
          history.push(...events);
        });
    }
    spec.given(history).when(right).then([issued]);
    spec
      .given(history)
      .when(wrong)
      .thenEvents((events) => {
        expect(events).toEqual([
          rejected('invalid_grant', 'token_tx_code_wrong_locked', expect.any(String), {
            failed_tx_code_attempts: 5,
            locked: true,
          }),
        ]);
        history.push(...events);
      });
    spec
      .given(history)
      .when(right)
      .thenEvents(([event, ...rest]) => {
        expect(rest).toEqual([]);
        expect(event.data).toMatchObject({ error: 'invalid_grant', reason: 'token_code_locked' });
      });
  });
});
