import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'crypto';
import {
  newId,
  streams,
  unattributedSessionId,
  type CredentialIssuedV1,
  type CredentialRequestMappedV1,
  type CredentialRequestRejectedV1,
  type CredentialsStreamEvent,
  type RequestContext,
} from '@hallmark/contracts';
import { currentRequestScope } from '@hallmark/telemetry';
import { EventStore } from '@hallmark/event-store';
import { claimNamesOf, subjectPath, type CredentialConfiguration, type IssuerConfig } from '@hallmark/issuer-config';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import {
  Oid4vcError,
  issueJwtVcJson,
  issueSdJwtVc,
  jwkThumbprint,
  verifyCredentialProof,
  type JWK,
} from '@hallmark/oid4vc';
import { ISSUER_CONFIG, ISSUER_KEYS, PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { CNonces, nonceHash } from '../nonce/c-nonces';
import type { AuthorizedRequest } from './access-token.verifier';
import { DEFAULT_BATCH_SIZE } from '../metadata/issuer-metadata';
import { parseCredentialRequest } from './credential-request';
import { KeyAttestations } from './key-attestations';
import { SessionClaimsClient } from './session-claims.client';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');
const DAY = 24 * 3600;

/** Which of the supplied claims become selective disclosures: all but those configured otherwise. */
const disclosable = (c: CredentialConfiguration, claims: Record<string, unknown>): string[] => {
  const fixed = new Set(
    (c.claims ?? []).filter((cl) => cl.selectively_disclosable === false).map((cl) => String(subjectPath(c, cl)[0])),
  );
  return Object.keys(claims).filter((name) => !fixed.has(name));
};

/**
 * The credential endpoint's work after the access token checked out: parse, verify every key
 * proof (nonces used once, across replicas), fetch the claims from their custodian, sign one
 * credential per key, record what was issued (hashes and thumbprints, never credentials).
 */
@Injectable()
export class IssueCredentialHandler {
  constructor(
    private readonly store: EventStore,
    private readonly nonces: CNonces,
    private readonly claims: SessionClaimsClient,
    private readonly keyAttestations: KeyAttestations,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    @Inject(ISSUER_KEYS) private readonly keys: IssuerKeys,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
  ) {}

  async handle(
    auth: AuthorizedRequest,
    body: unknown,
    request: RequestContext,
  ): Promise<{ credentials: Array<{ credential: string }> }> {
    const now = new Date();
    let configurationId: string | undefined;
    try {
      const parsed = parseCredentialRequest(body, this.config, auth.credentialConfigurationIds, {
        compat: this.platform.compatDraftRequests,
        ...(auth.credentialIdentifiers ? { identifiers: auth.credentialIdentifiers } : {}),
        attestationProofs: this.keyAttestations.trusted,
      });
      configurationId = parsed.configurationId;
      if (parsed.mappedFrom) {
        const note = new Oid4vcError(
          'credential_request_draft_mapped',
          `send credential_configuration_id ${parsed.configurationId}`,
        );
        const mapped: CredentialRequestMappedV1 = {
          credential_configuration_id: parsed.configurationId,
          from: parsed.mappedFrom,
          reason: note.reason,
          spec_ref: note.spec_ref,
          error_description: note.error_description,
          request,
        };
        await this.record(auth.sessionId, {
          event_type: 'credential_request_mapped',
          data: mapped,
        });
      }
      const proofs: Array<{ holderJwk: JWK; nonce: string }> = [];
      if (parsed.proofType === 'attestation') {
        const attested = await this.keyAttestations.verifyAttestationProof(parsed.proofJwts[0], now, (nonce) =>
          this.nonces.isUsable(nonce, now),
        );
        const batchSize = this.config.batch_size ?? DEFAULT_BATCH_SIZE;
        if (attested.holderJwks.length > batchSize)
          throw new Oid4vcError(
            'credential_batch_too_large',
            `${attested.holderJwks.length} attested keys, batch_size ${batchSize}`,
          );
        proofs.push(...attested.holderJwks.map((holderJwk) => ({ holderJwk, nonce: attested.nonce })));
      } else {
        const verified = [];
        for (const proofJwt of parsed.proofJwts) {
          verified.push(
            await verifyCredentialProof({
              proofJwt,
              issuerId: this.platform.publicUrl,
              now,
              expectedNonce: (nonce) => this.nonces.isUsable(nonce, now),
            }),
          );
        }
        proofs.push(...verified);
        if (this.keyAttestations.required(auth.keyAttestationRequired))
          await this.keyAttestations.check(
            verified,
            await Promise.all(verified.map((p) => jwkThumbprint(p.holderJwk))),
            now,
          );
      }
      const thumbprints = await Promise.all(proofs.map((p) => jwkThumbprint(p.holderJwk)));
      if (new Set(thumbprints).size !== thumbprints.length) throw new Oid4vcError('credential_proof_keys_repeated');
      // Only now, with every proof valid, are the nonces used up: a bad batch burns nothing.
      for (const nonce of new Set(proofs.map((p) => p.nonce))) {
        if (!(await this.nonces.use(nonce, now))) throw new Oid4vcError('credential_nonce_used');
      }
      const claims = (await this.claims.claimsFor(auth.sessionId))[parsed.configurationId];
      if (!claims || Object.keys(claims).length === 0)
        throw new Oid4vcError('credential_claims_missing', parsed.configurationId);

      // Each credential of a batch gets its own issuance time within the last hour, so the
      // credentials cannot be linked by identical timestamps.
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const validity = (parsed.configuration.validity_days ?? 365) * DAY;
      const times = proofs.map(() => nowSeconds - randomInt(3600));
      const credentials = await Promise.all(
        proofs.map((p, i) => this.sign(parsed.configuration, p.holderJwk, claims, times[i], times[i] + validity)),
      );
      const exp = Math.max(...times) + validity;
      const issued: CredentialIssuedV1 = {
        credential_configuration_id: parsed.configurationId,
        format: parsed.configuration.format,
        count: credentials.length,
        holder_key_thumbprints: thumbprints,
        credential_hashes: credentials.map(sha256),
        c_nonce_hashes: [...new Set(proofs.map((p) => nonceHash(p.nonce)))],
        claim_names: Object.keys(claims).filter(
          (n) => claimNamesOf(parsed.configuration).length === 0 || claimNamesOf(parsed.configuration).includes(n),
        ),
        expires_at: new Date(exp * 1000).toISOString(),
        request,
      };
      await this.record(auth.sessionId, {
        event_type: 'credential_issued',
        data: issued,
      });
      return { credentials: credentials.map((credential) => ({ credential })) };
    } catch (err) {
      if (err instanceof Oid4vcError) {
        const rejected: CredentialRequestRejectedV1 = {
          ...(configurationId ? { credential_configuration_id: configurationId } : {}),
          ...err.toDiagnostic(),
          request,
        };
        await this.record(auth.sessionId, {
          event_type: 'credential_request_rejected',
          data: rejected,
        });
      }
      throw err;
    }
  }

  private sign(
    c: CredentialConfiguration,
    holderJwk: JWK,
    claims: Record<string, unknown>,
    iat: number,
    exp: number,
  ): Promise<string> {
    const signing = {
      issuerKey: this.keys.credentialSigning.privateKey,
      issuerX5c: this.keys.credentialSigning.x5c,
      issuer: this.platform.publicUrl,
      holderJwk,
      iat,
      exp,
    };
    return c.format === 'dc+sd-jwt'
      ? issueSdJwtVc({ ...signing, vct: c.vct!, claims, disclosable: disclosable(c, claims) })
      : issueJwtVcJson({ ...signing, type: c.credential_definition!.type, claims });
  }

  /**
   * A refusal outside the issuance itself (the access token, the content type): on the session's
   * timeline when the token's signature verified (even expired, or with DPoP missing or wrong),
   * else in the unattributed log.
   */
  async recordRefusal(rejection: Oid4vcError, sessionId: string | undefined, request: RequestContext): Promise<void> {
    const event = {
      event_type: 'credential_request_rejected',
      data: { ...rejection.toDiagnostic(), request },
    } as const satisfies CredentialsStreamEvent;
    if (sessionId) return this.record(sessionId, event);
    const requestId = currentRequestScope()?.requestId ?? newId();
    await this.store.append(streams.unattributedRequest(requestId), unattributedSessionId(requestId), 'any', [event]);
  }

  private async record(sessionId: string, event: CredentialsStreamEvent): Promise<void> {
    await this.store.append(streams.credentials(sessionId), sessionId, 'any', [event]);
  }
}
