import type { Decider, GrantStreamEvent, RequestContext, TokenIssuedV1, TokenRejectedV1 } from '@hallmark/contracts';
import { Oid4vcError, type Oid4vcReason } from '@hallmark/oid4vc';

export const PRE_AUTHORIZED_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** The events of a pre-authorized code's stream (`streams.grant`). */
export type GrantEvent = GrantStreamEvent;

/** A pre-authorized code as the authorization server knows it, folded from its own events. */
export interface GrantState {
  redeemed: boolean;
  failedTxCodeAttempts: number;
  locked: boolean;
}

export interface RedeemPreAuthorizedCode {
  now: Date;
  request: RequestContext;
  credentialConfigurationIds: string[];
  /** Whether the offer asked for a transaction code. */
  txCodeExpected: boolean;
  /** Whether the request carried one. */
  txCodeProvided: boolean;
  /** Whether it matched (compared in constant time by the caller). */
  txCodeMatches: boolean;
  maxTxCodeAttempts: number;
  token: Pick<TokenIssuedV1, 'token_type' | 'dpop_jkt' | 'token_id_hash' | 'expires_at'>;
}

function evolve(state: GrantState, event: GrantEvent): GrantState {
  switch (event.event_type) {
    case 'token_issued':
      return { ...state, redeemed: true };
    case 'token_rejected':
      return {
        ...state,
        failedTxCodeAttempts: event.data.failed_tx_code_attempts ?? state.failedTxCodeAttempts,
        locked: state.locked || event.data.locked === true,
      };
    default:
      return state;
  }
}

/**
 * Single use, transaction code and attempt limit (OID4VCI 1.0 Section 6.1, RFC 6749 Section 5.2).
 * A wrong tx_code does not burn the code until the attempt limit locks it. A refusal is a
 * `token_rejected` event; the handler answers with the error it records.
 */
function decide(command: RedeemPreAuthorizedCode, state: GrantState): GrantEvent[] {
  const reject = (reason: Oid4vcReason, extra: Partial<TokenRejectedV1> = {}, detail?: string): GrantEvent[] => [
    {
      event_type: 'token_rejected',
      data: {
        grant_type: PRE_AUTHORIZED_GRANT_TYPE,
        ...new Oid4vcError(reason, detail).toDiagnostic(),
        ...extra,
        request: command.request,
      },
      occurred_at: command.now.toISOString(),
    },
  ];
  if (state.locked) return reject('token_code_locked');
  if (state.redeemed) return reject('token_code_used');
  if (command.txCodeExpected && !command.txCodeProvided) return reject('token_tx_code_missing');
  if (!command.txCodeExpected && command.txCodeProvided) return reject('token_tx_code_unexpected');
  if (command.txCodeExpected && !command.txCodeMatches) {
    const attempts = state.failedTxCodeAttempts + 1;
    const locked = attempts >= command.maxTxCodeAttempts;
    return reject(
      locked ? 'token_tx_code_wrong_locked' : 'token_tx_code_wrong',
      { failed_tx_code_attempts: attempts, locked },
      locked ? undefined : `${command.maxTxCodeAttempts - attempts} attempts left`,
    );
  }
  return [
    {
      event_type: 'token_issued',
      data: {
        grant_type: PRE_AUTHORIZED_GRANT_TYPE,
        credential_configuration_ids: command.credentialConfigurationIds,
        ...command.token,
        request: command.request,
      },
      occurred_at: command.now.toISOString(),
    },
  ];
}

export const preAuthorizedGrantDecider: Decider<RedeemPreAuthorizedCode, GrantEvent, GrantState> = {
  decide,
  evolve,
  initialState: () => ({ redeemed: false, failedTxCodeAttempts: 0, locked: false }),
};
