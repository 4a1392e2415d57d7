import { createHash } from 'crypto';
import { SignJWT } from 'jose';
import { dpopProof, redeemWithDpop, walletKey, type WalletKey } from '@hallmark/testing';
import { awaitTimelineEntry, type Answer, type HttpClient } from './http-client';

export const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';
export const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
const PID_CLAIMS = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] };

/** The demo configurations the batch runs request, one per credential format. */
export const FORMATS = {
  'dc+sd-jwt': { configurationId: PID, claims: PID_CLAIMS },
  jwt_vc_json: { configurationId: 'age_verification_jwt_vc', claims: { age_over_18: true } },
} as const;
export type BenchFormat = keyof typeof FORMATS;

export interface FlowOptions {
  batch: number;
  measureLag: boolean;
  /** The credential format asked for (default dc+sd-jwt, the PID). */
  format?: BenchFormat;
}

/** What the flow needs to know about the issuer under test. */
export interface FlowTarget {
  baseUrl: string;
  adminToken: string;
  /** Reads the audit projector's admin API (GET /admin/sessions/{id}/stream). */
  readToken: string;
}

export interface FlowResult {
  /** Per step: label and milliseconds. */
  steps: [string, number][];
  /** From the credential answer to credential_issued on the session's timeline (ms), when measured. */
  lag?: Promise<number>;
}

export class FlowError extends Error {
  constructor(
    readonly step: string,
    readonly answer: Pick<Answer, 'status' | 'body'>,
  ) {
    super(`${step}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}

/**
 * Wallet keys made ahead of time: key generation is the wallet's cost, not the issuer's, and the
 * load generator shares the machine with the issuer. A wallet key is used by one flow at a time
 * (DPoP replay protection is per jti, so reuse across flows is legitimate).
 */
export class KeyPool {
  private constructor(private readonly keys: WalletKey[]) {}
  private next = 0;

  static async create(size: number): Promise<KeyPool> {
    return new KeyPool(await Promise.all(Array.from({ length: size }, () => walletKey())));
  }

  take(n: number): WalletKey[] {
    return Array.from({ length: n }, () => this.keys[this.next++ % this.keys.length]);
  }
}

/** Times one request into `steps`; an answer `ok` refuses fails the flow. */
export const stepTimer =
  (steps: [string, number][]) =>
  async (label: string, ok: (a: Answer) => boolean, fn: () => Promise<Answer>): Promise<Answer> => {
    const t0 = performance.now();
    const answer = await fn();
    steps.push([label, performance.now() - t0]);
    if (!ok(answer)) throw new FlowError(label, answer);
    return answer;
  };

/** An OID4VCI key proof (jwt proof type) of `holder` for `audience`, over the issuer's c_nonce. */
export const keyProof = (holder: WalletKey, audience: string, cNonce: string): Promise<string> =>
  new SignJWT({ aud: audience, nonce: cNonce })
    .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: holder.publicJwk })
    .setIssuedAt()
    .sign(holder.privateKey);

/** The credential answer holds `batch` credentials. */
export const issued = (batch: number) => (a: Answer) =>
  a.status === 200 && Array.isArray(a.body?.credentials) && a.body.credentials.length === batch;

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * One complete pre-authorized flow as a wallet runs it: the issuer's back office creates the
 * session (admin API), the wallet fetches the offer by reference, redeems the code with DPoP
 * (learning the server's DPoP nonce on the first try), asks for a c_nonce and requests `batch`
 * SD-JWT VCs, one key proof each.
 */
export async function runFlow(
  t: FlowTarget,
  client: HttpClient,
  keys: KeyPool,
  options: FlowOptions,
): Promise<FlowResult> {
  const { configurationId, claims } = FORMATS[options.format ?? 'dc+sd-jwt'];
  const steps: [string, number][] = [];
  const timed = stepTimer(steps);

  const created = await timed(
    'POST /admin/sessions',
    (a) => a.status === 201,
    () =>
      client.call('POST', `${t.baseUrl}/admin/sessions`, {
        token: t.adminToken,
        body: { credential_configuration_ids: [configurationId], claims: { [configurationId]: claims } },
      }),
  );
  const sessionId = created.body.session_id as string;
  const offer = await timed(
    'GET /offers/{ref}',
    (a) => a.status === 200,
    () => client.call('GET', created.body.credential_offer_uri),
  );
  const code = offer.body.grants[PRE_AUTH]['pre-authorized_code'] as string;

  const [dpop, ...holders] = keys.take(1 + options.batch);
  // redeemWithDpop makes two calls: the DPoP nonce challenge, then the redemption.
  const tokenCall: typeof client.call = async (method, url, o) => {
    const t0 = performance.now();
    const a = await client.call(method, url, o);
    const challenge = a.body?.error === 'use_dpop_nonce';
    steps.push([challenge ? 'POST /token (DPoP nonce challenge)' : 'POST /token', performance.now() - t0]);
    return a;
  };
  const token = await redeemWithDpop(t.baseUrl, code, dpop, tokenCall);
  if (token.status !== 200) throw new FlowError('POST /token', token);
  const accessToken = token.body.access_token as string;

  const nonce = await timed(
    'POST /nonce',
    (a) => a.status === 200,
    () => client.call('POST', `${t.baseUrl}/nonce`),
  );
  const proofs = await Promise.all(holders.map((h) => keyProof(h, t.baseUrl, nonce.body.c_nonce)));
  const watch = options.measureLag
    ? awaitTimelineEntry(t.baseUrl, sessionId, t.readToken, 'credential_issued')
    : undefined;
  try {
    await timed('POST /credential', issued(options.batch), async () =>
      client.call('POST', `${t.baseUrl}/credential`, {
        body: { credential_configuration_id: configurationId, proofs: { jwt: proofs } },
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await dpopProof(dpop, { htm: 'POST', htu: `${t.baseUrl}/credential`, ath: ath(accessToken) }),
        },
      }),
    );
  } catch (err) {
    watch?.cancel();
    throw err;
  }
  if (!watch) return { steps };
  const answeredAt = performance.now();
  // The event is committed before the answer is sent; in the embedded process the projection
  // can even land first, which counts as zero lag. The wallet does not wait for it.
  const lag = watch.arrived.then((arrived) => Math.max(0, arrived - answeredAt)).finally(() => watch.cancel());
  lag.catch(() => undefined); // awaited (and a timeout counted) when the run ends
  return { steps, lag };
}
