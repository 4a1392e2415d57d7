import type { NewEvent, RequestContext, TokenIssuedV1, TokenRejectedV1 } from '@hallmark/contracts';
import { Oid4vcError, type Oid4vcReason } from '@hallmark/oid4vc';

export const PRE_AUTHORIZED_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** A pre-authorized code as the authorization server knows it, folded from its own events. */
export interface GrantState {
  redeemed: boolean;
  failedTxCodeAttempts: number;
  locked: boolean;
}

export const initialGrantState: GrantState = { redeemed: false, failedTxCodeAttempts: 0, locked: false };

type GrantEvent = Pick<NewEvent, 'event_type' | 'data'>;

export function evolve(state: GrantState, event: GrantEvent): GrantState {
  if (event.event_type === 'token_issued') return { ...state, redeemed: true };
  if (event.event_type === 'token_rejected') {
    const d = event.data as unknown as TokenRejectedV1;
    return {
      ...state,
      failedTxCodeAttempts: d.failed_tx_code_attempts ?? state.failedTxCodeAttempts,
      locked: state.locked || d.locked === true,
    };
  }
  return state;
}

export const foldGrant = (events: GrantEvent[]): GrantState => events.reduce(evolve, initialGrantState);

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

/** The events a redemption appends, and the error to answer when it is refused. */
export interface Decision {
  events: NewEvent[];
  rejection?: Oid4vcError;
}

/**
 * Single use, transaction code and attempt limit (OID4VCI 1.0 Section 6.1, RFC 6749 Section 5.2).
 * A wrong tx_code does not burn the code until the attempt limit locks it.
 */
export function decideRedemption(command: RedeemPreAuthorizedCode, state: GrantState): Decision {
  const reject = (reason: Oid4vcReason, extra: Partial<TokenRejectedV1> = {}, detail?: string): Decision => {
    const rejection = new Oid4vcError(reason, detail);
    const data: TokenRejectedV1 = {
      grant_type: PRE_AUTHORIZED_GRANT_TYPE,
      ...rejection.toDiagnostic(),
      ...extra,
      request: command.request,
    };
    return {
      events: [
        {
          event_type: 'token_rejected',
          data: data as unknown as Record<string, unknown>,
          occurred_at: command.now.toISOString(),
        },
      ],
      rejection,
    };
  };
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
  const issued: TokenIssuedV1 = {
    grant_type: PRE_AUTHORIZED_GRANT_TYPE,
    credential_configuration_ids: command.credentialConfigurationIds,
    ...command.token,
    request: command.request,
  };
  return {
    events: [
      {
        event_type: 'token_issued',
        data: issued as unknown as Record<string, unknown>,
        occurred_at: command.now.toISOString(),
      },
    ],
  };
}
