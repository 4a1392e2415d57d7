// A PostgreSQL server for tests: DATABASE_URL when set, else the local default server, else a
// private throw-away cluster started from the installed server binaries.
import { spawnSync } from 'child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { freePort } from './processes';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresHandle {
  url: string;
  /** Present only when a private cluster was started: stops it and removes its files. */
  stop?: () => Promise<void>;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensurePostgres(): Promise<PostgresHandle> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  if (await canConnect(DEFAULT_POSTGRES_URL)) return { url: DEFAULT_POSTGRES_URL };
  return startPrivatePostgres();
}

/** The newest installed server's bin dir (Debian layout, then PG_BIN, then `pg_config --bindir`). */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** uid/gid of an OS user, from /etc/passwd. */
function osUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * initdb + start a private cluster in a temp dir on a free port (trust auth, superuser `postgres`,
 * durability off: a test server). PostgreSQL refuses to run as root, so as root the binaries run
 * as the `postgres` OS user.
 */
export async function startPrivatePostgres(): Promise<Required<PostgresHandle>> {
  const bin = findPostgresBinDir();
  if (!bin) {
    throw new Error(
      'no PostgreSQL reachable at DATABASE_URL or 127.0.0.1:5432, and no server binaries found ' +
        '(looked in PG_BIN, /usr/lib/postgresql/*/bin, pg_config --bindir)',
    );
  }
  let runAs: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    runAs = osUser('postgres');
    if (!runAs) throw new Error('running as root, and there is no `postgres` OS user to run the server as');
  }
  const dir = mkdtempSync(join(tmpdir(), 'hallmark-pg-'));
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const result = spawnSync(join(bin, cmd), args, {
      encoding: 'utf8',
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAs ?? {}),
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `${cmd} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout ?? ''}${result.stderr ?? ''}`,
      );
    }
  };

  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync', '--no-instructions']);
  } catch (err) {
    // --no-instructions needs PostgreSQL 14+; retry without it for older servers.
    if (!/no-instructions/.test((err as Error).message)) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    rmSync(data, { recursive: true, force: true });
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  }

  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  try {
    run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', serverOptions, '-w', '-t', '60', 'start']);
  } catch (err) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'postgres.log'), 'utf8').slice(-4000);
    } catch {
      /* none */
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`);
  }

  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const testDatabaseSuffix = (): string => process.env.HALLMARK_TEST_DB_SUFFIX ?? '';

/** Replaces the database name in a postgres:// URL, keeping credentials, host and query. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/**
 * Drops `name` if it exists (disconnecting its sessions) and creates it afresh; returns its URL.
 * `HALLMARK_TEST_DB_SUFFIX` is appended to every name, so two checkouts can run their suites
 * against one server at the same time.
 */
export async function createDatabase(baseUrl: string, requested: string): Promise<string> {
  const name = requested.endsWith(testDatabaseSuffix()) ? requested : `${requested}${testDatabaseSuffix()}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  // One cannot drop the database one is connected to: go through the maintenance database then.
  const current = decodeURIComponent(new URL(baseUrl).pathname.replace(/^\//, ''));
  const adminUrl = current === name ? withDatabase(baseUrl, 'postgres') : baseUrl;
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return withDatabase(baseUrl, name);
}
