import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EventContractError } from '@hallmark/contracts';
import { JsonLogger, initTelemetry, shutdownTelemetry } from '@hallmark/telemetry';
import {
  ConsumerStoppingError,
  MAX_BATCH_RECORDS,
  batchHandlerOf,
  chunks,
  processRecords,
  type PipelineOptions,
  type RawRecord,
} from './consume-pipeline';
import { PoisonEventError, type DeliveredEvent } from './event-transport';
import { testEvent } from './test-support';

const quiet = new JsonLogger('test', 'error');
const traceId = (n: number) => n.toString(16).padStart(32, 'a');
const spanId = (n: number) => n.toString(16).padStart(16, 'b');

/** Record n of partition 0, its producer span named in its headers. */
const record = (n: number, value: string = JSON.stringify(testEvent(n))): RawRecord => ({
  topic: 'hallmark.test.events',
  partition: 0,
  offset: String(n),
  key: 's1',
  value,
  headers: { traceparent: `00-${traceId(n)}-${spanId(n)}-01` },
});

const numbers = (events: readonly DeliveredEvent[]) => events.map((e) => e.event.data.n);

function pipeline(handler: PipelineOptions['handler'], overrides: Partial<PipelineOptions> = {}) {
  const deadLetters: Array<{ offset: string; reason: string }> = [];
  const options: PipelineOptions = {
    groupId: 'hallmark.test',
    handler,
    deadLetter: async (r, reason) => void deadLetters.push({ offset: r.offset, reason: reason.message }),
    logger: quiet,
    isStopping: () => false,
    maxBackoffMs: 1,
    ...overrides,
  };
  return { options, deadLetters };
}

const parentOf = (s: ReadableSpan): string | undefined =>
  (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ??
  (s as unknown as { parentSpanId?: string }).parentSpanId;

describe('consume pipeline, batches', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
    initTelemetry({ serviceName: 'pipeline-test', exporter });
  });
  afterAll(() => shutdownTelemetry());
  beforeEach(() => exporter.reset());

  it('hands the valid records to one handler call, in order, and dead-letters the ones that are not events', async () => {
    const calls: unknown[][] = [];
    const { options, deadLetters } = pipeline(async (events) => void calls.push(numbers(events)));
    await processRecords([record(1), record(2, 'not json'), record(3), record(4)], options);
    expect(calls).toEqual([[1, 3, 4]]);
    expect(deadLetters).toEqual([{ offset: '2', reason: 'record value is not JSON' }]);
  });

  it('passes each event with where it came from', async () => {
    let received: readonly DeliveredEvent[] = [];
    const { options } = pipeline(async (events) => void (received = events));
    await processRecords([record(1), record(2)], options);
    expect(received.map((e) => e.delivery)).toEqual([
      { topic: 'hallmark.test.events', partition: 0, offset: '1', groupId: 'hallmark.test' },
      { topic: 'hallmark.test.events', partition: 0, offset: '2', groupId: 'hallmark.test' },
    ]);
    expect(received[0].event).toEqual(testEvent(1));
  });

  it('continues each producer trace in a consumer span of its own, ended once the batch is handled', async () => {
    let openDuringHandler = -1;
    const { options } = pipeline(async () => void (openDuringHandler = exporter.getFinishedSpans().length));
    await processRecords([record(1), record(2), record(3)], options);
    expect(openDuringHandler).toBe(0);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    spans.forEach((span, i) => {
      const n = i + 1;
      expect(span.name).toBe('hallmark.test.events process');
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(span.spanContext().traceId).toBe(traceId(n));
      expect(parentOf(span)).toBe(spanId(n));
      expect(span.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'hallmark.test.events',
        'messaging.consumer.group.name': 'hallmark.test',
        'hallmark.event_type': 'test_happened',
        'hallmark.event_id': testEvent(n).event_id,
      });
    });
  });

  it('runs the handler of a single record inside its span (logs carry its trace id)', async () => {
    let active: string | undefined;
    const { options } = pipeline(async () => void (active = trace.getActiveSpan()?.spanContext().traceId));
    await processRecords([record(7)], options);
    expect(active).toBe(traceId(7));
  });

  it('retries a failing batch as a whole, with backoff and heartbeats, until it passes', async () => {
    const calls: unknown[][] = [];
    const heartbeat = jest.fn(async () => undefined);
    const { options, deadLetters } = pipeline(
      async (events) => {
        calls.push(numbers(events));
        if (calls.length < 3) throw new Error('connection reset');
      },
      { heartbeat },
    );
    await processRecords([record(1), record(2)], options);
    expect(calls).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(heartbeat).toHaveBeenCalledTimes(2);
    expect(deadLetters).toEqual([]);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(6); // one per record per attempt
    expect(spans.map((s) => s.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.UNSET,
      SpanStatusCode.UNSET,
    ]);
  });

  it.each([
    ['PoisonEventError', () => new PoisonEventError('cannot apply 2')],
    ['EventContractError', () => new EventContractError('cannot apply 2')],
  ])(
    'isolates a poison event (%s): the batch again one event per call, only that one dead-lettered',
    async (_, poison) => {
      const calls: unknown[][] = [];
      const { options, deadLetters } = pipeline(async (events) => {
        calls.push(numbers(events));
        if (numbers(events).includes(2)) throw poison();
      });
      await processRecords([record(1), record(2), record(3)], options);
      expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
      expect(deadLetters).toEqual([{ offset: '2', reason: 'cannot apply 2' }]);
    },
  );

  it('stops retrying when the consumer stops, dead-lettering nothing: the records stay for redelivery', async () => {
    const { options, deadLetters } = pipeline(
      async () => {
        throw new Error('database down');
      },
      { isStopping: () => true },
    );
    await expect(processRecords([record(1), record(2, 'not json')], options)).rejects.toBeInstanceOf(
      ConsumerStoppingError,
    );
    expect(deadLetters).toEqual([]);
  });

  it('gives a per-event handler one event per call, and a batch handler up to MAX_BATCH_RECORDS', async () => {
    const seen: unknown[] = [];
    const perEvent = batchHandlerOf({
      groupId: 'g',
      topics: ['t'],
      handler: async (event) => void seen.push(event.data.n),
    });
    expect(perEvent.maxRecords).toBe(1);
    await perEvent.handler([
      { event: testEvent(1), delivery: { topic: 't', partition: 0, offset: '1', groupId: 'g' } },
    ]);
    expect(seen).toEqual([1]);
    const batchHandler = async () => undefined;
    expect(batchHandlerOf({ groupId: 'g', topics: ['t'], batchHandler })).toEqual({
      handler: batchHandler,
      maxRecords: MAX_BATCH_RECORDS,
    });
  });

  it('cuts records into consecutive chunks', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
  });
});
