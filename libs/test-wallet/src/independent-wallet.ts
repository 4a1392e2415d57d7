/**
 * An independent OpenID4VCI 1.0 wallet for tests and for `npm run wallet`: the protocol is driven
 * by @openid4vc/openid4vci's `Openid4vciClient` (offer resolution, issuer and AS metadata, the
 * pre-authorized token request with DPoP and its `use_dpop_nonce` retry, the nonce endpoint, jwt
 * key proofs and the credential request), not by Hallmark's own code. Only the crypto callbacks
 * are ours (jose, ES256), plus SD-JWT VC inspection with @sd-jwt/sd-jwt-vc.
 *
 * Nothing here imports jest, so the command-line wallet can use it as well.
 */
import { X509Certificate, createHash, randomBytes, verify as verifySignature, webcrypto } from 'crypto';
import {
  CompactEncrypt,
  CompactSign,
  calculateJwkThumbprint,
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  importX509,
  jwtVerify,
  type CompactJWSHeaderParameters,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import {
  Openid4vciClient,
  Openid4vciError,
  Openid4vciRetrieveCredentialsError,
  setGlobalConfig,
  type CredentialOfferObject,
  type CredentialResponse,
  type IssuerMetadataResult,
} from '@openid4vc/openid4vci';
import {
  HashAlgorithm,
  Oauth2ClientErrorResponseError,
  Oauth2Error,
  clientAuthenticationAnonymous,
  clientAuthenticationClientAttestationJwt,
  clientAuthenticationNone,
  type AccessTokenResponse,
  type ClientAuthenticationCallback,
  type JwtSignerJwk,
  type SignJwtCallback,
} from '@openid4vc/oauth2';
import { InvalidFetchResponseError, ValidationError, formatZodError } from '@openid4vc/utils';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance, type SdJwtVcPayload } from '@sd-jwt/sd-jwt-vc';

export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

// ---------------------------------------------------------------------------------------------
// Keys and the crypto callbacks the library asks for
// ---------------------------------------------------------------------------------------------

/** An ES256 key pair held by the wallet (DPoP or holder binding). */
export interface WalletKeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint of `publicJwk`. */
  jkt: string;
}

/** The wallet's private keys, found by the thumbprint of the public JWK the library hands back. */
class Keyring {
  private readonly keys = new Map<string, WalletKeyPair>();

  async generate(): Promise<WalletKeyPair> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const key = { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
    this.keys.set(key.jkt, key);
    return key;
  }

  add(key: WalletKeyPair): void {
    this.keys.set(key.jkt, key);
  }

  async find(jwk: JWK): Promise<WalletKeyPair> {
    const key = this.keys.get(await calculateJwkThumbprint(jwk));
    if (!key) throw new Error('the library asked to sign with a key this wallet does not hold');
    return key;
  }
}

const signer = (key: WalletKeyPair): JwtSignerJwk => ({
  method: 'jwk',
  alg: 'ES256',
  publicJwk: key.publicJwk as JwtSignerJwk['publicJwk'],
});

function signJwtWith(keyring: Keyring): SignJwtCallback {
  return async (jwtSigner, { header, payload }) => {
    if (jwtSigner.method !== 'jwk')
      throw new Error(`this wallet signs with jwk signers only, not '${jwtSigner.method}'`);
    if (jwtSigner.alg !== 'ES256') throw new Error(`this wallet signs with ES256 only, not '${jwtSigner.alg}'`);
    const key = await keyring.find(jwtSigner.publicJwk as JWK);
    const jwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header as CompactJWSHeaderParameters)
      .sign(key.privateKey);
    return { jwt, signerJwk: jwtSigner.publicJwk };
  };
}

const NODE_HASH: Record<string, string> = {
  [HashAlgorithm.Sha256]: 'sha256',
  [HashAlgorithm.Sha384]: 'sha384',
  [HashAlgorithm.Sha512]: 'sha512',
};

// ---------------------------------------------------------------------------------------------
// What went over the wire, for error reports
// ---------------------------------------------------------------------------------------------

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

function recordingFetch(exchanges: Exchange[], inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const requestBody =
      typeof init?.body === 'string'
        ? init.body
        : init?.body instanceof URLSearchParams
          ? init.body.toString()
          : undefined;
    const response = await inner(input, init);
    exchanges.push({
      method: request.method,
      url: request.url,
      requestHeaders: Object.fromEntries(request.headers),
      requestBody,
      status: response.status,
      responseHeaders: Object.fromEntries(response.headers),
      responseBody: await response.clone().text(),
    });
    return response;
  };
}

// ---------------------------------------------------------------------------------------------
// Encrypted credential requests and responses (OID4VCI 1.0 Section 10), on jose
// ---------------------------------------------------------------------------------------------

/**
 * What the wallet asks for when it encrypts. The library (written against drafts) knows neither
 * request encryption nor the 1.0 `credential_response_encryption` shape, so a fetch layer under
 * it does both: it reads the issuer's encryption parameters from the metadata the library
 * fetches, sends the library's credential request as a JWE with a fresh response key, and hands
 * the library the decrypted response.
 */
export interface WalletEncryption {
  /** The response `enc`; default the first of the issuer's `enc_values_supported`. */
  enc?: string;
  /** The response `zip` (`DEF`); default none. */
  zip?: string;
  /** Also compress the request (`zip` in the request's JWE header). */
  zipRequest?: boolean;
  /** Rewrites `credential_response_encryption` before it is encrypted (wallet mistakes in tests). */
  tamper?: (params: Record<string, unknown>) => Record<string, unknown>;
  /** Encrypt the request but ask for no encrypted response. */
  plainResponse?: boolean;
  /** Sees each plaintext the wire only carries encrypted (the request, the response), e.g. for a secret scan. */
  onPlaintext?: (json: string) => void;
}

interface IssuerEncryption {
  credentialEndpoint: string;
  request?: { jwks?: { keys?: JWK[] }; enc_values_supported?: string[] };
  response?: { enc_values_supported?: string[] };
}

function encryptingFetch(inner: typeof fetch, encryption: WalletEncryption): typeof fetch {
  let issuer: IssuerEncryption | undefined;
  return async (input, init) => {
    const request = new Request(input, init);
    if (request.method === 'POST' && issuer && request.url === issuer.credentialEndpoint)
      return encryptedExchange(inner, request, issuer, encryption);
    const response = await inner(input, init);
    if (request.method === 'GET' && new URL(request.url).pathname.startsWith('/.well-known/openid-credential-issuer')) {
      const metadata = (await response
        .clone()
        .json()
        .catch(() => undefined)) as Record<string, unknown> | undefined;
      if (typeof metadata?.credential_endpoint === 'string')
        issuer = {
          credentialEndpoint: metadata.credential_endpoint,
          request: metadata.credential_request_encryption as IssuerEncryption['request'],
          response: metadata.credential_response_encryption as IssuerEncryption['response'],
        };
    }
    return response;
  };
}

async function encryptedExchange(
  inner: typeof fetch,
  request: Request,
  issuer: IssuerEncryption,
  encryption: WalletEncryption,
): Promise<Response> {
  const issuerKey = issuer.request?.jwks?.keys?.find((k) => k.use === undefined || k.use === 'enc');
  if (!issuerKey?.kid || !issuer.request?.enc_values_supported?.length)
    throw new WalletError('credential', 'the issuer metadata advertises no credential_request_encryption key');
  const body = (await request.json()) as Record<string, unknown>;
  let responseKey: CryptoKey | undefined;
  if (!encryption.plainResponse) {
    const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    responseKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), alg: 'ECDH-ES', kid: randomBytes(6).toString('base64url') };
    const params = {
      jwk,
      enc: encryption.enc ?? issuer.response?.enc_values_supported?.[0] ?? 'A128GCM',
      ...(encryption.zip ? { zip: encryption.zip } : {}),
    };
    body.credential_response_encryption = encryption.tamper ? encryption.tamper(params) : params;
  }
  const plaintext = JSON.stringify(body);
  encryption.onPlaintext?.(plaintext);
  const jwe = await new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({
      alg: 'ECDH-ES',
      enc: issuer.request.enc_values_supported[0],
      kid: issuerKey.kid,
      ...(encryption.zipRequest ? { zip: 'DEF' } : {}),
    })
    .encrypt(await importJWK(issuerKey, 'ECDH-ES'));
  const headers = new Headers(request.headers);
  headers.set('content-type', 'application/jwt');
  const response = await inner(request.url, { method: 'POST', headers, body: jwe });
  if (!/^application\/jwt\b/i.test(response.headers.get('content-type') ?? '')) return response;
  if (!responseKey) throw new WalletError('credential', 'an encrypted response although none was asked for');
  const { plaintext: decrypted } = await compactDecrypt((await response.text()).trim(), responseKey).catch((err) => {
    throw new WalletError('credential', `the encrypted credential response does not decrypt: ${String(err)}`);
  });
  const json = new TextDecoder().decode(decrypted);
  encryption.onPlaintext?.(json);
  const plainHeaders = new Headers(response.headers);
  plainHeaders.set('content-type', 'application/json');
  plainHeaders.delete('content-length');
  return new Response(json, { status: response.status, headers: plainHeaders });
}

// ---------------------------------------------------------------------------------------------
// Failures, with the wire error
// ---------------------------------------------------------------------------------------------

export type WalletStep = 'offer' | 'metadata' | 'token' | 'nonce' | 'proof' | 'credential';

/** A failed step: the library's message, and when the server answered, its status and error. */
export class WalletError extends Error {
  constructor(
    readonly step: WalletStep,
    message: string,
    readonly details: {
      status?: number;
      error?: string;
      errorDescription?: string;
      responseBody?: string;
      exchange?: Exchange;
      cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = 'WalletError';
  }

  /** Several lines: the step, the library's message, the HTTP exchange and the OAuth error. */
  describe(): string {
    const d = this.details;
    // The library's messages for error responses repeat the body as JSON; the fields follow anyway.
    const lines = [`${this.step} failed: ${d.error ? this.message.split('\n')[0] : this.message}`];
    if (d.exchange)
      lines.push(
        `  request:  ${d.exchange.method} ${d.exchange.url}${d.exchange.requestBody ? `\n            ${truncate(d.exchange.requestBody, 2000)}` : ''}`,
      );
    if (d.status !== undefined)
      lines.push(
        `  response: HTTP ${d.status}${d.exchange?.responseHeaders['www-authenticate'] ? ` (WWW-Authenticate: ${d.exchange.responseHeaders['www-authenticate']})` : ''}`,
      );
    if (d.error) lines.push(`  error: ${d.error}`);
    if (d.errorDescription) lines.push(`  error_description: ${d.errorDescription}`);
    if (d.responseBody && !d.error) lines.push(`  body: ${truncate(d.responseBody, 2000)}`);
    return lines.join('\n');
  }
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}... (${s.length} characters)` : s);

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = text ? JSON.parse(text) : undefined;
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The innermost cause of a failed fetch (connection refused, DNS, TLS), which the library wraps twice. */
function networkCause(err: Error): string {
  let cause: unknown = err.cause;
  let innermost: { code?: unknown; message?: unknown } | undefined;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 5; depth++) {
    innermost = cause as { code?: unknown; message?: unknown };
    cause = (cause as { cause?: unknown }).cause;
  }
  if (!innermost || innermost === err.cause) return '';
  return ` (${[innermost.code, innermost.message].filter((v) => typeof v === 'string').join(': ')})`;
}

/** Turns whatever the library threw into a WalletError that names the wire error. */
function failure(step: WalletStep, err: unknown, exchanges: Exchange[], sentBefore: number): WalletError {
  if (err instanceof WalletError) return err;
  const exchange = exchanges.length > sentBefore ? exchanges[exchanges.length - 1] : undefined;
  const fromBody = (body: string | undefined) => {
    const json = parseJson(body);
    return {
      error: typeof json?.error === 'string' ? json.error : undefined,
      errorDescription: typeof json?.error_description === 'string' ? json.error_description : undefined,
    };
  };
  if (err instanceof Oauth2ClientErrorResponseError) {
    return new WalletError(step, err.message, {
      status: err.response.status,
      error: err.errorResponse.error,
      errorDescription: err.errorResponse.error_description,
      responseBody: exchange?.responseBody,
      exchange,
      cause: err,
    });
  }
  if (err instanceof Openid4vciRetrieveCredentialsError) {
    const shape = err.response.credentialResponseResult;
    const message =
      shape && !shape.success
        ? `${err.message}: the credential response does not parse: ${formatZodError(shape.error)}`
        : err.message;
    return new WalletError(step, message, {
      status: err.response.response.status,
      ...fromBody(exchange?.responseBody),
      responseBody: exchange?.responseBody,
      exchange,
      cause: err,
    });
  }
  if (err instanceof InvalidFetchResponseError) {
    return new WalletError(step, err.message, {
      status: err.response.status,
      ...fromBody(err.textResponse),
      responseBody: err.textResponse,
      exchange,
      cause: err,
    });
  }
  if (err instanceof ValidationError) {
    return new WalletError(step, `${err.message}${err.zodError ? `: ${formatZodError(err.zodError)}` : ''}`, {
      status: exchange?.status,
      responseBody: exchange?.responseBody,
      exchange,
      cause: err,
    });
  }
  if (err instanceof Oauth2Error || err instanceof Openid4vciError || err instanceof Error) {
    return new WalletError(step, `${err.message}${networkCause(err)}`, {
      status: exchange?.status,
      ...fromBody(exchange?.responseBody),
      responseBody: exchange?.responseBody,
      exchange,
      cause: err,
    });
  }
  return new WalletError(step, String(err), { exchange });
}

// ---------------------------------------------------------------------------------------------
// The wallet
// ---------------------------------------------------------------------------------------------

export interface IndependentWalletOptions {
  /**
   * The library refuses `http://` URLs (issuer identifiers, endpoints) unless its global config
   * `allowInsecureUrls` is set (`setGlobalConfig` of @openid4vc/utils, re-exported by
   * @openid4vc/openid4vci). Tests against the local targets set it; it is process-wide.
   */
  allowInsecureUrls?: boolean;
  fetch?: typeof fetch;
  /** Encrypt credential requests and ask for encrypted responses (OID4VCI 1.0 Section 10). */
  encryption?: WalletEncryption;
  /**
   * The wallet's client_id for the authorization code flow (a public client, authenticated by
   * nothing or by `clientAttestationJwt`). Without it the wallet is anonymous (pre-authorized).
   */
  clientId?: string;
  /** A wallet attestation (from the wallet provider) for attest_jwt_client_auth; its cnf key must be in this wallet's keyring. */
  clientAttestationJwt?: string;
  /** The wallet instance key (`cnf.jwk` of the attestation) that signs the attestation PoPs. */
  clientAttestationKey?: WalletKeyPair;
  /**
   * Fetch a challenge from the server's challenge_endpoint for every attestation PoP
   * (draft-ietf-oauth-attestation-based-client-auth-07 Section 8); the library's own PoP has none.
   */
  attestationChallenge?: boolean;
}

export interface CredentialBatch {
  /** The c_nonce from the nonce endpoint that every proof of this request carries. */
  cNonce: string;
  /** The holder keys, in the order of `proofs`. */
  holderKeys: WalletKeyPair[];
  proofs: string[];
  credentialResponse: CredentialResponse;
  /** `credentials[].credential`, in the order the issuer answered. */
  credentials: Array<string | Record<string, unknown>>;
}

export interface ReceivedCredentials extends CredentialBatch {
  offer: CredentialOfferObject;
  issuerMetadata: IssuerMetadataResult;
  configurationId: string;
  tokenResponse: AccessTokenResponse;
  dpopKey: WalletKeyPair;
  /** Every HTTP exchange of the flow, in order. */
  exchanges: Exchange[];
  /** Another credential request on the same access token (fresh nonce, fresh keys). */
  requestMore(batchSize: number, configurationId?: string): Promise<CredentialBatch>;
}

export interface ReceiveOptions {
  /**
   * `openid-credential-offer://?credential_offer_uri=...` or `...?credential_offer=...` (any scheme,
   * e.g. `haip-vci://`), or the http(s) `credential_offer_uri` itself.
   */
  offerUri?: string;
  /** The offer object, passed by value. */
  offer?: object;
  txCode?: string;
  /** Number of proofs (one key each) in the credential request; default 1. */
  batchSize?: number;
  /** Default: the first `credential_configuration_ids` entry of the offer. */
  configurationId?: string;
  /** Add a random unknown parameter to the token and credential requests (servers must ignore them). */
  unknownParameters?: boolean;
  /** A key attester (the wallet provider): a key attestation for the request's holder keys, put in each proof's header. */
  keyAttester?: (holderKeys: WalletKeyPair[], cNonce: string) => Promise<string>;
  /** Send the key attestation itself as the proof (proof type `attestation`, OID4VCI 1.0 Appendix F.3) instead of jwt proofs. */
  attestationProof?: boolean;
}

const unknownParameter = (): Record<string, string> => ({
  [`x_${randomBytes(4).toString('hex')}`]: randomBytes(8).toString('base64url'),
});

/** The deep link a wallet gets: the offer by value, or a bare `credential_offer_uri` wrapped as by reference. */
export function offerLink(options: { offerUri?: string; offer?: object }): string {
  if (options.offer)
    return `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(options.offer))}`;
  const uri = options.offerUri;
  if (!uri) throw new WalletError('offer', 'neither an offer URL nor an offer object was given');
  if (/^https?:\/\//i.test(uri) && !/[?&]credential_offer(_uri)?=/.test(uri))
    return `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(uri)}`;
  return uri;
}

export class IndependentWallet {
  readonly exchanges: Exchange[] = [];
  readonly keyring = new Keyring();
  private readonly client: Openid4vciClient;
  private readonly fetch: typeof fetch;

  constructor(options: IndependentWalletOptions = {}) {
    if (options.allowInsecureUrls) setGlobalConfig({ allowInsecureUrls: true });
    this.fetch = options.fetch ?? fetch;
    if (options.clientAttestationKey) this.keyring.add(options.clientAttestationKey);
    const callbacks = {
      hash: (data: Uint8Array, alg: HashAlgorithm) => {
        const name = NODE_HASH[alg];
        if (!name) throw new Error(`unsupported hash algorithm ${alg}`);
        return createHash(name).update(data).digest();
      },
      generateRandom: (n: number) => randomBytes(n),
      signJwt: signJwtWith(this.keyring),
    };
    this.client = new Openid4vciClient({
      callbacks: {
        // Exchanges record the wire: encrypted bodies as sent and received.
        fetch: options.encryption
          ? encryptingFetch(recordingFetch(this.exchanges, options.fetch), options.encryption)
          : recordingFetch(this.exchanges, options.fetch),
        hash: (data, alg) => {
          const name = NODE_HASH[alg];
          if (!name) throw new Error(`unsupported hash algorithm ${alg}`);
          return createHash(name).update(data).digest();
        },
        generateRandom: (n) => randomBytes(n),
        signJwt: signJwtWith(this.keyring),
        // Pre-authorized code flow: anonymous. Authorization code flow: a public client, with a wallet attestation when given.
        clientAuthentication: options.clientAttestationJwt
          ? options.attestationChallenge && options.clientAttestationKey
            ? this.attestationWithChallenge(
                options.clientAttestationJwt,
                options.clientAttestationKey,
                options.clientId ?? '',
              )
            : clientAuthenticationClientAttestationJwt({
                clientAttestationJwt: options.clientAttestationJwt,
                callbacks,
              })
          : options.clientId
            ? clientAuthenticationNone({ clientId: options.clientId })
            : clientAuthenticationAnonymous(),
      },
    });
  }

  /** attest_jwt_client_auth with a fresh server challenge in each PoP. */
  private attestationWithChallenge(
    attestation: string,
    instance: WalletKeyPair,
    clientId: string,
  ): ClientAuthenticationCallback {
    return async ({ headers, authorizationServerMetadata }) => {
      const endpoint = (authorizationServerMetadata as { challenge_endpoint?: string }).challenge_endpoint;
      if (!endpoint) throw new Error('the authorization server has no challenge_endpoint');
      const { attestation_challenge: challenge } = (await (await this.fetch(endpoint, { method: 'POST' })).json()) as {
        attestation_challenge: string;
      };
      const pop = await new CompactSign(
        new TextEncoder().encode(
          JSON.stringify({
            iss: clientId,
            aud: authorizationServerMetadata.issuer,
            jti: randomBytes(16).toString('base64url'),
            iat: Math.floor(Date.now() / 1000),
            challenge,
          }),
        ),
      )
        .setProtectedHeader({ alg: 'ES256', typ: 'oauth-client-attestation-pop+jwt' })
        .sign(instance.privateKey);
      headers.set('OAuth-Client-Attestation', attestation);
      headers.set('OAuth-Client-Attestation-PoP', pop);
    };
  }

  private async step<T>(step: WalletStep, run: () => Promise<T>): Promise<T> {
    const before = this.exchanges.length;
    try {
      return await run();
    } catch (err) {
      throw failure(step, err, this.exchanges, before);
    }
  }

  /** The offer behind a link (fetched when by reference); pass it on as `offer` to receive without fetching again. */
  resolveOffer(options: Pick<ReceiveOptions, 'offerUri' | 'offer'>): Promise<CredentialOfferObject> {
    return this.step('offer', () => this.client.resolveCredentialOffer(offerLink(options)));
  }

  /** The issuer's metadata and its authorization servers' metadata, as the library resolves them. */
  resolveIssuerMetadata(credentialIssuer: string): Promise<IssuerMetadataResult> {
    return this.step('metadata', () => this.client.resolveIssuerMetadata(credentialIssuer));
  }

  /** resolve offer -> issuer and AS metadata -> token (pre-auth, tx_code, DPoP) -> nonce -> credential. */
  async receiveCredentials(options: ReceiveOptions): Promise<ReceivedCredentials> {
    const link = offerLink(options);
    const offer = await this.step('offer', () => this.client.resolveCredentialOffer(link));
    const issuerMetadata = await this.step('metadata', () =>
      this.client.resolveIssuerMetadata(offer.credential_issuer),
    );
    const configurationId = options.configurationId ?? offer.credential_configuration_ids[0];
    if (!offer.credential_configuration_ids.includes(configurationId)) {
      throw new WalletError(
        'offer',
        `the offer does not offer '${configurationId}' (it offers ${offer.credential_configuration_ids.join(', ')})`,
      );
    }

    const grant = offer.grants?.[PRE_AUTHORIZED_GRANT];
    if (!grant)
      throw new WalletError(
        'offer',
        `the offer has no pre-authorized code grant (grants: ${Object.keys(offer.grants ?? {}).join(', ') || 'none'})`,
      );
    if (grant.tx_code && options.txCode === undefined) {
      const t = grant.tx_code;
      throw new WalletError(
        'token',
        `the offer requires a transaction code (${[t.input_mode ?? 'numeric', t.length ? `${t.length} characters` : undefined, t.description].filter(Boolean).join(', ')}): pass it (txCode, or --tx-code for npm run wallet)`,
      );
    }

    const dpopKey = await this.keyring.generate();
    const token = await this.step('token', () =>
      this.client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer,
        issuerMetadata,
        txCode: options.txCode,
        dpop: { signer: signer(dpopKey) },
        additionalRequestPayload: options.unknownParameters ? unknownParameter() : undefined,
      }),
    );
    return this.withCredentials(offer, issuerMetadata, configurationId, token, dpopKey, options);
  }

  /**
   * The authorization code flow (OID4VCI 1.0 Section 5): PAR when the server offers it, PKCE,
   * DPoP, issuer_state from the offer; `authorize` plays the user agent at the authorization
   * endpoint and returns the redirect it ended at (default: follow one redirect, no login).
   */
  async receiveCredentialsByAuthorizationCode(
    options: ReceiveOptions & { redirectUri: string; clientId: string; authorize?: (url: string) => Promise<string> },
  ): Promise<ReceivedCredentials & { authorizationResponse: URL }> {
    const link = offerLink(options);
    const offer = await this.step('offer', () => this.client.resolveCredentialOffer(link));
    const issuerMetadata = await this.step('metadata', () =>
      this.client.resolveIssuerMetadata(offer.credential_issuer),
    );
    const configurationId = options.configurationId ?? offer.credential_configuration_ids[0];
    if (!offer.grants?.authorization_code) throw new WalletError('offer', 'the offer has no authorization_code grant');
    const dpopKey = await this.keyring.generate();
    const scope = (
      issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId] as
        { scope?: string } | undefined
    )?.scope;
    const initiated = await this.step('token', () =>
      this.client.initiateAuthorization({
        clientId: options.clientId,
        issuerMetadata,
        credentialOffer: offer,
        scope,
        redirectUri: options.redirectUri,
        dpop: { signer: signer(dpopKey) },
      }),
    );
    if (initiated.authorizationFlow !== 'Oauth2Redirect')
      throw new WalletError('token', `unexpected authorization flow ${initiated.authorizationFlow}`);
    const authorize =
      options.authorize ??
      (async (url: string) => {
        const response = await this.fetch(url, { redirect: 'manual' });
        const location = response.headers.get('location');
        if (response.status !== 303 && response.status !== 302)
          throw new WalletError(
            'token',
            `the authorization endpoint answered ${response.status}: ${(await response.text()).slice(0, 500)}`,
          );
        return location ?? '';
      });
    const authorizationResponse = new URL(await authorize(initiated.authorizationRequestUrl));
    const code = authorizationResponse.searchParams.get('code');
    if (!code)
      throw new WalletError(
        'token',
        `the authorization response carries no code: ${authorizationResponse.search.slice(0, 300)}`,
      );
    const token = await this.step('token', () =>
      this.client.retrieveAuthorizationCodeAccessTokenFromOffer({
        issuerMetadata,
        credentialOffer: offer,
        authorizationCode: code,
        pkceCodeVerifier: initiated.pkce?.codeVerifier,
        redirectUri: options.redirectUri,
        dpop: { signer: signer(dpopKey) },
      }),
    );
    return {
      ...(await this.withCredentials(offer, issuerMetadata, configurationId, token, dpopKey, options)),
      authorizationResponse,
    };
  }

  private async withCredentials(
    offer: CredentialOfferObject,
    issuerMetadata: IssuerMetadataResult,
    configurationId: string,
    token: { accessTokenResponse: AccessTokenResponse; dpop?: { signer: JwtSignerJwk; nonce?: string } | unknown },
    dpopKey: WalletKeyPair,
    options: ReceiveOptions,
  ): Promise<ReceivedCredentials> {
    // The resource server may want a nonce of its own; the library retries on `use_dpop_nonce`.
    let dpop = (token.dpop as { signer: JwtSignerJwk; nonce?: string } | undefined) ?? { signer: signer(dpopKey) };
    const accessToken = token.accessTokenResponse.access_token;

    const request = async (batchSize: number, id: string): Promise<CredentialBatch> => {
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new WalletError('proof', `batch size must be a positive integer, not ${batchSize}`);
      const { c_nonce: cNonce } = await this.step('nonce', () => this.client.requestNonce({ issuerMetadata }));
      const holderKeys = await Promise.all(Array.from({ length: batchSize }, () => this.keyring.generate()));
      const keyAttestationJwt = options.keyAttester ? await options.keyAttester(holderKeys, cNonce) : undefined;
      if (options.attestationProof && !keyAttestationJwt)
        throw new WalletError('proof', 'an attestation proof needs a keyAttester');
      const proofs = options.attestationProof
        ? [keyAttestationJwt!]
        : await this.step('proof', () =>
            Promise.all(
              holderKeys.map(
                async (k) =>
                  (
                    await this.client.createCredentialRequestJwtProof({
                      issuerMetadata,
                      credentialConfigurationId: id,
                      signer: signer(k),
                      nonce: cNonce,
                      keyAttestationJwt,
                    })
                  ).jwt,
              ),
            ),
          );
      const result = await this.step('credential', () =>
        this.client.retrieveCredentials({
          issuerMetadata,
          credentialConfigurationId: id,
          accessToken,
          dpop,
          proofs: options.attestationProof
            ? { attestation: proofs as [string] }
            : { jwt: proofs as [string, ...string[]] },
          additionalRequestPayload: options.unknownParameters ? unknownParameter() : undefined,
        }),
      );
      if (result.dpop?.nonce) dpop = { ...dpop, nonce: result.dpop.nonce };
      const credentialResponse = result.credentialResponse;
      const credentials = (credentialResponse.credentials ?? []).map((c) =>
        typeof c === 'object' && c !== null && 'credential' in c ? c.credential : c,
      ) as Array<string | Record<string, unknown>>;
      return { cNonce, holderKeys, proofs, credentialResponse, credentials };
    };

    const first = await request(options.batchSize ?? 1, configurationId);
    return {
      ...first,
      offer,
      issuerMetadata,
      configurationId,
      tokenResponse: token.accessTokenResponse,
      dpopKey,
      exchanges: this.exchanges,
      requestMore: (batchSize, id = configurationId) => request(batchSize, id),
    };
  }
}

/** A new ES256 wallet key pair (e.g. a wallet instance key to be attested). */
export const newWalletKey = (): Promise<WalletKeyPair> => new Keyring().generate();

/** One-shot convenience: a fresh wallet runs the whole flow. */
export function receiveCredentials(options: ReceiveOptions & IndependentWalletOptions): Promise<ReceivedCredentials> {
  return new IndependentWallet(options).receiveCredentials(options);
}

// ---------------------------------------------------------------------------------------------
// SD-JWT VC inspection and verification (issuer key from the x5c header)
// ---------------------------------------------------------------------------------------------

export interface DisclosureView {
  salt: string;
  name?: string;
  value: unknown;
  digest: string;
}

export interface SdJwtVcView {
  header: Record<string, unknown>;
  /** The issuer-signed JWT payload as is (with `_sd`). */
  payload: SdJwtVcPayload;
  disclosures: DisclosureView[];
  /** The processed claims (disclosures applied). */
  claims: Record<string, unknown>;
  /** The `x5c` header, parsed; leaf first. */
  certificates: X509Certificate[];
}

const JWS_HASH: Record<string, string> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

/** The x5c verifier for @sd-jwt: the key is the leaf certificate's, ECDSA signatures in JWS (P1363) form. */
function verifyWithX5c(data: string, signature: string): boolean {
  const header = JSON.parse(Buffer.from(data.split('.')[0], 'base64url').toString('utf8')) as {
    alg?: string;
    x5c?: unknown;
  };
  if (!Array.isArray(header.x5c) || header.x5c.length === 0 || typeof header.x5c[0] !== 'string')
    throw new Error('the issuer-signed JWT has no x5c header');
  const hash = header.alg && JWS_HASH[header.alg];
  if (!hash) throw new Error(`unsupported issuer signature algorithm ${header.alg}`);
  const leaf = new X509Certificate(Buffer.from(header.x5c[0], 'base64'));
  return verifySignature(
    hash,
    Buffer.from(data),
    { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
}

async function signP1363(key: CryptoKey, data: string): Promise<string> {
  const sig = await webcrypto.subtle.sign(
    { name: 'ECDSA', hash: 'SHA-256' },
    key as webcrypto.CryptoKey,
    Buffer.from(data),
  );
  return Buffer.from(sig).toString('base64url');
}

/** Key-binding JWTs are checked against the credential's own `cnf.jwk`. */
async function verifyWithCnf(data: string, signature: string, payload: Record<string, unknown>): Promise<boolean> {
  const jwk = (payload.cnf as { jwk?: webcrypto.JsonWebKey } | undefined)?.jwk;
  if (!jwk) throw new Error('the credential has no cnf.jwk');
  const key = await webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return webcrypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    Buffer.from(signature, 'base64url'),
    Buffer.from(data),
  );
}

const sdJwtVc = (holder?: WalletKeyPair) =>
  new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: verifyWithX5c,
    kbVerifier: verifyWithCnf,
    ...(holder ? { kbSigner: (data: string) => signP1363(holder.privateKey, data), kbSignAlg: 'ES256' } : {}),
  });

/** Decodes without verifying: header, payload, disclosures (name, value, salt, digest), claims, x5c. */
export async function inspectSdJwtVc(compact: string): Promise<SdJwtVcView> {
  const decoded = await sdJwtVc().decode(compact);
  if (!decoded.jwt?.header || !decoded.jwt.payload) throw new Error('not an SD-JWT: no issuer-signed JWT');
  const disclosures = await Promise.all(
    (decoded.disclosures ?? []).map(async (d) => ({
      salt: d.salt,
      name: d.key,
      value: d.value,
      digest: d._digest ?? (await d.digest({ hasher: digest, alg: 'sha-256' })),
    })),
  );
  const x5c = decoded.jwt.header.x5c;
  return {
    header: decoded.jwt.header,
    payload: decoded.jwt.payload as SdJwtVcPayload,
    disclosures,
    claims: (await decoded.getClaims(digest)) as Record<string, unknown>,
    certificates: Array.isArray(x5c) ? x5c.map((c) => new X509Certificate(Buffer.from(String(c), 'base64'))) : [],
  };
}

/**
 * Verifies with @sd-jwt/sd-jwt-vc: the issuer signature with the key of `x5c[0]`, every
 * disclosure's digest, `iat`/`nbf`/`exp`. Returns the processed claims.
 */
export async function verifySdJwtVc(
  compact: string,
): Promise<{ header: Record<string, unknown>; claims: SdJwtVcPayload }> {
  const result = await sdJwtVc().verify(compact, { skewSeconds: 10 });
  return { header: result.header ?? {}, claims: result.payload };
}

/**
 * Presents every disclosure with a key-binding JWT signed by `holder`, then verifies the
 * presentation (KB-JWT against the credential's `cnf.jwk`, `sd_hash`, nonce).
 */
export async function presentAndVerify(
  compact: string,
  holder: WalletKeyPair,
  audience: string,
): Promise<{ kbPayload: Record<string, unknown> }> {
  const nonce = randomBytes(16).toString('base64url');
  const instance = sdJwtVc(holder);
  const everything = Object.fromEntries((await instance.presentableKeys(compact)).map((k) => [k, true]));
  const presentation = await instance.present(compact, everything, {
    kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: audience, nonce } },
  });
  const verified = await instance.verify(presentation, { keyBindingNonce: nonce, skewSeconds: 10 });
  if (!verified.kb) throw new Error('no key binding in the verified presentation');
  return { kbPayload: verified.kb.payload };
}

/**
 * The x5c chain as a path: each certificate issued and signed by the next, all valid now.
 * Returns the subjects and the last certificate's issuer (the trust anchor, left out of x5c).
 */
export function checkX5cChain(
  certificates: X509Certificate[],
  now = new Date(),
): { subjects: string[]; anchorIssuer: string } {
  if (certificates.length === 0) throw new Error('empty x5c');
  certificates.forEach((cert, i) => {
    if (new Date(cert.validFrom) > now || new Date(cert.validTo) < now)
      throw new Error(`x5c[${i}] (${cert.subject}) is not valid now (${cert.validFrom} - ${cert.validTo})`);
    const next = certificates[i + 1];
    if (next && (!cert.checkIssued(next) || !cert.verify(next.publicKey)))
      throw new Error(`x5c[${i}] (${cert.subject}) is not issued by x5c[${i + 1}] (${next.subject})`);
  });
  return { subjects: certificates.map((c) => c.subject), anchorIssuer: certificates[certificates.length - 1].issuer };
}

/** A `jwt_vc_json` credential verified with the key of its `x5c[0]` certificate (jose). */
export async function verifyJwtVc(
  compact: string,
): Promise<{ header: Record<string, unknown>; payload: JWTPayload; certificates: X509Certificate[] }> {
  const header = decodeProtectedHeader(compact) as Record<string, unknown>;
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || typeof x5c[0] !== 'string')
    throw new Error('the JWT VC has no x5c header');
  if (typeof header.alg !== 'string') throw new Error('the JWT VC has no alg');
  const pem = `-----BEGIN CERTIFICATE-----\n${(x5c[0].match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----`;
  const { payload } = await jwtVerify(compact, await importX509(pem, header.alg), { clockTolerance: 10 });
  return { header, payload, certificates: x5c.map((c) => new X509Certificate(Buffer.from(String(c), 'base64'))) };
}
