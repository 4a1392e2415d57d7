import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'crypto';
import { streams, type CredentialRequestRejectedV1, type RequestContext } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import {
  batchSizeOf,
  claimNamesOf,
  subjectPath,
  type CredentialConfiguration,
  type IssuerConfig,
} from '@hallmark/issuer-config';
import type { IssuerKeys } from '@hallmark/issuer-keys';
import {
  Oid4vcError,
  decryptCredentialRequest,
  encryptCredentialResponse,
  isObject,
  issueJwtVcJson,
  issueSdJwtVc,
  jwkThumbprint,
  responseEncryptionOf,
  verifyCredentialProof,
  type JWK,
} from '@hallmark/oid4vc';
import { ISSUER_CONFIG, ISSUER_KEYS, PLATFORM_CONFIG, RefusalRecorder, type PlatformConfig } from '@hallmark/platform';
import { CNonces, nonceHash } from '../nonce/c-nonces';
import { AccessTokenVerifier, RefusedAccess, type AuthorizedRequest } from './access-token.verifier';
import { parseCredentialRequest } from './credential-request';
import { KeyAttestations } from './key-attestations';
import { issuanceDecider, rejectionOf, type CheckProofs, type IssuanceCommand } from './issuance.decider';
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

/** What the endpoint answers: JSON, or the JSON as a JWE when the wallet asked for an encrypted response. */
export type CredentialEndpointResponse =
  | { contentType: 'application/json'; body: { credentials: Array<{ credential: string }> } }
  | { contentType: 'application/jwt'; body: string };

/** A credential request as it reached the endpoint. */
export interface CredentialEndpointRequest {
  authorization: string | undefined;
  dpop: string | undefined;
  contentType: string | undefined;
  /** Whether the URL's query carries an access token (refused: RFC 6750 Section 2.3, RFC 9449 Section 7.1). */
  queryHasToken: boolean;
  body: unknown;
  request: RequestContext;
  now: Date;
}

/**
 * The credential endpoint's work: check the access token and its DPoP proof, decrypt an encrypted
 * request and check the response encryption it asks for (OID4VCI 1.0 Section 10), parse, verify every
 * key proof (nonces used once, across replicas), fetch the claims from their custodian, sign one
 * credential per key, record what was issued (hashes and thumbprints, never credentials). Every
 * refusal leaves it recorded (a CredentialRequestRefused): on the session's timeline when the
 * token's signature verified, else in the unattributed log.
 */
@Injectable()
export class IssueCredentialHandler {
  constructor(
    private readonly store: EventStore,
    private readonly recorder: RefusalRecorder,
    private readonly tokens: AccessTokenVerifier,
    private readonly nonces: CNonces,
    private readonly claims: SessionClaimsClient,
    private readonly keyAttestations: KeyAttestations,
    @Inject(ISSUER_CONFIG) private readonly config: IssuerConfig,
    @Inject(ISSUER_KEYS) private readonly keys: IssuerKeys,
    @Inject(PLATFORM_CONFIG) private readonly platform: PlatformConfig,
  ) {}

  async handle(input: CredentialEndpointRequest): Promise<CredentialEndpointResponse> {
    const { request, now } = input;
    const auth = await this.tokens
      .verify({
        authorization: input.authorization,
        dpop: input.dpop,
        htm: 'POST',
        htu: `${this.platform.publicUrl}/credential`,
        queryHasToken: input.queryHasToken,
        now,
      })
      .catch(async (err) => {
        if (!(err instanceof RefusedAccess)) throw err;
        throw await this.refused(err.rejection, err.sessionId, request);
      });
    // An encrypted request (OID4VCI 1.0 Section 10) is a compact JWE sent as application/jwt.
    const encrypted = /^application\/jwt\b/i.test(input.contentType ?? '');
    if (!encrypted && !/^application\/json\b/i.test(input.contentType ?? '')) {
      const refusal = new Oid4vcError('credential_request_not_json', undefined, {
        expected: 'application/json or application/jwt',
        provided: input.contentType ?? '(none)',
      });
      throw await this.refused(refusal, auth.sessionId, request);
    }
    return this.issue(auth, input.body, encrypted, request, now);
  }

  private async issue(
    auth: AuthorizedRequest,
    body: unknown,
    encrypted: boolean,
    request: RequestContext,
    now: Date,
  ): Promise<CredentialEndpointResponse> {
    let configurationId: string | undefined;
    const required = this.platform.credentialEncryptionRequired;
    try {
      if (required && !encrypted) throw new Oid4vcError('credential_request_encryption_required');
      const plain = encrypted
        ? await decryptCredentialRequest(typeof body === 'string' ? body : '', this.keys.credentialEncryption)
        : body;
      const parsed = parseCredentialRequest(plain, this.config, auth.credentialConfigurationIds, {
        compat: this.platform.compatDraftRequests,
        ...(auth.credentialIdentifiers ? { identifiers: auth.credentialIdentifiers } : {}),
        attestationProofs: this.keyAttestations.trusted,
      });
      configurationId = parsed.configurationId;
      // Checked before any proof or nonce: a response that could not be encrypted must not be issued.
      const responseEncryption = await responseEncryptionOf(
        isObject(plain) ? plain.credential_response_encryption : undefined,
        { requestEncrypted: encrypted, required },
      );
      const facts = { request, configurationId };
      if (parsed.mappedFrom)
        await this.decide(auth.sessionId, { type: 'map_draft_request', ...facts, from: parsed.mappedFrom });
      const proofs: Array<{ holderJwk: JWK; nonce: string }> = [];
      let keyAttestations: CheckProofs['keyAttestations'] = { required: false };
      if (parsed.proofType === 'attestation') {
        const attested = await this.keyAttestations.verifyAttestationProof(parsed.proofJwts[0], now, (nonce) =>
          this.nonces.isUsable(nonce, now),
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
          keyAttestations = { required: true, findings: await this.keyAttestations.findings(verified, now) };
      }
      const thumbprints = await Promise.all(proofs.map((p) => jwkThumbprint(p.holderJwk)));
      await this.decide(auth.sessionId, {
        type: 'check_proofs',
        ...facts,
        proofType: parsed.proofType,
        holderKeyThumbprints: thumbprints,
        batchSize: batchSizeOf(this.config, parsed.configurationId),
        keyAttestations,
      });
      // Only now, with every proof valid, are the nonces used up: a bad batch burns nothing.
      let allUsed = true;
      for (const nonce of new Set(proofs.map((p) => p.nonce))) {
        if (!(await this.nonces.use(nonce, now))) {
          allUsed = false;
          break;
        }
      }
      await this.decide(auth.sessionId, { type: 'confirm_nonces', ...facts, allUsed });
      const claims = (await this.claims.claimsFor(auth.sessionId))[parsed.configurationId];
      await this.decide(auth.sessionId, { type: 'confirm_claims', ...facts, claims });
      if (!claims) throw new Error('the issuance decider accepted a request without claims');

      // Each credential of a batch gets its own issuance time within the last hour, so the
      // credentials cannot be linked by identical timestamps.
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const validity = (parsed.configuration.validity_days ?? 365) * DAY;
      const times = proofs.map(() => nowSeconds - randomInt(3600));
      const credentials = await Promise.all(
        proofs.map((p, i) => this.sign(parsed.configuration, p.holderJwk, claims, times[i], times[i] + validity)),
      );
      const exp = Math.max(...times) + validity;
      const declared = claimNamesOf(parsed.configuration);
      await this.decide(auth.sessionId, {
        type: 'record_issuance',
        ...facts,
        format: parsed.configuration.format,
        holderKeyThumbprints: thumbprints,
        credentialHashes: credentials.map(sha256),
        cNonceHashes: [...new Set(proofs.map((p) => nonceHash(p.nonce)))],
        claimNames: Object.keys(claims).filter((n) => declared.length === 0 || declared.includes(n)),
        expiresAt: new Date(exp * 1000),
      });
      const response = { credentials: credentials.map((credential) => ({ credential })) };
      // Only a success is encrypted: refusals are thrown above and answered as plain JSON errors.
      return responseEncryption
        ? { contentType: 'application/jwt', body: await encryptCredentialResponse(response, responseEncryption) }
        : { contentType: 'application/json', body: response };
    } catch (err) {
      // A check outside the decider (parse, proof signatures, nonce look-up, key attestation proof).
      if (err instanceof Oid4vcError)
        await this.decide(auth.sessionId, {
          type: 'refuse',
          request,
          refusal: err,
          ...(configurationId ? { configurationId } : {}),
        });
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
   * A refusal outside the issuance itself (the access token, the content type), recorded: on the
   * session's credentials stream when the token's signature verified (even expired, or with DPoP
   * missing or wrong), else in the unattributed log.
   */
  private async refused(
    refusal: Oid4vcError,
    sessionId: string | undefined,
    request: RequestContext,
  ): Promise<CredentialRequestRefused> {
    const events = issuanceDecider.decide({ type: 'refuse', refusal, request }, issuanceDecider.initialState());
    const rejected = rejectionOf(events);
    if (!rejected) throw new Error('the issuance decider did not refuse a refusal');
    await this.recorder.record([rejected], () =>
      sessionId ? { streamId: streams.credentials(sessionId), sessionId } : undefined,
    );
    return new CredentialRequestRefused(rejected.data);
  }

  /**
   * Asks the issuance decider what a step's facts mean and records it on the session's credentials
   * stream (its rules need no history: appended at any version); a refusal answers the wire error.
   */
  private async decide(sessionId: string, command: IssuanceCommand): Promise<void> {
    const events = issuanceDecider.decide(command, issuanceDecider.initialState());
    if (events.length) await this.store.append(streams.credentials(sessionId), sessionId, 'any', events);
    const rejected = rejectionOf(events);
    if (rejected) throw new CredentialRequestRefused(rejected.data);
  }
}

/** A credential request the issuance decider refused (already recorded): the controller answers its error. */
export class CredentialRequestRefused extends Error {
  constructor(readonly refusal: CredentialRequestRejectedV1) {
    super(refusal.error_description);
    this.name = 'CredentialRequestRefused';
  }
}
