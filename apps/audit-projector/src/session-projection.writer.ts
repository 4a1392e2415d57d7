import type { EntityManager } from 'typeorm';
import { isUnattributed, type EventEnvelope } from '@hallmark/contracts';
import { toTimelineEntry, type TimelineEntry } from './session-timeline/timeline-entry';
import { summarize } from './session-summary/session-summary';

const rowToEntry = (r: Record<string, any>): TimelineEntry => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
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

export const TIMELINE_COLUMNS = 'event_id, session_id, occurred_at, type, level, source, endpoint, message, data, trace_id, request_id';

/**
 * Applies one event to both projections (call it inside a transaction). The entry is keyed by event id, so a
 * redelivered event inserts nothing and changes nothing; the summary is recomputed from all the
 * session's entries, so arrival order does not matter.
 */
export async function applyEvent(em: EntityManager, event: EventEnvelope): Promise<boolean> {
  if (isUnattributed(event.session_id)) return applyUnattributed(em, event);
  {
    const e = toTimelineEntry(event);
    // One round trip: the entry; when it is new, a notification delivered on commit to every
    // projector replica's live viewers of this session, and the lock that serialises summary
    // updates of one session across consumers and replicas.
    const inserted = await em.query(
      `WITH inserted AS (
         INSERT INTO timeline_entries (${TIMELINE_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
         ON CONFLICT (event_id) DO NOTHING RETURNING session_id)
       SELECT pg_notify('hallmark_timeline', session_id), pg_advisory_xact_lock(hashtext('summary:' || session_id)) FROM inserted`,
      [e.event_id, e.session_id, e.occurred_at, e.type, e.level, e.source, e.endpoint, e.message, JSON.stringify(e.data), e.trace_id, e.request_id],
    );
    if (!inserted.length) return false;
    const rows = await em.query(`SELECT ${TIMELINE_COLUMNS} FROM timeline_entries WHERE session_id = $1`, [e.session_id]);
    const s = summarize(e.session_id, rows.map(rowToEntry));
    await em.query(
      `INSERT INTO session_summaries (session_id, status, grant_type, credential_configuration_ids, created_at, updated_at,
                                      expires_at, event_count, offer_retrievals, last_error)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, grant_type = EXCLUDED.grant_type,
         credential_configuration_ids = EXCLUDED.credential_configuration_ids, created_at = EXCLUDED.created_at,
         updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at, event_count = EXCLUDED.event_count,
         offer_retrievals = EXCLUDED.offer_retrievals, last_error = EXCLUDED.last_error`,
      [s.session_id, s.status, s.grant_type, s.credential_configuration_ids, s.created_at, s.updated_at, s.expires_at, s.event_count, s.offer_retrievals, s.last_error ? JSON.stringify(s.last_error) : null],
    );
    return true;
  }
}

export { rowToEntry };

/** Requests without a session go to their own log; `outcome` is what the admin API filters on. */
async function applyUnattributed(em: EntityManager, event: EventEnvelope): Promise<boolean> {
  const e = toTimelineEntry(event);
  const rows = await em.query(
    `INSERT INTO unattributed_requests (event_id, occurred_at, type, level, outcome, source, endpoint, message, data, trace_id, request_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [e.event_id, e.occurred_at, e.type, e.level, e.level === 'warn' || e.level === 'error' ? 'error' : 'ok', e.source, e.endpoint, e.message, JSON.stringify(e.data), e.trace_id, e.request_id],
  );
  return rows.length > 0;
}
