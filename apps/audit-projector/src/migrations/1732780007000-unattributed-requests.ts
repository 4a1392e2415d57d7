import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requests no session can be tied to (nonce requests, foreign codes, bad tokens). */
export class UnattributedRequests1732780007000 implements MigrationInterface {
  name = 'UnattributedRequests1732780007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE unattributed_requests (
      event_id    uuid PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      type        text NOT NULL,
      level       text NOT NULL,
      outcome     text NOT NULL,
      source      text NOT NULL,
      endpoint    text,
      message     text NOT NULL,
      data        jsonb NOT NULL,
      trace_id    text,
      request_id  text NOT NULL)`);
    await q.query(
      'CREATE INDEX unattributed_requests_time_idx ON unattributed_requests (occurred_at DESC, event_id DESC)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE unattributed_requests');
  }
}
