import { randomBytes, randomUUID } from 'crypto';
import type { DataSource, EntityManager } from 'typeorm';

/*
 * One issuance flow, as the services issue it, with their SQL text copied from
 * libs/event-store/src/event-store.ts, outbox-relay.ts, apps/offer-service (create-session) and
 * apps/audit-projector/src/session-projection.writer.ts. Only the database work is modelled: no
 * HTTP, no JSON-schema validation, no signing. The same code runs against every engine.
 */

const COLUMNS = `global_position, transaction_id::text AS transaction_id, event_id, event_type, schema_version,
  stream_id, stream_version, session_id, occurred_at, recorded_at, source, correlation_id, causation_id,
  traceparent, tracestate, data`;
const TIMELINE_COLUMNS =
  'event_id, session_id, occurred_at, type, level, source, endpoint, message, data, trace_id, request_id';

export interface NewEvent {
  event_type: string;
  data: Record<string, unknown>;
}

/** EventStoreTransaction.append: stream lock, version check, one multi-row INSERT ... RETURNING. */
export async function append(
  em: EntityManager,
  streamId: string,
  sessionId: string,
  expected: number,
  events: NewEvent[],
  source: string,
): Promise<Array<Record<string, unknown>>> {
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [streamId]);
  const [{ version }] = await em.query(
    'SELECT coalesce(max(stream_version), 0)::int AS version FROM events WHERE stream_id = $1',
    [streamId],
  );
  if (version !== expected) throw new Error(`stream ${streamId} is at version ${version}, expected ${expected}`);
  const now = new Date().toISOString();
  const params: unknown[] = [];
  const tuples = events.map((e, i) => {
    const values = [
      randomUUID(),
      e.event_type,
      1,
      streamId,
      version + i + 1,
      sessionId,
      now,
      source,
      randomUUID(),
      null,
      `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      null,
      JSON.stringify(e.data),
    ];
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, j) => `$${start + j + 1}`).join(', ')})`;
  });
  return em.query(
    `INSERT INTO events (event_id, event_type, schema_version, stream_id, stream_version, session_id, occurred_at,
                         source, correlation_id, causation_id, traceparent, tracestate, data)
     VALUES ${tuples.join(', ')}
     RETURNING ${COLUMNS}`,
    params,
  );
}

/** EventStoreTransaction.readStreamLocked. */
export async function readStreamLocked(em: EntityManager, streamId: string): Promise<Array<Record<string, unknown>>> {
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [streamId]);
  return em.query(`SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
}

/** session-projection.writer.ts applyEvent: timeline entry, summary lock, all entries, summary upsert. */
export async function applyEvent(em: EntityManager, event: Record<string, unknown>): Promise<boolean> {
  const sessionId = String(event.session_id);
  const inserted = await em.query(
    `INSERT INTO timeline_entries (${TIMELINE_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [
      event.event_id,
      sessionId,
      new Date(event.occurred_at as string).toISOString(),
      event.event_type,
      'info',
      event.source,
      '/token',
      `${event.event_type} recorded`,
      JSON.stringify({ stream_version: event.stream_version }),
      String(event.traceparent).slice(3, 35),
      String(event.correlation_id),
    ],
  );
  if (!inserted.length) return false;
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`summary:${sessionId}`]);
  const rows: Array<Record<string, unknown>> = await em.query(
    `SELECT ${TIMELINE_COLUMNS} FROM timeline_entries WHERE session_id = $1`,
    [sessionId],
  );
  const times = rows.map((r) => new Date(r.occurred_at as string).getTime());
  await em.query(
    `INSERT INTO session_summaries (session_id, status, grant_type, credential_configuration_ids, created_at, updated_at,
                                    expires_at, event_count, offer_retrievals, last_error)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
     ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, grant_type = EXCLUDED.grant_type,
       credential_configuration_ids = EXCLUDED.credential_configuration_ids, created_at = EXCLUDED.created_at,
       updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at, event_count = EXCLUDED.event_count,
       offer_retrievals = EXCLUDED.offer_retrievals, last_error = EXCLUDED.last_error`,
    [
      sessionId,
      String(rows.find((r) => r.type === event.event_type)?.type ?? 'unknown'),
      'pre-authorized_code',
      ['eu.europa.ec.eudi.pid_vc_sd_jwt'],
      new Date(Math.min(...times)).toISOString(),
      new Date(Math.max(...times)).toISOString(),
      null,
      rows.length,
      rows.filter((r) => r.type === 'OfferRetrieved').length,
      null,
    ],
  );
  return true;
}

/** The relay's batch read (commit-safe order below the snapshot horizon) and checkpoint upsert. */
export async function relayBatch(
  ds: DataSource,
  relay: string,
  checkpoint: { tx: string; pos: string },
  batchSize = 500,
): Promise<number> {
  const rows: Array<Record<string, unknown>> = await ds.query(
    `SELECT e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.event_type, e.schema_version,
            e.stream_id, e.stream_version, e.session_id, e.occurred_at, e.recorded_at, e.source, e.correlation_id,
            e.causation_id, e.traceparent, e.tracestate, e.data
       FROM events e
      WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
        AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.transaction_id, e.global_position
      LIMIT $3`,
    [checkpoint.tx, checkpoint.pos, batchSize],
  );
  if (!rows.length) return 0;
  const last = rows[rows.length - 1];
  await ds.query(
    `INSERT INTO outbox_checkpoints (relay, transaction_id, global_position, updated_at)
     VALUES ($1, $2::xid8, $3, now())
     ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
       global_position = EXCLUDED.global_position, updated_at = now()`,
    [relay, last.transaction_id, last.global_position],
  );
  checkpoint.tx = String(last.transaction_id);
  checkpoint.pos = String(last.global_position);
  return rows.length;
}

export type TxKind = 'create_session' | 'step' | 'projection';
export type Recorder = (kind: TxKind, ms: number) => void;

const STEPS = [
  'OfferRetrieved',
  'TokenRequested',
  'AccessTokenIssued',
  'NonceIssued',
  'CredentialRequested',
  'CredentialIssued',
];

/**
 * One issuance flow: 1 session-creation transaction (2 events + 2 inserts), 6 command
 * transactions (read the locked stream, append 1 event), and the projector's transaction for
 * each of the 8 events: 15 transactions.
 */
export async function runFlow(ds: DataSource, record: Recorder): Promise<void> {
  const sessionId = randomUUID();
  const streamId = `session-${sessionId}`;
  const tx = async <T>(kind: TxKind, work: (em: EntityManager) => Promise<T>): Promise<T> => {
    // Each transaction starts from a fresh turn of the event loop, as a request or a delivered event
    // would; waiting for that turn counts (a blocked loop delays requests before any SQL runs).
    const t0 = performance.now();
    await new Promise((r) => setImmediate(r));
    const result = await ds.transaction(work);
    record(kind, performance.now() - t0);
    return result;
  };
  const project = async (events: Array<Record<string, unknown>>): Promise<void> => {
    for (const e of events) await tx('projection', (em) => applyEvent(em, e));
  };

  const created = await tx('create_session', async (em) => {
    const events = await append(
      em,
      streamId,
      sessionId,
      0,
      [
        {
          event_type: 'SessionCreated',
          data: {
            credential_configuration_ids: ['eu.europa.ec.eudi.pid_vc_sd_jwt'],
            sealed: randomBytes(96).toString('base64'),
          },
        },
        {
          event_type: 'OfferCreated',
          data: {
            offer_id: randomUUID(),
            expires_at: new Date(Date.now() + 600000).toISOString(),
            grant_secret_hash: randomBytes(32).toString('hex'),
          },
        },
      ],
      'offer-service',
    );
    await em.query('INSERT INTO session_data_keys (session_id, wrapped_key) VALUES ($1, $2)', [
      sessionId,
      randomBytes(60),
    ]);
    await em.query('INSERT INTO offers (offer_ref_hash, offer_id, session_id) VALUES ($1, $2, $3)', [
      randomBytes(32).toString('hex'),
      randomUUID(),
      sessionId,
    ]);
    return events;
  });
  await project(created);
  for (const type of STEPS) {
    const appended = await tx('step', async (em) => {
      const history = await readStreamLocked(em, streamId);
      return append(
        em,
        streamId,
        sessionId,
        history.length,
        [{ event_type: type, data: { at: new Date().toISOString(), detail: randomBytes(24).toString('hex') } }],
        'credential-service',
      );
    });
    await project(appended);
  }
}
