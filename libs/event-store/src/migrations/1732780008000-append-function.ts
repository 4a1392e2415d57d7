import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `append_events`: the stream lock, the version check and the insert in one call, and
 * `read_stream_locked`: the lock and the read. An append was five round trips (begin, lock,
 * version, insert, commit) and now is one; appends are most of an issuance's writes. In a
 * VOLATILE function each statement takes a fresh snapshot, so what is read after the lock is
 * held sees every append that committed before it, as two separate statements did.
 */
export class EventStoreAppendFunction1732780008000 implements MigrationInterface {
  name = 'EventStoreAppendFunction1732780008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION append_events(p_stream_id text, p_expected integer, p_events jsonb) RETURNS SETOF events
      LANGUAGE plpgsql AS $$
      DECLARE
        at_version integer;
      BEGIN
        -- Locked before the first write: within a stream, transaction ids follow stream versions.
        PERFORM pg_advisory_xact_lock(hashtext(p_stream_id));
        SELECT coalesce(max(stream_version), 0) INTO at_version FROM events WHERE stream_id = p_stream_id;
        IF p_expected IS NOT NULL AND p_expected <> at_version THEN
          RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, at_version, p_expected
            USING ERRCODE = 'HM409', DETAIL = at_version::text;
        END IF;
        RETURN QUERY
          INSERT INTO events (event_id, event_type, schema_version, stream_id, stream_version, session_id, occurred_at,
                              source, correlation_id, causation_id, traceparent, tracestate, data)
          SELECT e.event_id, e.event_type, e.schema_version, p_stream_id, at_version + e.n::integer, e.session_id,
                 e.occurred_at, e.source, e.correlation_id, e.causation_id, e.traceparent, e.tracestate, e.data
            FROM jsonb_populate_recordset(NULL::events, p_events) WITH ORDINALITY AS e(
                   global_position, transaction_id, event_id, event_type, schema_version, stream_id, stream_version,
                   session_id, occurred_at, recorded_at, source, correlation_id, causation_id, traceparent, tracestate,
                   data, n)
           ORDER BY e.n
          RETURNING *;
      END $$`);
    await q.query(`
      CREATE FUNCTION read_stream_locked(p_stream_id text) RETURNS SETOF events
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(p_stream_id));
        RETURN QUERY SELECT * FROM events WHERE stream_id = p_stream_id ORDER BY stream_version;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION read_stream_locked(text)');
    await q.query('DROP FUNCTION append_events(text, integer, jsonb)');
  }
}
