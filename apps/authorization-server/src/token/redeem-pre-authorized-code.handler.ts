import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'crypto';
import { newId, unattributedSessionId, type RequestContext, type TokenRejectedV1 } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import { Oid4vcError, openGrantCode } from '@hallmark/oid4vc';
import { currentRequestScope } from '@hallmark/telemetry';
import { ConfigError, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { ClientAuthentication, type ClientAttestationHeaders } from '../authorization/client-authentication';
import { AccessTokens } from './access-tokens';
import { decideRedemption, foldGrant } from './pre-authorized-grant.decider';

export const MAX_TX_CODE_ATTEMPTS = 5;
export const grantStream = (sessionId: string): string => `grant:${sessionId}`;

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Constant-time comparison of two strings of any length. */
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));

/** A rejection the decider already recorded on the grant's stream. */
export class RecordedRejection extends Error {
  constructor(readonly rejection: Oid4vcError) {
    super(rejection.message);
  }
}

export interface TokenRequest {
  preAuthorizedCode: string;
  txCode?: string;
  clientId?: string;
  /** The proof key's thumbprint when the request carried a valid DPoP proof. */
  dpopJkt: string | null;
  /** The wallet attestation headers, for attestation-based client authentication. */
  attestation: ClientAttestationHeaders;
  request: RequestContext;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'DPoP' | 'Bearer';
  expires_in: number;
}

/**
 * Redeems a pre-authorized code: opens the self-contained code (no read model needed, so this
 * works milliseconds after the offer was created), decides under the grant's stream lock, and
 * signs an RFC 9068 access token bound to the DPoP key.
 */
@Injectable()
export class RedeemPreAuthorizedCodeHandler {
  private readonly grantKey: Buffer;

  constructor(
    private readonly store: EventStore,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly accessTokens: AccessTokens,
    private readonly clients: ClientAuthentication,
  ) {
    if (!config.grantKey)
      throw new ConfigError('HALLMARK_GRANT_KEY is required by the authorization server (32 bytes, base64)');
    this.grantKey = config.grantKey;
  }

  async handle(command: TokenRequest): Promise<TokenResponse> {
    const now = new Date();
    const grant = await openGrantCode(this.grantKey, command.preAuthorizedCode, now);
    // Under HAIP, or when the session asks for it, the wallet authenticates with its attestation here.
    await this.clients.authenticate(command.attestation, command.clientId, grant.wa === true, now);
    const prepared = this.accessTokens.prepare(now);
    const tokenType = command.dpopJkt ? 'DPoP' : 'Bearer';
    const expected = grant.tx?.value;
    const decision = await this.store.decide(grantStream(grant.sid), (history) => {
      const d = decideRedemption(
        {
          now,
          request: command.request,
          credentialConfigurationIds: grant.cfg,
          txCodeExpected: expected !== undefined,
          txCodeProvided: command.txCode !== undefined && command.txCode !== '',
          txCodeMatches: expected !== undefined && command.txCode !== undefined && sameSecret(command.txCode, expected),
          maxTxCodeAttempts: MAX_TX_CODE_ATTEMPTS,
          token: {
            token_type: tokenType,
            dpop_jkt: command.dpopJkt,
            token_id_hash: prepared.tokenIdHash,
            expires_at: prepared.expiresAt.toISOString(),
          },
        },
        foldGrant(history),
      );
      return { sessionId: grant.sid, events: d.events, result: d };
    });
    if (decision.rejection) throw new RecordedRejection(decision.rejection);

    const minted = await this.accessTokens.sign(
      {
        sessionId: grant.sid,
        clientId: command.clientId,
        credentialConfigurationIds: grant.cfg,
        dpopJkt: command.dpopJkt,
        keyAttestationRequired: grant.ka === true,
        now,
      },
      prepared,
    );
    return { access_token: minted.token, token_type: minted.tokenType, expires_in: minted.expiresIn };
  }

  /**
   * Records a refusal decided before redemption (DPoP, malformed request, a code that is not
   * ours): on the session's timeline when the code opens, else in the unattributed log.
   */
  async recordRejection(
    grantType: string | undefined,
    code: string | undefined,
    rejection: Oid4vcError,
    request: RequestContext,
  ): Promise<void> {
    const sid = code
      ? await openGrantCode(this.grantKey, code, new Date()).then(
          (g) => g.sid,
          () => undefined,
        )
      : undefined;
    const data: TokenRejectedV1 = { grant_type: (grantType ?? '').slice(0, 200), ...rejection.toDiagnostic(), request };
    const event = { event_type: 'token_rejected', data: data as unknown as Record<string, unknown> };
    if (sid) await this.store.append(grantStream(sid), sid, 'any', [event]);
    else {
      const requestId = currentRequestScope()?.requestId ?? newId();
      await this.store.append(`request:${requestId}`, unattributedSessionId(requestId), 'any', [event]);
    }
  }
}
