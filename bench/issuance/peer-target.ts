import { spawn, spawnSync } from 'child_process';
import { createWriteStream, existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { REPO_ROOT, form, freePort, stopProcess, waitForHttp } from '@hallmark/testing';
import type { HttpClient } from './http-client';
import { BENCH_LOG_DIR, type RunningTarget } from './targets';
import { PID, PRE_AUTH, issued, keyProof, stepTimer, type FlowResult, type KeyPool } from './wallet-flow';

const PEER_DIR = join(REPO_ROOT, 'bench', 'peer');
const PID_CLAIMS = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', nationalities: ['DE'] };

/** Where the peer's flow is not Hallmark's (recorded with its results). */
export const PEER_DIFFERENCES = [
  'no DPoP: OID4VCIServer 0.20.1 does not pass DPoP options to its token endpoint (a DPoP header is refused as unsupported), so the token is a Bearer token: one /token request instead of two (no DPoP nonce challenge), no DPoP proof verified at /token or /credential',
  'session creation: POST /webapp/credential-offers (offerMode REFERENCE), which has no authentication in the packaged server, with the claims as credentialDataSupplierInput',
  'state in memory (withInMemory* state managers, the README setup): nothing is persisted, no event log, no audit timeline; so no projection lag to measure',
  'no personal-data sealing, no replay ledger, no x5c chain in the credential (the SD-JWT VC is signed with a bare key)',
  'batch issuance: the issuer verifies the first valid proof and returns one credential, so the batch-of-5 variant is not run',
];

function ensureInstalled(): void {
  if (existsSync(join(PEER_DIR, 'node_modules', '@sphereon', 'oid4vci-issuer-server'))) return;
  const r = spawnSync('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm ci --prefix bench/peer failed (exit ${r.status})`);
}

/** Sphereon's issuer server (bench/peer/sphereon-issuer.js) in its own process. */
export async function startPeer(): Promise<RunningTarget> {
  ensureInstalled();
  const port = await freePort();
  mkdirSync(BENCH_LOG_DIR, { recursive: true });
  const log = createWriteStream(join(BENCH_LOG_DIR, 'peer.log'), { flags: 'a' });
  // Its request logging goes to the console at info level: keep it, as a deployment would, but in a file.
  const child = spawn(process.execPath, ['sphereon-issuer.js'], {
    cwd: PEER_DIR,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/.well-known/openid-credential-issuer`, child);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return {
    name: 'peer',
    baseUrl,
    adminToken: '',
    readToken: '',
    differences: PEER_DIFFERENCES,
    batch: false,
    processes: () => ({ 'sphereon issuer (node)': [child.pid!] }),
    runFlow: (client, keys) => peerFlow(baseUrl, client, keys),
    stop: async () => {
      await stopProcess(child);
      log.end();
    },
  };
}

/** The same wallet steps against the peer, as far as it supports them (see PEER_DIFFERENCES). */
async function peerFlow(baseUrl: string, client: HttpClient, keys: KeyPool): Promise<FlowResult> {
  const steps: [string, number][] = [];
  const timed = stepTimer(steps);
  const created = await timed(
    'POST /admin/sessions',
    (a) => a.status === 200 && typeof a.body?.uri === 'string',
    () =>
      client.call('POST', `${baseUrl}/webapp/credential-offers`, {
        body: {
          credential_configuration_ids: [PID],
          grants: { [PRE_AUTH]: { 'pre-authorized_code': crypto.randomUUID() } },
          credentialDataSupplierInput: { claims: PID_CLAIMS },
          offerMode: 'REFERENCE',
        },
      }),
  );
  const offerUri = new URL(created.body.uri).searchParams.get('credential_offer_uri')!;
  const offer = await timed(
    'GET /offers/{ref}',
    (a) => a.status === 200,
    () => client.call('GET', offerUri),
  );
  const code = offer.body.grants[PRE_AUTH]['pre-authorized_code'] as string;
  const token = await timed(
    'POST /token',
    (a) => a.status === 200 && !!a.body?.access_token,
    () =>
      client.call('POST', `${baseUrl}/token`, {
        raw: form({ grant_type: PRE_AUTH, 'pre-authorized_code': code }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
  );
  const nonce = await timed(
    'POST /nonce',
    (a) => a.status === 200,
    () => client.call('POST', `${baseUrl}/nonce`),
  );
  const [holder] = keys.take(1);
  const proof = await keyProof(holder, baseUrl, nonce.body.c_nonce);
  await timed('POST /credential', issued(1), () =>
    client.call('POST', `${baseUrl}/credential`, {
      body: { credential_configuration_id: PID, proofs: { jwt: [proof] } },
      headers: { authorization: `Bearer ${token.body.access_token}` },
    }),
  );
  return { steps };
}
