import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { NewEvent, RawEventEnvelope } from '@hallmark/contracts';
import { InProcessTransport, type EventTransport } from '@hallmark/messaging';
import { JsonLogger } from '@hallmark/telemetry';
import { EventStore, ConcurrencyError } from './event-store';
import { EVENT_STORE_MIGRATIONS } from '.';
import { OutboxRelay } from './outbox-relay';
import { openDatabase } from './database';

const url = process.env.DATABASE_URL!;
const quiet = new JsonLogger('test', 'error');
const retrieved = (n: number): NewEvent<'offer_retrieved'> => ({
  event_type: 'offer_retrieved',
  data: { offer_id: `o${n}`, request: { method: 'GET', path: '/offers/{offer_id}' } },
});

describe('event store and outbox relay (real Postgres)', () => {
  let ds: DataSource;
  let store: EventStore;
  let transport: InProcessTransport;
  let relay: OutboxRelay;
  const received: RawEventEnvelope[] = [];
  const schema = `es_test_${process.pid}`;

  beforeAll(async () => {
    ds = await openDatabase({ url, schema, migrations: EVENT_STORE_MIGRATIONS });
    store = new EventStore(ds, 'offer-service');
    transport = new InProcessTransport(quiet);
    await transport.subscribe({ groupId: 'test', topics: ['t'], handler: async (e) => void received.push(e) });
    relay = new OutboxRelay({ store, transport, topic: 't', databaseUrl: url, logger: quiet, pollIntervalMs: 20 });
    relay.start();
  });

  afterAll(async () => {
    await relay.stop();
    await ds.query(`DROP SCHEMA ${schema} CASCADE`);
    await ds.destroy();
  });

  beforeEach(() => (received.length = 0));

  it('enforces optimistic concurrency per stream', async () => {
    await store.append('s:occ', 'occ', 0, [retrieved(1)]);
    await expect(store.append('s:occ', 'occ', 0, [retrieved(2)])).rejects.toBeInstanceOf(ConcurrencyError);
    await store.append('s:occ', 'occ', 1, [retrieved(2)]);
    expect((await store.readStream('s:occ')).map((e) => e.stream_version)).toEqual([1, 2]);
  });

  it('appends several events in one call, in order, and tells the version a stale decision missed', async () => {
    const [first, second] = await store.append('s:many', 'many', 0, [retrieved(1), retrieved(2)]);
    expect([first.stream_version, second.stream_version]).toEqual([1, 2]);
    expect(first.data).toEqual(retrieved(1).data);
    const stale = await store.append('s:many', 'many', 1, [retrieved(3)]).catch((e) => e);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect(stale).toMatchObject({ expected: 1, actual: 2 });
    await store.append('s:many', 'many', 'any', [retrieved(3)]);
    expect((await store.readStream('s:many')).map((e) => (e.data as { offer_id: string }).offer_id)).toEqual([
      'o1',
      'o2',
      'o3',
    ]);
  });

  it('lets one of two commands that decided from the same locked read append, and the other see its event', async () => {
    await store.append('s:lock', 'lock', 0, [retrieved(1)]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = store.transaction(async (tx) => {
      const history = await tx.readStreamLocked('s:lock');
      await held;
      return tx.append('s:lock', 'lock', history.length, [retrieved(2)]);
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = store.transaction(async (tx) => (await tx.readStreamLocked('s:lock')).length);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await first;
    expect(await second).toBe(2); // waited for the first command's lock, then read its event
  });

  it('decides again from the new history when a concurrent command appended first', async () => {
    // Five commands race to be the first retrieval of an offer: each decides from what it read.
    const decisions = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        store.decide('s:race', (history) => {
          const first = history.length === 0;
          return { sessionId: 'race', events: first ? [retrieved(n)] : [], result: first };
        }),
      ),
    );
    expect(decisions.filter(Boolean)).toHaveLength(1);
    expect(await store.readStream('s:race')).toHaveLength(1);
  });

  it('refuses to change or delete stored events', async () => {
    await store.append('s:ro', 'ro', 0, [retrieved(1)]);
    await expect(ds.query(`UPDATE events SET data = '{}' WHERE stream_id = 's:ro'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM events WHERE stream_id = 's:ro'`)).rejects.toThrow(/append-only/);
  });

  it('rejects an event that breaks its contract, appending nothing', async () => {
    await expect(
      // @ts-expect-error: the payload breaks the contract, which the type check already says
      store.append('s:bad', 'bad', 0, [{ event_type: 'offer_retrieved', data: { nope: 1 } }]),
    ).rejects.toThrow(/offer_id/);
    expect(await store.readStream('s:bad')).toEqual([]);
  });

  it('does not skip an event whose transaction commits after a later position became visible', async () => {
    expect(await relay.flush()).toBe(true); // nothing of earlier tests still on its way
    received.length = 0;
    // Transaction A takes a position first but commits last.
    const a = new Client({ connectionString: url });
    await a.connect();
    let open = false;
    try {
      await a.query(`SET search_path = ${schema}`);
      await a.query('BEGIN');
      open = true;
      await a.query(
        `INSERT INTO events (event_id, event_type, schema_version, stream_id, stream_version, session_id, occurred_at, source, correlation_id, data)
         VALUES (gen_random_uuid(), 'offer_retrieved', 2, 's:slow', 1, 'slow', now(), 'offer-service', 'c', $1)`,
        [JSON.stringify(retrieved(0).data)],
      );
      await store.append('s:fast', 'fast', 0, [retrieved(1)]);
      await new Promise((r) => setTimeout(r, 300)); // the relay polls several times meanwhile
      expect(received.map((e) => e.stream_id)).toEqual([]); // held back: A might still commit before it
      await a.query('COMMIT');
      open = false;
    } finally {
      // An open transaction here would hold back every relay on this server.
      if (open) await a.query('ROLLBACK').catch(() => undefined);
      await a.end();
    }
    expect(await relay.flush()).toBe(true);
    expect(received.map((e) => e.stream_id)).toEqual(['s:slow', 's:fast']);
  });

  it('publishes every event of concurrent writers exactly once, in order per stream', async () => {
    const writers = 16;
    const perWriter = 25;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) await store.append(`s:w${w}`, `w${w}`, i, [retrieved(i)]);
      }),
    );
    expect(await relay.flush(20000)).toBe(true);
    const mine = received.filter((e) => e.stream_id.startsWith('s:w'));
    expect(new Set(mine.map((e) => e.event_id)).size).toBe(writers * perWriter);
    expect(mine).toHaveLength(writers * perWriter);
    for (let w = 0; w < writers; w++) {
      const versions = mine.filter((e) => e.stream_id === `s:w${w}`).map((e) => e.stream_version);
      expect(versions).toEqual(Array.from({ length: perWriter }, (_, i) => i + 1));
    }
    expect(await relay.backlog()).toEqual({ backlog: 0, oldestAgeSeconds: 0 });
  });

  it('keeps events while the transport fails and delivers them in order once it recovers', async () => {
    let failing = true;
    const got: RawEventEnvelope[] = [];
    // A transport whose broker is down until `failing` is cleared.
    const flaky: EventTransport = {
      kind: 'in-process',
      start: async () => undefined,
      publish: async (_topic, events) => {
        if (failing) throw new Error('broker down');
        got.push(...events);
      },
      subscribe: async () => ({ isReady: () => true, close: async () => undefined }),
      isReachable: async () => !failing,
      close: async () => undefined,
    };
    const relay2 = new OutboxRelay({
      store,
      transport: flaky,
      topic: 't2',
      databaseUrl: url,
      logger: quiet,
      pollIntervalMs: 20,
      maxBackoffMs: 50,
    });
    relay2.start();
    for (let i = 0; i < 5; i++) await store.append('s:down', 'down', i, [retrieved(i)]);
    await new Promise((r) => setTimeout(r, 300));
    const during = await relay2.backlog();
    expect(during.backlog).toBeGreaterThanOrEqual(5);
    expect(during.oldestAgeSeconds).toBeGreaterThan(0);
    failing = false;
    expect(await relay2.flush(10000)).toBe(true);
    await relay2.stop();
    expect(got.filter((e) => e.stream_id === 's:down').map((e) => e.stream_version)).toEqual([1, 2, 3, 4, 5]);
  });
});
