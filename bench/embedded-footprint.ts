import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { EmbeddedHallmark, REPO_ROOT } from '@hallmark/testing';
import { descendants, pssMb, rssMb } from './issuance/process-stats';

/**
 * The one-process default's footprint: time from spawn to ready, resident memory after start and
 * after N sessions (each created through the admin API and its offer fetched once), for the Node
 * process and its PostgreSQL processes. Numbers, not assertions: see bench/results/.
 */
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

/** The Node process's RSS, and its PostgreSQL processes' PSS (shared buffers split fairly, so the sum is honest). */
const memory = (pid: number) => {
  const node = rssMb(pid) ?? 0;
  const db = descendants(pid).reduce((sum, p) => sum + (pssMb(p) ?? 0), 0);
  return { node_rss_mb: +node.toFixed(1), postgres_pss_mb: +db.toFixed(1), total_mb: +(node + db).toFixed(1) };
};

async function main(): Promise<void> {
  const logDir = join(REPO_ROOT, 'tmp', 'bench-logs');
  const t0 = performance.now();
  const hallmark = await EmbeddedHallmark.start({ logDir });
  const firstStartMs = performance.now() - t0;
  await hallmark.stopProcess();
  const t1 = performance.now();
  await hallmark.startProcess();
  const restartMs = performance.now() - t1;
  const pid = hallmark.pid!;
  const afterStart = memory(pid);

  const token = hallmark.adminToken;
  let next = 0;
  let errors = 0;
  const t2 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < SESSIONS) {
        next += 1;
        const r = await fetch(`${hallmark.baseUrl}/admin/sessions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            credential_configuration_ids: ['age_verification_sd_jwt'],
            claims: { age_verification_sd_jwt: { age_over_18: true } },
          }),
        });
        const body = (await r.json()) as { credential_offer_uri?: string };
        if (r.status !== 201 || !body.credential_offer_uri) {
          errors += 1;
          continue;
        }
        const offer = await fetch(body.credential_offer_uri);
        await offer.arrayBuffer();
        if (offer.status !== 200) errors += 1;
      }
    }),
  );
  const sessionsSeconds = (performance.now() - t2) / 1000;
  const afterSessions = memory(pid);
  await hallmark.stop();

  const result = {
    benchmark: 'embedded-footprint',
    at: new Date().toISOString(),
    machine: { cpus: (await import('os')).cpus().length, node: process.version },
    first_start_to_ready_ms: Math.round(firstStartMs),
    restart_to_ready_ms: Math.round(restartMs),
    memory_after_start: afterStart,
    sessions: SESSIONS,
    concurrency: CONCURRENCY,
    sessions_per_second: +(SESSIONS / sessionsSeconds).toFixed(1),
    errors,
    memory_after_sessions: afterSessions,
  };
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench', 'results', 'embedded-footprint.json'), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (errors) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
