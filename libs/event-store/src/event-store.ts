import type { DataSource, EntityManager } from 'typeorm';
import {
  EventContractError,
  assertAppendable,
  belongsToStream,
  isStreamEvent,
  newEventId,
  newId,
  readEvent,
  upcastAndValidate,
  type EventEnvelope,
  type EventType,
  type NewEvent,
  type RawEventEnvelope,
  type ServiceName,
  type StreamName,
} from '@hallmark/contracts';
import { activeTraceHeaders, currentRequestScope } from '@hallmark/telemetry';

/** The SQLSTATE `append_events` raises when the stream moved on since the decision. */
const VERSION_MISMATCH = 'HM409';

/** The stream's version did not match what the command decided from. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`);
    this.name = 'ConcurrencyError';
  }
}

/** What a command decided from a stream's history: the events to append (none: nothing happened) and what the caller gets back. */
export interface StreamDecision<T, E extends EventType = EventType> {
  sessionId: string;
  events: NewEvent<E>[];
  result: T;
}

/** Commands on one stream racing each other: each loss means another command's events are now in the history. */
const MAX_DECIDE_ATTEMPTS = 5;

/** `number`: the version the decision was made from (0 = new stream); `any`: append after whatever is there. */
export type ExpectedVersion = number | 'any';

export interface AppendOptions {
  causationId?: string | null;
  correlationId?: string;
}

export interface StoredEvent {
  position: string;
  transactionId: string;
  envelope: RawEventEnvelope;
}

const COLUMNS = `global_position, transaction_id::text AS transaction_id, event_id, event_type, schema_version,
  stream_id, stream_version, session_id, occurred_at, recorded_at, source, correlation_id, causation_id,
  traceparent, tracestate, data`;

/** Rows come back with Date objects and bigint strings; the envelope uses ISO strings. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function rowToStoredEvent(row: Record<string, any>): StoredEvent {
  return {
    position: String(row.global_position),
    transactionId: String(row.transaction_id),
    envelope: {
      event_id: row.event_id,
      event_type: row.event_type,
      schema_version: row.schema_version,
      stream_id: row.stream_id,
      stream_version: row.stream_version,
      session_id: row.session_id,
      occurred_at: new Date(row.occurred_at).toISOString(),
      recorded_at: new Date(row.recorded_at).toISOString(),
      source: row.source,
      correlation_id: row.correlation_id,
      causation_id: row.causation_id,
      traceparent: row.traceparent,
      tracestate: row.tracestate,
      data: row.data,
    },
  };
}

/**
 * A service's own event store. Appends are validated against the event contract, take a
 * per-stream lock before their first write (so that within a stream, transaction ids follow
 * stream versions), and carry the active trace context and request id.
 */
export class EventStore {
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly dataSource: DataSource,
    readonly source: ServiceName,
  ) {}

  /** Called after every committed append (the outbox relay uses it to publish without polling delay). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends in a transaction of its own. */
  async append<E extends EventType>(
    streamId: StreamName<E>,
    sessionId: string,
    expected: ExpectedVersion,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<RawEventEnvelope[]> {
    const appended = await appendEvents(
      (sql, params) => this.dataSource.query(sql, params),
      this.source,
      streamId,
      sessionId,
      expected,
      events,
      options,
    );
    this.listeners.forEach((l) => l());
    return appended;
  }

  /**
   * Runs `work` in one transaction: appends and the service's other writes (read models, keys)
   * commit together or not at all. Append before any other write in the transaction.
   */
  async transaction<T>(work: (tx: EventStoreTransaction) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction((em) => work(new EventStoreTransaction(em, this.source)));
    this.listeners.forEach((l) => l());
    return result;
  }

  /**
   * Runs a command against one stream: reads its history, lets `decide` (pure: it may run more
   * than once) say what happened, and appends that expecting the version it decided from. When
   * another command appended in between, it decides again from the new history. Two round trips
   * and no transaction held open while deciding; for writes beyond the stream's own events, use
   * `transaction` with `readStreamLocked`.
   */
  async decide<T, E extends EventType>(
    streamId: StreamName<E>,
    decide: (history: EventEnvelope<E>[]) => StreamDecision<T, E>,
    options: AppendOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const history = await this.readStream(streamId);
      const { sessionId, events, result } = decide(history);
      try {
        if (events.length > 0) await this.append(streamId, sessionId, history.length, events, options);
        return result;
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= MAX_DECIDE_ATTEMPTS) throw err;
      }
    }
  }

  /** A stream's events, upcast and typed by the stream's name. */
  async readStream<E extends EventType>(streamId: StreamName<E>): Promise<EventEnvelope<E>[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    );
    return rows.map((r: Record<string, unknown>) => streamEvent(streamId, r));
  }

  /** Every stream's events of one session, upcast, in append order. */
  async readSession(sessionId: string): Promise<EventEnvelope[]> {
    const rows = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM events WHERE session_id = $1 ORDER BY global_position`,
      [sessionId],
    );
    return rows.map((r: Record<string, unknown>) => readEvent(rowToStoredEvent(r).envelope));
  }

  /** Every committed event in publication order, for replays (projection rebuilds). */
  async *readAll(batchSize = 1000): AsyncGenerator<StoredEvent> {
    let after = { tx: '0', pos: '0' };
    for (;;) {
      const rows: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT ${COLUMNS} FROM events
          WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          ORDER BY transaction_id, global_position LIMIT $3`,
        [after.tx, after.pos, batchSize],
      );
      for (const row of rows) {
        const stored = rowToStoredEvent(row);
        yield { ...stored, envelope: upcastAndValidate(stored.envelope) };
      }
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = { tx: String(last.transaction_id), pos: String(last.global_position) };
    }
  }
}

export class EventStoreTransaction {
  constructor(
    readonly manager: EntityManager,
    private readonly source: ServiceName,
  ) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<T = any>(sql: string, params?: unknown[]): Promise<T> {
    return this.manager.query(sql, params);
  }

  /**
   * Locks the stream until the transaction ends and reads it: decide from this history and
   * append in the same transaction, and no concurrent command can decide from the same state.
   */
  async readStreamLocked<E extends EventType>(streamId: StreamName<E>): Promise<EventEnvelope<E>[]> {
    const rows = await this.manager.query(`SELECT ${COLUMNS} FROM read_stream_locked($1)`, [streamId]);
    return rows.map((r: Record<string, unknown>) => streamEvent(streamId, r));
  }

  async append<E extends EventType>(
    streamId: StreamName<E>,
    sessionId: string,
    expected: ExpectedVersion,
    events: NewEvent<E>[],
    options: AppendOptions = {},
  ): Promise<RawEventEnvelope[]> {
    return appendEvents(
      (sql, params) => this.manager.query(sql, params),
      this.source,
      streamId,
      sessionId,
      expected,
      events,
      options,
    );
  }
}

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** A stored row of `streamId`, upcast and validated, typed by the stream (which it must belong to). */
function streamEvent<E extends EventType>(streamId: StreamName<E>, row: Record<string, unknown>): EventEnvelope<E> {
  const event = readEvent(rowToStoredEvent(row).envelope);
  if (!isStreamEvent(streamId, event))
    throw new EventContractError(`${event.event_type} does not belong in ${streamId}`);
  return event;
}

/**
 * One round trip (`append_events`, see its migration): lock the stream, check the version the
 * decision was made from, insert. In a transaction of its own when `query` runs outside one.
 */
async function appendEvents(
  query: Query,
  source: ServiceName,
  streamId: string,
  sessionId: string,
  expected: ExpectedVersion,
  events: NewEvent[],
  options: AppendOptions,
): Promise<RawEventEnvelope[]> {
  if (events.length === 0) return [];
  const versions = events.map((e) => {
    if (!belongsToStream(streamId, e.event_type))
      throw new EventContractError(`${e.event_type} does not belong in ${streamId}`);
    return assertAppendable(e, source);
  });
  const trace = activeTraceHeaders();
  const correlationId = options.correlationId ?? currentRequestScope()?.requestId ?? newId();
  const now = new Date().toISOString();
  const rows = events.map((e, i) => ({
    event_id: newEventId(),
    event_type: e.event_type,
    schema_version: versions[i],
    session_id: sessionId,
    occurred_at: e.occurred_at ?? now,
    source,
    correlation_id: correlationId,
    causation_id: options.causationId ?? null,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
    data: e.data,
  }));
  try {
    // Only what the database decided comes back: sending each event's data back and parsing it
    // again cost more than the insert.
    const stored = await query(
      'SELECT stream_version, recorded_at FROM append_events($1, $2, $3) ORDER BY stream_version',
      [streamId, expected === 'any' ? null : expected, JSON.stringify(rows)],
    );
    return rows.map((row, i) => ({
      ...row,
      stream_id: streamId,
      stream_version: stored[i].stream_version as number,
      recorded_at: new Date(stored[i].recorded_at as Date).toISOString(),
    }));
  } catch (err) {
    const e = err as { code?: string; detail?: string };
    if (e.code === VERSION_MISMATCH && expected !== 'any')
      throw new ConcurrencyError(streamId, expected, Number(e.detail));
    throw err;
  }
}
