import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The session inspection projections: timeline entries (one per event) and session summaries. */
export class AuditProjections1732780002000 implements MigrationInterface {
  name = 'AuditProjections1732780002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE timeline_entries (
      event_id    uuid PRIMARY KEY,
      session_id  text NOT NULL,
      occurred_at timestamptz NOT NULL,
      type        text NOT NULL,
      level       text NOT NULL,
      source      text NOT NULL,
      endpoint    text,
      message     text NOT NULL,
      data        jsonb NOT NULL,
      trace_id    text,
      request_id  text NOT NULL)`);
    await q.query('CREATE INDEX timeline_session_idx ON timeline_entries (session_id, occurred_at, event_id)');
    await q.query(`CREATE TABLE session_summaries (
      session_id   text PRIMARY KEY,
      status       text NOT NULL,
      grant_type   text,
      credential_configuration_ids text[] NOT NULL,
      created_at   timestamptz NOT NULL,
      updated_at   timestamptz NOT NULL,
      expires_at   timestamptz,
      event_count  integer NOT NULL,
      offer_retrievals integer NOT NULL,
      last_error   jsonb)`);
    await q.query('CREATE INDEX session_summaries_created_idx ON session_summaries (created_at DESC, session_id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE session_summaries');
    await q.query('DROP TABLE timeline_entries');
  }
}
