import { createHash } from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import { UnparsableBody } from './unparsable-body';

/**
 * The one redaction policy for what Hallmark records about a wallet request (headers, query and
 * body, on timelines, in events, on Kafka). Applied before anything is stored or published:
 *
 * - secrets (access and refresh tokens, codes, DPoP proofs, attestations, proof JWTs, anything
 *   that looks like a JWT) become `<present, len=N, sha256=XXXXXXXX>`, a fingerprint that lets two
 *   entries be matched without revealing the value (base64url, so an Authorization fingerprint
 *   matches the start of a DPoP proof's `ath`);
 * - the transaction code never appears, not even as a fingerprint: it is short enough to guess
 *   from one;
 * - client addresses are masked to their network, or omitted;
 * - claims appear as names only;
 * - infrastructure headers (Envoy, Istio, B3, client certificates) are kept or dropped by
 *   configuration.
 */
export interface RedactionPolicy {
  /** HALLMARK_RECORD_INFRA_HEADERS: keep infrastructure headers (x-envoy-*, x-forwarded-client-cert, x-b3-*, ...). Default false. */
  keepInfrastructureHeaders: boolean;
  /** HALLMARK_RECORD_CLIENT_IP: `masked` (default: /24 or /48) or `none`. */
  clientIp: 'masked' | 'none';
}

export const DEFAULT_REDACTION_POLICY: RedactionPolicy = { keepInfrastructureHeaders: false, clientIp: 'masked' };

/** A redacted request: header names in lower case, values safe to store and publish. */
export interface RedactedRequest {
  headers: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
  client_ip?: string;
}

/** What the placeholder of a transaction code says: that one was sent, nothing else. */
export const WITHHELD = '<present, withheld>';

/** A secret's placeholder: its length and a short SHA-256 prefix, never the value. */
export function fingerprint(value: string): string {
  return `<present, len=${value.length}, sha256=${createHash('sha256').update(value).digest('base64url').slice(0, 8)}>`;
}

/** Client addresses are personal data: keep the network, drop the host part. */
export function maskIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.\d+$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (ip.includes(':')) return `${ip.split(':').slice(0, 3).join(':')}::/48`;
  return undefined;
}

const MAX_VALUE = 256;
const MAX_KEYS = 50;
const MAX_ITEMS = 20;
const MAX_DEPTH = 6;

/** Compact JWS / JWE / SD-JWT: a base64url JSON header (`eyJ`) and at least two more parts. */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_~.-]*/;

/** Headers whose value is a credential of some kind. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'dpop',
  'oauth-client-attestation',
  'oauth-client-attestation-pop',
  'cookie',
  'set-cookie',
]);
const SECRET_NAME =
  /(token|secret|password|passwd|api[-_]?key|session|cookie|assertion|attestation|signature|credential)/i;
/** Headers that carry client addresses. */
const ADDRESS_HEADERS = new Set([
  'x-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'forwarded',
  'x-envoy-external-address',
]);
/** Headers a mesh or gateway adds: noise to most readers, useful when debugging the mesh. */
const INFRASTRUCTURE_HEADER =
  /^(x-envoy-|x-b3-|x-istio-|x-datadog-|x-ot-|x-forwarded-client-cert$|b3$|x-amzn-trace-id$|x-cloud-trace-context$|x-request-start$)/;

/** Body and query members that are secrets (RFC 6749, RFC 9126, RFC 7636, RFC 9449, OID4VCI 1.0). */
const SECRET_FIELDS = new Set([
  'pre-authorized_code',
  'code',
  'code_verifier',
  // S256 challenges are public, but a plain one is the verifier itself (and is refused anyway).
  'code_challenge',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'client_assertion',
  'request',
  'request_uri',
  'issuer_state',
  'jwt',
  'key_attestation',
  'attestation',
  'dpop',
  'c_nonce',
  'nonce',
  'transaction_id',
  'subject_token',
  'device_code',
]);
const SECRET_FIELD = /(_token|_code|_secret|_assertion|_verifier|_jwt)$/;
/** Never recorded in any form. */
const WITHHELD_FIELDS = new Set(['tx_code', 'user_pin', 'pin']);
/** Claims: names only. */
const CLAIM_FIELDS = new Set(['claims', 'credentialSubject', 'credential_subject']);

const cap = (s: string, max = MAX_VALUE): string => (s.length > max ? `${s.slice(0, max)}...<len=${s.length}>` : s);
const redactString = (s: string): string => (JWT_LIKE.test(s) ? fingerprint(s) : cap(s));
const secret = (value: unknown): unknown =>
  typeof value === 'string' ? fingerprint(value) : fingerprint(JSON.stringify(value) ?? '');

/** Claim names of a claims object (`{given_name: ...}`) or claims description (`[{path: [...]}]`), never values. */
function claimNames(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ITEMS).map((c) => {
      const path = (c as { path?: unknown })?.path;
      return Array.isArray(path)
        ? path
            .map((p) => (typeof p === 'string' ? cap(p, 100) : typeof p === 'number' || p === null ? p : '?'))
            .join('.')
        : '?';
    });
  }
  if (value && typeof value === 'object') return Object.keys(value).slice(0, MAX_KEYS);
  return '<claims>';
}

/** Redacts a parsed body or query: secrets fingerprinted, tx_code withheld, claims as names. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= MAX_DEPTH) return '<nested>';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => redactValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
      const name = cap(key, 100);
      if (WITHHELD_FIELDS.has(key)) out[name] = WITHHELD;
      else if (CLAIM_FIELDS.has(key)) out[name] = claimNames(v);
      else if (key === 'proofs' || key === 'proof') out[name] = redactProofs(v);
      else if (SECRET_FIELDS.has(key) || SECRET_FIELD.test(key))
        out[name] = Array.isArray(v) ? v.slice(0, MAX_ITEMS).map(secret) : secret(v);
      else out[name] = redactValue(v, depth + 1);
    }
    return out;
  }
  return `<${typeof value}>`;
}

/** `proofs: {jwt: [...]}` (1.0) or `proof: {proof_type, jwt}` (drafts): the proofs fingerprinted, the proof type kept. */
function redactProofs(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return secret(value);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .slice(0, MAX_KEYS)
      .map(([k, v]) => [
        cap(k, 100),
        k === 'proof_type' && typeof v === 'string'
          ? cap(v, 100)
          : Array.isArray(v)
            ? v.slice(0, MAX_ITEMS).map(secret)
            : secret(v),
      ]),
  );
}

function redactHeader(name: string, value: string, policy: RedactionPolicy): string | undefined {
  if (ADDRESS_HEADERS.has(name)) {
    if (policy.clientIp === 'none') return undefined;
    return value
      .split(',')
      .map(
        (part) =>
          maskIp(
            part
              .trim()
              .replace(/^for=/i, '')
              .replace(/^"?\[?|\]?"?$/g, '')
              .replace(/:\d+$/, ''),
          ) ?? '<address>',
      )
      .join(', ');
  }
  if (INFRASTRUCTURE_HEADER.test(name)) return policy.keepInfrastructureHeaders ? cap(value, 1024) : undefined;
  if (name === 'authorization' || name === 'proxy-authorization') {
    const m = /^(\S+)\s+(.+)$/.exec(value);
    return m && m[1].length <= 20 ? `${m[1]} ${fingerprint(m[2])}` : fingerprint(value);
  }
  if (SECRET_HEADERS.has(name) || SECRET_NAME.test(name)) return fingerprint(value);
  return redactString(value);
}

/** Redacts request headers by the policy; infrastructure headers kept or dropped by configuration. */
export function redactHeaders(
  headers: IncomingHttpHeaders,
  policy: RedactionPolicy = DEFAULT_REDACTION_POLICY,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawName, raw] of Object.entries(headers).slice(0, 64)) {
    if (raw === undefined) continue;
    const name = rawName.toLowerCase();
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    const redacted = redactHeader(name, value, policy);
    if (redacted !== undefined) out[cap(name, 100)] = redacted;
  }
  return out;
}

/**
 * Redacts one request. `body` is what the framework parsed: an object for JSON and form bodies,
 * a string or Buffer otherwise (recorded as a fingerprint: its content is unknown).
 */
export function redactRequest(
  request: { headers: IncomingHttpHeaders; query?: unknown; body?: unknown; ip?: string },
  policy: RedactionPolicy = DEFAULT_REDACTION_POLICY,
): RedactedRequest {
  const out: RedactedRequest = { headers: redactHeaders(request.headers, policy) };
  const query = request.query;
  if (query && typeof query === 'object' && Object.keys(query).length > 0)
    out.query = redactValue(query) as Record<string, unknown>;
  const body = request.body;
  if (body !== undefined && body !== null) {
    if (body instanceof UnparsableBody) out.body = body.toString();
    else if (Buffer.isBuffer(body)) out.body = fingerprint(body.toString('latin1'));
    else if (typeof body === 'string') out.body = fingerprint(body);
    else out.body = redactValue(body);
  }
  const ip = policy.clientIp === 'masked' ? maskIp(request.ip) : undefined;
  if (ip) out.client_ip = ip;
  return out;
}
