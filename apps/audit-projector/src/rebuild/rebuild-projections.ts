import { DataSource } from 'typeorm';
import type { ServiceName } from '@hallmark/contracts';
import { EventStore } from '@hallmark/event-store';
import type { ReplaySource } from '@hallmark/platform';
import { applyEvents } from '../session-projection.writer';

/** Events applied at once, as the live consumer's largest batches: a replay costs a few statements per batch. */
const REPLAY_BATCH = 500;

/** Where each producing service keeps its events (override with HALLMARK_REBUILD_SOURCES). */
export const SERVICE_SCHEMAS: Array<[ServiceName, string]> = [
  ['offer-service', 'hallmark_offer'],
  ['authorization-server', 'hallmark_authorization'],
  ['credential-service', 'hallmark_credential'],
];

/** The configured sources (HALLMARK_REBUILD_SOURCES), or every producing service's schema in DATABASE_URL. */
export function replaySources(configured: ReplaySource[] | undefined, databaseUrl: string): ReplaySource[] {
  return configured ?? SERVICE_SCHEMAS.map(([service, schema]) => ({ service, url: databaseUrl, schema }));
}

/**
 * Drops the projections and replays every service's event store through the same projection
 * code the live consumer runs, in one transaction: readers see the old projections until the
 * new ones are complete. Live events arriving meanwhile wait and then find their entries there.
 */
export async function rebuildProjections(db: DataSource, sources: ReplaySource[]): Promise<{ events: number }> {
  const stores: DataSource[] = [];
  try {
    const readers: EventStore[] = [];
    for (const source of sources) {
      const ds = new DataSource({
        type: 'postgres',
        url: source.url,
        extra: { max: 2, options: `-c search_path=${source.schema}` },
      });
      await ds.initialize();
      stores.push(ds);
      const [{ present }] = await ds.query(`SELECT to_regclass('${source.schema}.events') IS NOT NULL AS present`);
      if (present) readers.push(new EventStore(ds, source.service));
    }
    let events = 0;
    await db.transaction(async (em) => {
      await em.query('TRUNCATE timeline_entries, session_summaries, unattributed_requests');
      for (const reader of readers) {
        for await (const batch of inBatches(reader.readAll(), REPLAY_BATCH)) {
          await applyEvents(
            em,
            batch.map((stored) => stored.envelope),
          );
          events += batch.length;
        }
      }
    });
    return { events };
  } finally {
    await Promise.all(stores.map((s) => s.destroy()));
  }
}

async function* inBatches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  const batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) yield batch.splice(0);
  }
  if (batch.length) yield batch;
}

/** A digest of the projections, for comparing a rebuild with the live state. */
export async function projectionChecksum(db: DataSource): Promise<string> {
  const [t] = await db.query(
    `SELECT md5(coalesce(string_agg(row_to_json(t)::text, '|' ORDER BY event_id), '')) AS digest FROM timeline_entries t`,
  );
  const [s] = await db.query(
    `SELECT md5(coalesce(string_agg(row_to_json(s)::text, '|' ORDER BY session_id), '')) AS digest FROM session_summaries s`,
  );
  const [u] = await db.query(
    `SELECT md5(coalesce(string_agg(row_to_json(u)::text, '|' ORDER BY event_id), '')) AS digest FROM unattributed_requests u`,
  );
  return `${t.digest}:${s.digest}:${u.digest}`;
}
