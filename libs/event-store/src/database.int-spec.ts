import { PreparingClient } from './database';

describe('PreparingClient (real Postgres)', () => {
  it('prepares a parameterised statement once per connection and reuses it; plain statements stay unnamed', async () => {
    const client = new PreparingClient({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const v of [1, 2, 3]) expect((await client.query('SELECT $1::int AS v', [v])).rows).toEqual([{ v }]);
      await client.query('SELECT 42');
      const prepared = (await client.query('SELECT statement FROM pg_prepared_statements')).rows.map((r: { statement: string }) => r.statement);
      expect(prepared).toEqual(['SELECT $1::int AS v']);
      // The callback form TypeORM uses goes through the same path.
      const viaCallback = await new Promise((resolve, reject) => client.query('SELECT $1::text AS t', ['x'], (err: Error, r: { rows: unknown[] }) => (err ? reject(err) : resolve(r.rows))));
      expect(viaCallback).toEqual([{ t: 'x' }]);
      expect((await client.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).rows).toEqual([{ n: 2 }]);
    } finally {
      await client.end();
    }
  });
});
