import { Client } from 'pg';
import { Gauge, register } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { EventTransport } from '@hallmark/messaging';
import type { JsonLogger } from '@hallmark/telemetry';
import { rowToStoredEvent, type EventStore } from './event-store';

export interface OutboxRelayOptions {
  store: EventStore;
  transport: EventTransport;
  topic: string;
  /** URL for the connection that holds the leader lock (one relay per service publishes at a time). */
  databaseUrl: string;
  logger: JsonLogger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** How long a relay woken by a commit waits for more before it reads (default 5 ms). */
  coalesceMs?: number;
  maxBackoffMs?: number;
}

/** Relays of this process, measured on every scrape of /metrics. */
const activeRelays = new Set<OutboxRelay>();
let refreshing: Promise<unknown> | undefined;
const refreshAll = (): Promise<unknown> =>
  (refreshing ??= Promise.all([...activeRelays].map((r) => r.backlog().catch(() => undefined))).finally(
    () => (refreshing = undefined),
  ));
const gauge = (name: string, help: string): Gauge =>
  (register.getSingleMetric(name) as Gauge) ??
  new Gauge({
    name,
    help,
    labelNames: ['service'],
    async collect() {
      await refreshAll();
    },
  });
const backlogGauge = gauge('hallmark_outbox_backlog', 'Committed events not yet acknowledged by the transport');
const oldestAgeGauge = gauge(
  'hallmark_outbox_oldest_unpublished_age_seconds',
  'Age of the oldest committed event not yet published',
);

/**
 * Publishes committed events from the service's event store, in commit-safe order, and advances
 * its checkpoint only after the transport acknowledged them.
 *
 * Ordering: positions come from a sequence, so a transaction can commit position 7 after 8 is
 * already visible. The relay therefore reads only events whose transaction id is below the
 * oldest transaction still running (`pg_snapshot_xmin`), ordered by (transaction id, position):
 * nothing can later appear before its checkpoint. Transient failures are retried forever with
 * backoff; the checkpoint stays where it was, so nothing is lost or reordered.
 */
export class OutboxRelay {
  private running = false;
  private leaderClient?: Client;
  private leaderCheckedAt = 0;
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private readonly relayName: string;
  private unsubscribe?: () => void;
  private idle = true;
  /** Last published (transaction id, position); loaded when leadership is acquired. */
  private checkpoint = { tx: '0', pos: '0' };

  constructor(private readonly options: OutboxRelayOptions) {
    this.relayName = `${options.transport.kind}:${options.topic}`;
  }

  private get ds(): DataSource {
    return this.options.store.dataSource;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    activeRelays.add(this);
    this.unsubscribe = this.options.store.onAppended(() => this.wake());
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Waits until everything committed so far is published (graceful shutdown, tests). */
  async flush(timeoutMs = 10000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { backlog } = await this.backlog();
      if (backlog === 0) return true;
      this.wake();
      await sleep(20);
    }
    return false;
  }

  async stop(options: { flushTimeoutMs?: number } = {}): Promise<void> {
    if (!this.running) return;
    if (options.flushTimeoutMs) await this.flush(options.flushTimeoutMs).catch(() => false);
    this.running = false;
    activeRelays.delete(this);
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    await this.leaderClient?.end().catch(() => undefined);
    this.leaderClient = undefined;
  }

  /** Backlog size and age of the oldest unpublished event (also exported as metrics). */
  async backlog(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const [row] = await this.ds.query(
      `SELECT count(*)::int AS backlog,
              coalesce(extract(epoch FROM now() - min(e.recorded_at)), 0)::float AS age
         FROM events e
         LEFT JOIN outbox_checkpoints c ON c.relay = $1
        WHERE c.relay IS NULL OR (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)`,
      [this.relayName],
    );
    const service = this.options.store.source;
    backlogGauge.set({ service }, row.backlog);
    oldestAgeGauge.set({ service }, row.age);
    return { backlog: row.backlog, oldestAgeSeconds: row.age };
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        if (!(await this.holdLeadership())) {
          await this.sleepUntilWoken(1000);
          continue;
        }
        const published = await this.publishBatch();
        backoff = 100;
        this.idle = published === 0;
        await this.watchForStall(published);
        // Woken by a commit, wait a moment for the commits right behind it: one read and one
        // publish for several, instead of one each (and a read that finds nothing yet).
        if (this.idle && (await this.sleepUntilWoken(this.options.pollIntervalMs ?? 100)))
          await sleep(this.options.coalesceMs ?? 5);
      } catch (err) {
        this.options.logger.warn('outbox relay could not publish, will retry', {
          topic: this.options.topic,
          backoff_ms: backoff,
          error: err as Error,
        });
        await this.sleepUntilWoken(backoff, false);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5000);
      }
    }
  }

  private stalledSince?: number;
  private stallCheckedAt = 0;

  /**
   * Events committed but held back by an older transaction still open somewhere on the server
   * (the snapshot horizon is server-wide): say which one, so an operator can find it.
   */
  private async watchForStall(published: number): Promise<void> {
    if (published > 0) {
      this.stalledSince = undefined;
      return;
    }
    // The backlog count scans the events table, and under load a woken relay often finds
    // nothing visible yet: counting on each such wake-up was a scan per commit. A stall is
    // reported after 10 s, so looking once a second is soon enough.
    if (Date.now() - this.stallCheckedAt < 1000) return;
    this.stallCheckedAt = Date.now();
    const { backlog } = await this.backlog();
    if (backlog === 0) {
      this.stalledSince = undefined;
      return;
    }
    this.stalledSince ??= Date.now();
    if (Date.now() - this.stalledSince < 10000) return;
    this.stalledSince = Date.now();
    const [oldest] = await this.ds.query(
      `SELECT pid, datname, state, extract(epoch FROM now() - xact_start)::int AS seconds
         FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 1`,
    );
    this.options.logger.warn('outbox relay held back by an open transaction', {
      topic: this.options.topic,
      backlog,
      blocking_transaction: oldest ?? null,
    });
  }

  /** One publisher per service: a session-level advisory lock held on a dedicated connection. */
  private async holdLeadership(): Promise<boolean> {
    // A lost connection ends the lock and says so ('end'); probing it too is for a silent
    // network loss, and once a second is enough: a probe per batch was a round trip per commit.
    if (this.leaderClient && Date.now() - this.leaderCheckedAt < 1000) return true;
    if (this.leaderClient) {
      this.leaderCheckedAt = Date.now();
      try {
        await this.leaderClient.query('SELECT 1');
        return true;
      } catch {
        await this.leaderClient.end().catch(() => undefined);
        this.leaderClient = undefined;
      }
    }
    const client = new Client({ connectionString: this.options.databaseUrl });
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.leaderClient === client) this.leaderClient = undefined;
    });
    await client.connect();
    const [{ locked }] = (
      await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        `hallmark-relay:${this.options.store.source}:${this.relayName}`,
      ])
    ).rows;
    if (!locked) {
      await client.end();
      return false;
    }
    this.leaderClient = client;
    this.leaderCheckedAt = Date.now();
    const [row] = await this.ds.query(
      'SELECT transaction_id::text AS tx, global_position::text AS pos FROM outbox_checkpoints WHERE relay = $1',
      [this.relayName],
    );
    this.checkpoint = row ?? { tx: '0', pos: '0' };
    return true;
  }

  private async publishBatch(): Promise<number> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT e.global_position, e.transaction_id::text AS transaction_id, e.event_id, e.event_type, e.schema_version,
              e.stream_id, e.stream_version, e.session_id, e.occurred_at, e.recorded_at, e.source, e.correlation_id,
              e.causation_id, e.traceparent, e.tracestate, e.data
         FROM events e
        WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
          AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.transaction_id, e.global_position
        LIMIT $3`,
      [this.checkpoint.tx, this.checkpoint.pos, this.options.batchSize ?? 500],
    );
    if (!rows.length) return 0;
    const stored = rows.map(rowToStoredEvent);
    await this.options.transport.publish(
      this.options.topic,
      stored.map((s) => s.envelope),
    );
    const last = stored[stored.length - 1];
    await this.ds.query(
      `INSERT INTO outbox_checkpoints (relay, transaction_id, global_position, updated_at)
       VALUES ($1, $2::xid8, $3, now())
       ON CONFLICT (relay) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
         global_position = EXCLUDED.global_position, updated_at = now()`,
      [this.relayName, last.transactionId, last.position],
    );
    this.checkpoint = { tx: last.transactionId, pos: last.position };
    return rows.length;
  }

  /** True when woken before `ms` passed. */
  private sleepUntilWoken(ms: number, wakeable = true): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      function done(woken: boolean): void {
        clearTimeout(timer);
        resolve(woken);
      }
      if (wakeable) this.wakeUp = () => done(true);
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
