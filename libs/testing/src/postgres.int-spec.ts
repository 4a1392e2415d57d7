// The Postgres side of the test infrastructure: the database the global setup prepared, a fresh
// database on demand, and the private-cluster fallback for machines without a server.
import { Client } from 'pg';
import { createDatabase, findPostgresBinDir, startPrivatePostgres, testDatabaseSuffix, withDatabase } from './postgres';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('Postgres for tests', () => {
  it('exports DATABASE_URL pointing at a fresh hallmark_test database', async () => {
    const url = process.env.DATABASE_URL!;
    expect(new URL(url).pathname).toBe(`/hallmark_test${testDatabaseSuffix()}`);
    const [row] = await query<{ db: string }>(url, 'SELECT current_database() AS db');
    expect(row.db).toBe(`hallmark_test${testDatabaseSuffix()}`);
  });

  it('createDatabase drops and recreates a database, even with open sessions', async () => {
    const name = `hallmark_scratch_${process.pid}`;
    const url = await createDatabase(process.env.DATABASE_URL!, name);
    expect(url).toBe(withDatabase(process.env.DATABASE_URL!, `${name}${testDatabaseSuffix()}`));
    await query(url, 'CREATE TABLE leftover (id int)');
    const open = new Client({ connectionString: url });
    await open.connect();
    open.on('error', () => undefined); // terminated by DROP ... WITH (FORCE)
    try {
      await createDatabase(url, name); // connected to `name` itself: goes through `postgres`
      const rows = await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'leftover'");
      expect(rows).toHaveLength(0);
    } finally {
      await open.end().catch(() => undefined);
      const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}${testDatabaseSuffix()}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('rejects database names that would need quoting', async () => {
    await expect(createDatabase(process.env.DATABASE_URL!, 'x"; DROP')).rejects.toThrow(/invalid database name/);
  });

  (findPostgresBinDir() ? it : it.skip)('starts and stops a private cluster from the server binaries', async () => {
    const pg = await startPrivatePostgres();
    try {
      const url = await createDatabase(pg.url, 'hallmark_private');
      const [row] = await query<{ db: string }>(url, 'SELECT current_database() AS db');
      expect(row.db).toBe(`hallmark_private${testDatabaseSuffix()}`);
    } finally {
      await pg.stop();
    }
    await expect(query(pg.url, 'SELECT 1')).rejects.toThrow();
  });
});
