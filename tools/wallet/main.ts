import { parseArgs } from 'util';
// The independent wallet lives with the end-to-end suite, which uses it too; one implementation.
import { IndependentWallet, PRE_AUTHORIZED_GRANT, WalletError } from '@hallmark/test-wallet';
import { describeBatch, describeExchanges } from './print';

const USAGE = `usage: npm run wallet -- '<credential offer>' [--tx-code CODE] [--batch N] [--credential-configuration ID] [--client-id ID] [--redirect-uri URI] [--encrypt [ENC]] [--allow-http] [--verbose]

Receives credentials from any OpenID4VCI 1.0 issuer with @openid4vc/openid4vci's wallet client:
offer -> issuer metadata -> token (pre-authorized code with tx_code, or authorization code with
PAR, PKCE and issuer_state) with DPoP -> nonce -> credential request with N jwt proofs (one ES256
key each), and prints each credential decoded. For the authorization code flow the issuer must
answer the authorization request with a redirect at once (an offer, no login or consent page).

  <credential offer>      openid-credential-offer://?credential_offer_uri=... or ?credential_offer=...
                          (any scheme, e.g. haip-vci://), or the credential_offer_uri itself
  --tx-code CODE          the transaction code, when the offer asks for one
  --batch N               number of proofs (keys), default 1
  --credential-configuration ID   default: the offer's first credential_configuration_ids entry
  --client-id ID          the wallet's client_id in the authorization code flow (default hallmark-cli-wallet)
  --redirect-uri URI      its redirect URI (default openid://cli; never opened, the code is read from the redirect)
  --encrypt [ENC]         send the credential request encrypted (JWE, application/jwt) to the issuer's
                          credential_request_encryption key and ask for an encrypted response with
                          a fresh P-256 key (ECDH-ES); ENC is A128GCM (default) or A256GCM
  --allow-http            allow http:// URLs on hosts other than the loopback (always allowed there)
  --verbose               list every HTTP exchange`;

function fail(message: string, code = 1): never {
  process.stderr.write(`wallet: ${message}\n`);
  process.exit(code);
}

/** The URL the offer points at (credential_offer_uri or the by-value offer's issuer), to decide about http. */
function offerTarget(link: string): URL | undefined {
  try {
    if (/^https?:\/\//i.test(link) && !/[?&]credential_offer(_uri)?=/.test(link)) return new URL(link);
    const params = new URL(link).searchParams;
    const uri = params.get('credential_offer_uri');
    if (uri) return new URL(uri);
    const byValue = params.get('credential_offer');
    if (byValue) return new URL(JSON.parse(byValue).credential_issuer);
  } catch {
    /* the library reports malformed offers */
  }
  return undefined;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

const parse = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    options: {
      'tx-code': { type: 'string' },
      batch: { type: 'string', default: '1' },
      'credential-configuration': { type: 'string' },
      'client-id': { type: 'string', default: 'hallmark-cli-wallet' },
      'redirect-uri': { type: 'string', default: 'openid://cli' },
      encrypt: { type: 'boolean', default: false },
      'encrypt-enc': { type: 'string' },
      'allow-http': { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

/** `--encrypt A256GCM` as well as a bare `--encrypt`: parseArgs has no optional values, so the value is split off first. */
function withEncryptValue(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--encrypt(?:=(.+))?$/.exec(argv[i]);
    if (!m) {
      out.push(argv[i]);
      continue;
    }
    out.push('--encrypt');
    const value = m[1] ?? (/^A\d+GCM$/.test(argv[i + 1] ?? '') ? argv[++i] : undefined);
    if (value) out.push('--encrypt-enc', value);
  }
  return out;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(withEncryptValue(process.argv.slice(2)));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.positionals.length !== 1) fail(`expected one credential offer, got ${args.positionals.length}\n${USAGE}`, 2);
  const offer = args.positionals[0];
  const batchSize = Number(args.values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(`--batch must be a positive integer, not '${args.values.batch}'`, 2);

  const target = offerTarget(offer);
  let allowInsecureUrls = args.values['allow-http'];
  if (target?.protocol === 'http:') {
    if (!allowInsecureUrls && !LOOPBACK.test(target.hostname))
      fail(`the offer points at ${target.origin} over plain http; pass --allow-http to accept it`, 2);
    allowInsecureUrls = true;
    process.stderr.write(`wallet: accepting http:// URLs (the library's allowInsecureUrls) for ${target.origin}\n`);
  }

  const clientId = args.values['client-id'];
  const encryption = args.values.encrypt
    ? { ...(args.values['encrypt-enc'] ? { enc: args.values['encrypt-enc'] } : {}) }
    : undefined;
  const wallet = new IndependentWallet({ allowInsecureUrls, clientId, ...(encryption ? { encryption } : {}) });
  try {
    const resolved = await wallet.resolveOffer({ offerUri: offer });
    const common = { offer: resolved, batchSize, configurationId: args.values['credential-configuration'] };
    const received =
      resolved.grants?.[PRE_AUTHORIZED_GRANT] || !resolved.grants?.authorization_code
        ? await wallet.receiveCredentials({ ...common, txCode: args.values['tx-code'] })
        : await wallet.receiveCredentialsByAuthorizationCode({
            ...common,
            clientId,
            redirectUri: args.values['redirect-uri'],
          });
    const configuration =
      received.issuerMetadata.credentialIssuer.credential_configurations_supported[received.configurationId];
    process.stdout.write(
      [
        `Issuer: ${received.offer.credential_issuer}`,
        `Access token: ${received.tokenResponse.token_type} (DPoP key ${received.dpopKey.jkt}), c_nonce ${received.cNonce}`,
        ...(encryption ? [`Encrypted request and response (ECDH-ES, ${encryptedEnc(wallet) ?? 'unknown enc'})`] : []),
        `Received ${received.credentials.length} credential(s) for ${batchSize} proof(s)${received.credentialResponse.notification_id ? `, notification_id ${received.credentialResponse.notification_id}` : ''}`,
        '',
        await describeBatch(received, received.configurationId, configuration?.format),
      ].join('\n'),
    );
    if (args.values.verbose) process.stdout.write(`HTTP exchanges:\n${describeExchanges(wallet.exchanges)}\n`);
  } catch (err) {
    if (args.values.verbose && wallet.exchanges.length)
      process.stderr.write(`HTTP exchanges:\n${describeExchanges(wallet.exchanges)}\n`);
    if (err instanceof WalletError) fail(err.describe());
    fail(`${(err as Error).stack ?? String(err)}`);
  }
}

/** The enc of the encrypted credential response, from its JWE header on the wire. */
function encryptedEnc(wallet: IndependentWallet): string | undefined {
  const exchange = wallet.exchanges.find((e) => /^application\/jwt/.test(e.responseHeaders['content-type'] ?? ''));
  if (!exchange) return undefined;
  try {
    return JSON.parse(Buffer.from(exchange.responseBody.split('.')[0], 'base64url').toString()).enc;
  } catch {
    return undefined;
  }
}

main().catch((err) => fail((err as Error).stack ?? String(err)));
