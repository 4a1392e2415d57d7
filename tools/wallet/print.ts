import { X509Certificate } from 'crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
// The independent wallet lives with the end-to-end suite, which uses it too; one implementation.
import {
  checkX5cChain,
  inspectSdJwtVc,
  verifyJwtVc,
  verifySdJwtVc,
  type CredentialBatch,
  type Exchange,
} from '@hallmark/test-wallet';

const REDACTED_HEADER_MEMBERS = ['x5c'];

const oneLine = (name: string): string => name.split('\n').join(', ');
const show = (v: unknown): string => JSON.stringify(v);
const time = (v: unknown): string => (typeof v === 'number' ? `${v} (${new Date(v * 1000).toISOString()})` : show(v));

function headerLine(header: Record<string, unknown>): string {
  const shown = Object.fromEntries(
    Object.entries(header).map(([k, v]) =>
      REDACTED_HEADER_MEMBERS.includes(k) && Array.isArray(v) ? [k, `[${v.length} certificate(s)]`] : [k, v],
    ),
  );
  return show(shown);
}

function certificateLines(certificates: X509Certificate[]): string[] {
  const lines = certificates.map(
    (c, i) =>
      `    x5c[${i}] subject: ${oneLine(c.subject)}; issuer: ${oneLine(c.issuer)}; valid ${c.validFrom} - ${c.validTo}`,
  );
  try {
    const { anchorIssuer } = checkX5cChain(certificates);
    lines.push(
      `    chain: each certificate issued by the next, all valid now; trust anchor (not included): ${oneLine(anchorIssuer)}`,
    );
  } catch (err) {
    lines.push(`    chain: NOT a valid path: ${(err as Error).message}`);
  }
  return lines;
}

async function holderLine(jwk: unknown, batch: CredentialBatch): Promise<string> {
  if (!jwk || typeof jwk !== 'object') return '    cnf: no jwk (not bound to a key)';
  const jkt = await calculateJwkThumbprint(jwk as JWK);
  const i = batch.holderKeys.findIndex((k) => k.jkt === jkt);
  return `    cnf.jwk thumbprint: ${jkt} (${i >= 0 ? `the key of proof ${i + 1}` : 'NOT one of the proof keys'})`;
}

async function sdJwtVcLines(compact: string, batch: CredentialBatch): Promise<string[]> {
  const view = await inspectSdJwtVc(compact);
  const lines: string[] = [];
  try {
    await verifySdJwtVc(compact);
    lines.push('  verified: issuer signature with the x5c[0] key, disclosure digests, iat/exp');
  } catch (err) {
    lines.push(`  NOT verified: ${(err as Error).message}`);
  }
  lines.push('  header:', `    ${headerLine(view.header)}`);
  if (view.certificates.length) lines.push('  issuer certificates:', ...certificateLines(view.certificates));
  lines.push('  payload (issuer-signed):');
  for (const [name, value] of Object.entries(view.payload)) {
    if (name === '_sd') lines.push(`    _sd: ${(value as unknown[]).length} digest(s)`);
    else if (name === 'cnf') lines.push(await holderLine((value as { jwk?: unknown }).jwk, batch));
    else if (['iat', 'exp', 'nbf'].includes(name)) lines.push(`    ${name}: ${time(value)}`);
    else lines.push(`    ${name}: ${show(value)}`);
  }
  lines.push(`  disclosures (${view.disclosures.length}):`);
  for (const d of view.disclosures) lines.push(`    ${d.name ?? '(array element)'}: ${show(d.value)}`);
  return lines;
}

async function jwtLines(compact: string, batch: CredentialBatch): Promise<string[]> {
  const header = decodeProtectedHeader(compact) as Record<string, unknown>;
  const payload = decodeJwt(compact);
  const lines: string[] = [];
  try {
    await verifyJwtVc(compact);
    lines.push('  verified: issuer signature with the x5c[0] key, iat/exp');
  } catch (err) {
    lines.push(`  NOT verified: ${(err as Error).message}`);
  }
  lines.push('  header:', `    ${headerLine(header)}`);
  const x5c = header.x5c;
  if (Array.isArray(x5c) && x5c.length)
    lines.push(
      '  issuer certificates:',
      ...certificateLines(x5c.map((c) => new X509Certificate(Buffer.from(String(c), 'base64')))),
    );
  lines.push('  payload:');
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'cnf') lines.push(await holderLine((value as { jwk?: unknown }).jwk, batch));
    else lines.push(`    ${name}: ${['iat', 'exp', 'nbf'].includes(name) ? time(value) : show(value)}`);
  }
  return lines;
}

/** A readable account of each credential of a batch. */
export async function describeBatch(
  batch: CredentialBatch,
  configurationId: string,
  format: string | undefined,
): Promise<string> {
  const out: string[] = [];
  for (const [i, credential] of batch.credentials.entries()) {
    out.push(`Credential ${i + 1} of ${batch.credentials.length} (${configurationId}, format ${format ?? 'unknown'})`);
    try {
      if (typeof credential !== 'string') out.push('  (not a string credential)', `  ${show(credential)}`);
      else if (credential.includes('~')) out.push(...(await sdJwtVcLines(credential, batch)));
      else if (credential.split('.').length === 3) out.push(...(await jwtLines(credential, batch)));
      else out.push(`  ${credential}`);
    } catch (err) {
      out.push(`  could not decode: ${(err as Error).message}`, `  ${show(credential)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function describeExchanges(exchanges: Exchange[]): string {
  return exchanges.map((e) => `  ${e.method} ${e.url} -> ${e.status}`).join('\n');
}
