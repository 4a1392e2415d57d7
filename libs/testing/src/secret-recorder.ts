import { appendFileSync, mkdirSync } from 'fs';
import { join } from 'path';
import { REPO_ROOT } from './processes';

/** Where the e2e run writes the secrets and personal values it sent and received, for the end-of-run scan. */
export const SECRETS_DIR = join(REPO_ROOT, 'tmp', 'e2e-secrets');

/** Fields whose value is a secret in a request or response body (form or JSON), at any depth. */
const SECRET_FIELDS = new Set([
  'access_token',
  'refresh_token',
  'pre-authorized_code',
  'code',
  'code_verifier',
  'tx_code',
  'issuer_state',
  'request_uri',
  'c_nonce',
  'credential',
  'jwt',
  'attestation',
  'key_attestation',
]);
const SECRET_HEADERS = ['authorization', 'dpop', 'oauth-client-attestation', 'oauth-client-attestation-pop'];
/** Shorter values could occur by chance in random data; none of the secrets are this short, claim values are skipped. */
const MIN_LENGTH = 8;

const seen = new Set<string>();

function remember(value: unknown): void {
  if (typeof value !== 'string') return;
  const v = value.replace(/^(DPoP|Bearer) /i, '');
  // `<present, len=..., sha256=...>` and the like: what an admin view shows in place of a secret.
  if (v.length < MIN_LENGTH || v.startsWith('<') || seen.has(v)) return;
  seen.add(v);
  mkdirSync(SECRETS_DIR, { recursive: true });
  appendFileSync(join(SECRETS_DIR, `${process.pid}.txt`), `${JSON.stringify(v)}\n`);
}

function walk(value: unknown, inClaims = false): void {
  if (Array.isArray(value)) return value.forEach((v) => walk(v, inClaims));
  if (!value || typeof value !== 'object') {
    if (inClaims) remember(value);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Claim values: the admin API's `claims` object ({configuration: {claim: value}}) and the subject; not metadata's claims array.
    if (inClaims || (k === 'claims' && v && typeof v === 'object' && !Array.isArray(v)) || k === 'subject_id')
      walk(v, true);
    else if (SECRET_FIELDS.has(k)) walkSecret(v);
    else walk(v);
  }
}

/** A secret field's value: a string, or an array or object of them (proofs: {jwt: [...]}, credentials: [{credential}]). */
function walkSecret(v: unknown): void {
  if (typeof v === 'string') remember(v);
  else if (Array.isArray(v)) v.forEach(walkSecret);
  else walk(v);
}

function fromBody(text: string | undefined, contentType: string | null): void {
  if (!text) return;
  // An encrypted credential request or response (a compact JWE) is a secret as a whole.
  if (/^application\/jwt\b/i.test(contentType ?? '')) return remember(text.trim());
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      walk(JSON.parse(text));
    } catch {
      /* not JSON after all */
    }
  } else {
    const form = new URLSearchParams(text);
    for (const [k, v] of form) if (SECRET_FIELDS.has(k)) remember(v);
  }
}

/**
 * A message the wire carries only encrypted (an encrypted credential request or response, as
 * the wallet decrypted it): its secrets (proofs, credentials) are written down like a JSON body's,
 * so the scan looks for the plaintext credentials as well as the JWE.
 */
export function recordDecryptedSecrets(json: string): void {
  fromBody(json, 'application/json');
}

/**
 * Wraps the test process's fetch so that every secret a test sends to or receives from a target
 * (tokens, codes, proofs, attestations, credentials, claim values) is written down. After the
 * whole integration run, the global teardown looks for each of them in every table, topic and log.
 */
export function installSecretRecorder(): void {
  const inner = globalThis.fetch;
  if ((inner as { secretRecorder?: boolean }).secretRecorder) return;
  const recording: typeof fetch = async (input, init) => {
    try {
      const request = new Request(input, init);
      // The admin token is the operator's, printed by the embedded process on purpose: not a wallet secret.
      const adminCall = /^\/(admin|internal)\//.test(new URL(request.url).pathname);
      for (const h of SECRET_HEADERS)
        if (!(adminCall && h === 'authorization')) remember(request.headers.get(h) ?? undefined);
      const body =
        typeof init?.body === 'string'
          ? init.body
          : init?.body instanceof URLSearchParams
            ? init.body.toString()
            : undefined;
      fromBody(body, request.headers.get('content-type'));
      const query = new URL(request.url).searchParams;
      for (const [k, v] of query) if (SECRET_FIELDS.has(k)) remember(v);
    } catch {
      /* recording must never break a test */
    }
    const response = await inner(input, init);
    try {
      // Admin views show redacted events: nothing in them is a value the wallet exchanged.
      const adminView =
        (init?.method ?? 'GET').toUpperCase() === 'GET' &&
        /^\/admin\//.test(new URL(new Request(input, init).url).pathname);
      if (!adminView) fromBody(await response.clone().text(), response.headers.get('content-type'));
      const location = response.headers.get('location');
      if (location)
        for (const [k, v] of new URL(location, 'http://x').searchParams) if (SECRET_FIELDS.has(k)) remember(v);
    } catch {
      /* a body that cannot be read twice */
    }
    return response;
  };
  (recording as { secretRecorder?: boolean }).secretRecorder = true;
  globalThis.fetch = recording;
}
