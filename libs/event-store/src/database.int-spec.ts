import { PreparingClient } from './database';

describe('PreparingClient (real Postgres)', () => {
  it('prepares a parameterised statement once per connection and reuses it; plain statements stay unnamed', async () => {
    const client = new PreparingClient({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const v of [1, 2, 3]) expect((await client.query('SELECT $1::int AS v', [v])).rows).toEqual([{ v }]);
      await client.query('SELECT 42');
      const prepared = (await client.query('SELECT statement FROM pg_prepared_statements')).rows.map(
        (r: { statement: string }) => r.statement,
      );
      expect(prepared).toEqual(['SELECT $1::int AS v']);
      // The callback form TypeORM uses goes through the same path.
      const viaCallback = await new Promise((resolve, reject) =>
        client.query('SELECT $1::text AS t', ['x'], (err: Error, r: { rows: unknown[] }) =>
          err ? reject(err) : resolve(r.rows),
        ),
      );
      expect(viaCallback).toEqual([{ t: 'x' }]);
      expect((await client.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows).toEqual([{ n: 2 }]);
    } finally {
      await client.end();
    }
  });
});

describe('openDatabase without prepared statements (a pooler that cannot keep them)', () => {
  it('leaves every statement unnamed', async () => {
    const { openDatabase } = await import('./database');
    const schema = `prep_off_${process.pid}`;
    const ds = await openDatabase({
      url: process.env.DATABASE_URL!,
      schema,
      migrations: [],
      preparedStatements: false,
    });
    try {
      // One connection for both statements: the prepared statement would be visible on it.
      const n = await ds.transaction(async (em) => {
        await em.query('SELECT $1::int AS v', [1]);
        return (await em.query('SELECT count(*)::int AS n FROM pg_prepared_statements'))[0].n;
      });
      expect(n).toBe(0);
    } finally {
      await ds.query(`DROP SCHEMA ${schema} CASCADE`);
      await ds.destroy();
    }
  });
});
