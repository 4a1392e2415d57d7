import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { newEventId, newId, unattributedSessionId, type RawEventEnvelope } from '@hallmark/contracts';
import { openDatabase } from '@hallmark/event-store';
import { AuditProjections1732780002000 } from './migrations/1732780002000-audit-projections';
import { UnattributedRequests1732780007000 } from './migrations/1732780007000-unattributed-requests';
import { projectionChecksum } from './rebuild/rebuild-projections';
import { summarize } from './session-summary/session-summary';
import { TIMELINE_CHANNEL } from './session-timeline/timeline-notifications';
import { toTimelineEntry } from './session-timeline/timeline-entry';
import { applyEvents, rowToEntry } from './session-projection.writer';

const url = process.env.DATABASE_URL!;
const request = { method: 'POST', path: '/token', user_agent: 'test wallet' };
const at = (second: number) => new Date(Date.UTC(2026, 10, 28, 10, 0, second)).toISOString();

function event(
  sessionId: string,
  event_type: string,
  second: number,
  data: Record<string, unknown> = {},
): RawEventEnvelope {
  return {
    event_id: newEventId(),
    event_type,
    schema_version: 1,
    stream_id: `test:${sessionId}`,
    stream_version: second,
    session_id: sessionId,
    occurred_at: at(second),
    recorded_at: at(second),
    source: 'offer-service',
    correlation_id: `req-${second}`,
    causation_id: null,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: null,
    data,
  };
}

/** A session's flow; `failing` adds a locked token refusal (an error) and a warning. */
function flow(sessionId: string, failing = false): RawEventEnvelope[] {
  return [
    event(sessionId, 'session_created', 1, {
      grant_type: 'pre-authorized_code',
      credential_configuration_ids: ['pid', 'mdl'],
      expires_at: at(59),
    }),
    event(sessionId, 'offer_created', 2, {
      grant: { type: 'pre-authorized_code', pre_authorized_code_hash: 'abcdefabcdefabcdef' },
    }),
    event(sessionId, 'offer_retrieved', 3, {
      offer_id: 'o',
      request: { ...request, method: 'GET', path: '/offers/{offer_ref}' },
    }),
    event(sessionId, 'offer_retrieved', 4, {
      offer_id: 'o',
      request: { ...request, method: 'GET', path: '/offers/{offer_ref}' },
    }),
    ...(failing
      ? [
          event(sessionId, 'token_rejected', 5, {
            error: 'invalid_grant',
            error_description: 'wrong tx_code',
            reason: 'tx_code_mismatch',
            locked: false,
            request,
          }),
          event(sessionId, 'token_rejected', 6, {
            error: 'invalid_grant',
            error_description: 'locked',
            reason: 'tx_code_locked',
            locked: true,
            request,
          }),
        ]
      : [
          event(sessionId, 'token_issued', 5, { token_type: 'DPoP', dpop_jkt: 'jkt', request }),
          event(sessionId, 'credential_issued', 6, {
            count: 1,
            credential_configuration_id: 'pid',
            format: 'dc+sd-jwt',
            request,
          }),
        ]),
  ];
}

const nonce = (second: number) =>
  event(unattributedSessionId(newId()), 'nonce_issued', second, { request: { ...request, path: '/nonce' } });
const refusedCredential = (second: number) =>
  event(unattributedSessionId(newId()), 'credential_request_rejected', second, {
    error: 'invalid_token',
    error_description: 'bad signature',
    request: { ...request, path: '/credential' },
  });

/** The flows' events as several topics could deliver them: sessions interleaved, latest first. */
const interleaved = (flows: RawEventEnvelope[][]): RawEventEnvelope[] =>
  flows[0].flatMap((_, j) => flows.map((f) => f[f.length - 1 - j])).filter((e) => e !== undefined);

describe('batched session projection writer (real Postgres)', () => {
  const schemas = [`audit_batch_${process.pid}`, `audit_single_${process.pid}`];
  let batched: DataSource;
  let single: DataSource;

  beforeAll(async () => {
    [batched, single] = await Promise.all(
      schemas.map((schema) =>
        openDatabase({ url, schema, migrations: [AuditProjections1732780002000, UnattributedRequests1732780007000] }),
      ),
    );
  });

  afterAll(async () => {
    for (const [ds, schema] of [
      [batched, schemas[0]],
      [single, schemas[1]],
    ] as const) {
      await ds?.query(`DROP SCHEMA ${schema} CASCADE`);
      await ds?.destroy();
    }
  });

  beforeEach(async () => {
    for (const ds of [batched, single])
      await ds.query('TRUNCATE timeline_entries, session_summaries, unattributed_requests');
  });

  it('gives the same timeline and summaries as applying the events one by one, a redelivered event included', async () => {
    const flows = [flow(newId()), flow(newId(), true), flow(newId())];
    const events = [...interleaved(flows), nonce(7), refusedCredential(8)];
    // The first batch carries part of the events; the second the rest, one of the first batch's
    // events again (redelivered after a crash before the offset commit) and a duplicate within itself.
    const cut = 9;
    await batched.transaction((em) => applyEvents(em, events.slice(0, cut)));
    await batched.transaction((em) => applyEvents(em, [events[3], ...events.slice(cut), events[cut]]));
    for (const e of [...events, events[3]]) await single.transaction((em) => applyEvents(em, [e]));

    expect(await projectionChecksum(batched)).toBe(await projectionChecksum(single));

    const entries = await batched.query(`SELECT * FROM timeline_entries ORDER BY event_id`);
    const expectedEntries = events.filter((e) => !e.session_id.startsWith('unattributed:')).map(toTimelineEntry);
    expect(entries.map(rowToEntry)).toEqual(expectedEntries.sort((a, b) => a.event_id.localeCompare(b.event_id)));
    const summaries = await batched.query(`SELECT * FROM session_summaries ORDER BY session_id`);
    for (const f of flows) {
      const sessionId = f[0].session_id;
      const s = summarize(sessionId, f.map(toTimelineEntry));
      const row = summaries.find((r: { session_id: string }) => r.session_id === sessionId);
      expect({
        ...row,
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
        expires_at: row.expires_at.toISOString(),
      }).toEqual(s);
    }
    expect(summaries.map((r: { status: string }) => r.status).sort()).toEqual([
      'credential_issued',
      'credential_issued',
      'failed',
    ]);
    const unattributed = await batched.query(`SELECT type, outcome FROM unattributed_requests ORDER BY type`);
    expect(unattributed).toEqual([
      { type: 'credential_request_rejected', outcome: 'error' },
      { type: 'nonce_issued', outcome: 'ok' },
    ]);
  });

  it('changes nothing when a whole batch is delivered again', async () => {
    const events = [...flow(newId()), ...flow(newId(), true), nonce(9)];
    await batched.transaction((em) => applyEvents(em, events));
    const before = await projectionChecksum(batched);
    await batched.transaction((em) => applyEvents(em, [...events].reverse()));
    expect(await projectionChecksum(batched)).toBe(before);
  });

  it('costs the same statements whatever the batch size: entries, summaries, unattributed requests', async () => {
    for (const sessions of [1, 300]) {
      const events = [...Array.from({ length: sessions }, () => flow(newId())).flat(), nonce(7), nonce(8)];
      const statements = await batched.transaction(async (em) => {
        const query = jest.spyOn(em, 'query');
        await applyEvents(em, events);
        return query.mock.calls.length;
      });
      expect(statements).toBe(4); // insert + notify + lock; select entries; upsert summaries; unattributed
    }
    expect(await batched.query('SELECT count(*)::int AS n FROM session_summaries')).toEqual([{ n: 301 }]);
  });

  it('notifies each session that got new entries once, on commit, and none on redelivery', async () => {
    const listener = new Client({ connectionString: url });
    const heard: string[] = [];
    await listener.connect();
    try {
      listener.on('notification', (n) => n.payload && heard.push(n.payload));
      await listener.query(`LISTEN ${TIMELINE_CHANNEL}`);
      const flows = [flow(newId()), flow(newId()), flow(newId())];
      const ours = new Set(flows.map((f) => f[0].session_id));
      const waitForOurs = async (count: number) => {
        for (let i = 0; i < 100 && heard.filter((s) => ours.has(s)).length < count; i++)
          await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 200)); // and nothing more arrives
        return heard.filter((s) => ours.has(s));
      };

      await batched.transaction((em) => applyEvents(em, interleaved(flows)));
      expect((await waitForOurs(3)).sort()).toEqual([...ours].sort());

      heard.length = 0;
      await batched.transaction((em) =>
        applyEvents(em, [...flows[0], flows[1][0], event(flows[2][0].session_id, 'session_erased', 9)]),
      );
      expect(await waitForOurs(1)).toEqual([flows[2][0].session_id]);
    } finally {
      await listener.end();
    }
  });

  it('lets two batches over the same sessions, in opposite orders, both commit: the locks are taken in one order', async () => {
    const flows = [flow(newId()), flow(newId())];
    const sessions = flows.map((f) => f[0].session_id);
    const lockKey = `hashtext('summary:' || s)`;
    // A third transaction holds both sessions' locks until both batches wait for one, so that
    // they then race for the locks: taken in insertion order, each would get one and deadlock.
    const holder = new Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(${lockKey}) FROM unnest($1::text[]) s`, [sessions]);
      const batches = [
        [...flows[0].slice(0, 3), ...flows[1].slice(0, 3)],
        [...flows[1].slice(3), ...flows[0].slice(3)],
      ].map((batch) => batched.transaction((em) => applyEvents(em, batch)));
      // pg_locks shows a bigint key's low 32 bits as objid.
      const waiting = `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                         AND objid::bigint IN (SELECT ${lockKey}::bigint & 4294967295 FROM unnest($1::text[]) s)`;
      for (let i = 0; (await holder.query(waiting, [sessions])).rows[0].n < 2; i++) {
        if (i === 500) throw new Error('the batches never waited for the summary locks');
        await new Promise((r) => setTimeout(r, 20));
      }
      await holder.query('COMMIT');
      await Promise.all(batches);
    } finally {
      await holder.end();
    }
    // Whichever committed second recomputed the summary from both halves.
    const summaries = await batched.query(
      `SELECT session_id, status, event_count FROM session_summaries ORDER BY session_id`,
    );
    expect(summaries).toEqual(
      [...sessions].sort().map((session_id) => ({ session_id, status: 'credential_issued', event_count: 6 })),
    );
  });
});
