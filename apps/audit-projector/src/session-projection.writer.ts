import type { EntityManager } from 'typeorm';
import { isUnattributed, type RawEventEnvelope } from '@hallmark/contracts';
import { toTimelineEntry, type TimelineEntry } from './session-timeline/timeline-entry';
import { SUMMARY_DATA_FIELDS, summarize, type SummaryInput } from './session-summary/session-summary';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const rowToEntry = (r: Record<string, any>): TimelineEntry => ({
  event_id: r.event_id,
  session_id: r.session_id,
  occurred_at: new Date(r.occurred_at).toISOString(),
  type: r.type,
  level: r.level,
  source: r.source,
  endpoint: r.endpoint,
  message: r.message,
  data: r.data,
  trace_id: r.trace_id,
  request_id: r.request_id,
});

export const TIMELINE_COLUMNS =
  'event_id, session_id, occurred_at, type, level, source, endpoint, message, data, trace_id, request_id';

/** Rows travel as one JSON parameter (jsonb_to_recordset): any batch size, far from the 65535 bind parameters. */
const TIMELINE_RECORD = `event_id uuid, session_id text, occurred_at timestamptz, type text, level text, source text,
  endpoint text, message text, data jsonb, trace_id text, request_id text`;

const SUMMARY_COLUMNS = `session_id, status, grant_type, credential_configuration_ids, created_at, updated_at, expires_at,
  event_count, offer_retrievals, last_error`;
const SUMMARY_RECORD = `session_id text, status text, grant_type text, credential_configuration_ids text[], created_at timestamptz,
  updated_at timestamptz, expires_at timestamptz, event_count integer, offer_retrievals integer, last_error jsonb`;

/** The sessions' entries as summaries read them: each request's recorded headers and body stay in the table. */
const SUMMARY_INPUT_QUERY = `SELECT session_id, event_id, type, level, message, occurred_at,
  jsonb_strip_nulls(jsonb_build_object(${SUMMARY_DATA_FIELDS.map((f) => `'${f}', data->'${f}'`).join(', ')})) AS data
  FROM timeline_entries WHERE session_id = ANY($1::text[])`;

const UNATTRIBUTED_COLUMNS =
  'event_id, occurred_at, type, level, outcome, source, endpoint, message, data, trace_id, request_id';
const UNATTRIBUTED_RECORD = `event_id uuid, occurred_at timestamptz, type text, level text, outcome text, source text,
  endpoint text, message text, data jsonb, trace_id text, request_id text`;

/**
 * Applies a batch of events to the projections (call it inside a transaction) in a fixed number
 * of statements, whatever the batch size. Entries are keyed by event id, so a redelivered event
 * inserts nothing and changes nothing; a summary is recomputed from all the session's entries, so
 * arrival order does not matter.
 */
export async function applyEvents(em: EntityManager, events: readonly RawEventEnvelope[]): Promise<void> {
  const entries = events.map(toTimelineEntry);
  const attributed = entries.filter((e) => !isUnattributed(e.session_id));
  const unattributed = entries.filter((e) => isUnattributed(e.session_id));
  if (attributed.length) await applyToSessions(em, attributed);
  if (unattributed.length) await applyUnattributed(em, unattributed);
}

async function applyToSessions(em: EntityManager, entries: TimelineEntry[]): Promise<void> {
  // One round trip: the entries; for each session that got a new one, a notification delivered on
  // commit to every projector replica's live viewers, and the lock that serialises the session's
  // summary updates across consumers and replicas. Every batch takes its locks in the order of
  // their keys (Postgres sorts before it evaluates them), so two batches never wait in a cycle.
  const changed: Array<{ session_id: string }> = await em.query(
    `WITH inserted AS (
       INSERT INTO timeline_entries (${TIMELINE_COLUMNS})
       SELECT ${TIMELINE_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS e(${TIMELINE_RECORD})
       ON CONFLICT (event_id) DO NOTHING RETURNING session_id)
     SELECT session_id, pg_notify('hallmark_timeline', session_id), pg_advisory_xact_lock(hashtext('summary:' || session_id))
       FROM (SELECT DISTINCT session_id FROM inserted) s
      ORDER BY hashtext('summary:' || session_id), session_id`,
    [JSON.stringify(entries)],
  );
  if (!changed.length) return;
  const sessions = changed.map((r) => r.session_id);
  const rows: Array<Record<string, any>> = await em.query(SUMMARY_INPUT_QUERY, [sessions]); // eslint-disable-line @typescript-eslint/no-explicit-any
  const bySession = new Map<string, SummaryInput[]>(sessions.map((id) => [id, []]));
  for (const row of rows) {
    bySession.get(row.session_id)!.push({
      event_id: row.event_id,
      type: row.type,
      level: row.level,
      message: row.message,
      occurred_at: new Date(row.occurred_at).toISOString(),
      data: row.data,
    });
  }
  const summaries = [...bySession].map(([id, sessionEntries]) => summarize(id, sessionEntries));
  await em.query(
    `INSERT INTO session_summaries (${SUMMARY_COLUMNS})
     SELECT ${SUMMARY_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS s(${SUMMARY_RECORD})
     ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, grant_type = EXCLUDED.grant_type,
       credential_configuration_ids = EXCLUDED.credential_configuration_ids, created_at = EXCLUDED.created_at,
       updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at, event_count = EXCLUDED.event_count,
       offer_retrievals = EXCLUDED.offer_retrievals, last_error = EXCLUDED.last_error`,
    [JSON.stringify(summaries)],
  );
}

export { rowToEntry };

/** Requests without a session go to their own log; `outcome` is what the admin API filters on. */
async function applyUnattributed(em: EntityManager, entries: TimelineEntry[]): Promise<void> {
  const rows = entries.map((e) => ({ ...e, outcome: e.level === 'warn' || e.level === 'error' ? 'error' : 'ok' }));
  await em.query(
    `INSERT INTO unattributed_requests (${UNATTRIBUTED_COLUMNS})
     SELECT ${UNATTRIBUTED_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS u(${UNATTRIBUTED_RECORD})
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}
