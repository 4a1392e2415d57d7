import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: an append-only `events` table (UPDATE, DELETE and TRUNCATE raise) and the
 * outbox relay's checkpoints. `transaction_id` lets the relay publish only what no running
 * transaction can still precede (see outbox-relay.ts).
 */
export class EventStore1732780000000 implements MigrationInterface {
  name = 'EventStore1732780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigserial PRIMARY KEY,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        event_id        uuid        NOT NULL UNIQUE,
        event_type      text        NOT NULL,
        schema_version  integer     NOT NULL,
        stream_id       text        NOT NULL,
        stream_version  integer     NOT NULL,
        session_id      text        NOT NULL,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        source          text        NOT NULL,
        correlation_id  text        NOT NULL,
        causation_id    text,
        traceparent     text,
        tracestate      text,
        data            jsonb       NOT NULL,
        UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX events_session_idx ON events (session_id, global_position)`);
    await q.query(`CREATE INDEX events_transaction_idx ON events (transaction_id, global_position)`);
    await q.query(`
      CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'events are append-only (% refused)', TG_OP; END $$`);
    await q.query(`CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
                   FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
                   FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`);
    await q.query(`
      CREATE TABLE outbox_checkpoints (
        relay           text        PRIMARY KEY,
        transaction_id  xid8        NOT NULL,
        global_position bigint      NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox_checkpoints');
    await q.query('DROP TABLE events');
    await q.query('DROP FUNCTION events_are_append_only');
  }
}
