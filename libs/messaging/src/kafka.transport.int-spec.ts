import { DEAD_LETTER_TOPIC, type RawEventEnvelope } from '@hallmark/contracts';
import { JsonLogger } from '@hallmark/telemetry';
import { PoisonEventError, type BatchHandler, type DeliveredEvent } from './event-transport';
import { KafkaTransport } from './kafka.transport';
import { testEvent } from './test-support';

const quiet = new JsonLogger('test', 'error');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Batch consumers on a real broker: what they are handed, what they commit, what they leave. */
describe('Kafka transport, batch consumers (real broker)', () => {
  const topic = 'hallmark.test.events';
  let transport: KafkaTransport;

  beforeAll(async () => {
    transport = new KafkaTransport({
      brokers: process.env.KAFKA_BROKERS!.split(','),
      clientId: 'batch-test',
      topics: [topic],
      partitions: 2,
      namespace: `batch-${process.pid}-${Date.now()}`,
      logger: quiet,
    });
    await transport.start();
  });

  afterAll(() => transport.close());

  it("hands a partition's records over in batches, in order, dead-letters only the poison one and commits what it handled", async () => {
    // Published before the group joins, so that its first fetches hold many records.
    const events = Array.from({ length: 40 }, (_, i) =>
      testEvent(i + 1, `session-${i % 4}`, i === 17 ? { poison: true } : {}),
    );
    await transport.publish(topic, events);
    const handled: DeliveredEvent[] = [];
    const sizes: number[] = [];
    const batchHandler: BatchHandler = async (batch) => {
      if (batch.some((d) => d.event.data.poison)) throw new PoisonEventError('poison');
      sizes.push(batch.length);
      handled.push(...batch);
    };
    const deadLetters: RawEventEnvelope[] = [];
    const dlq = await transport.subscribe({
      groupId: 'dlq-reader',
      topics: [DEAD_LETTER_TOPIC],
      handler: async (e) => void deadLetters.push(e),
    });
    let group = await transport.subscribe({ groupId: 'batches', topics: [topic], batchHandler });
    try {
      await until('39 events handled and 1 dead-lettered', () => handled.length === 39 && deadLetters.length === 1);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
      expect(deadLetters[0].data.n).toBe(18);
      for (const session of ['session-0', 'session-1', 'session-2', 'session-3']) {
        const ns = handled.filter((d) => d.event.session_id === session).map((d) => d.event.data.n as number);
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
      await group.close();

      // Handled means committed: the group's next member gets only what was published since.
      handled.length = 0;
      await transport.publish(topic, [testEvent(41, 'session-1')]);
      group = await transport.subscribe({ groupId: 'batches', topics: [topic], batchHandler });
      await until('the new event handled', () => handled.length > 0);
      await sleep(1000);
      expect(handled.map((d) => d.event.data.n)).toEqual([41]);
    } finally {
      await group.close();
      await dlq.close();
    }
  }, 60_000);

  it('leaves a batch that still fails when the consumer stops to the next member of the group', async () => {
    const events = Array.from({ length: 5 }, (_, i) => testEvent(100 + i, 'session-stop'));
    await transport.publish(topic, events);
    let attempts = 0;
    const failing = await transport.subscribe({
      groupId: 'stopping',
      topics: [topic],
      batchHandler: async () => {
        attempts += 1;
        throw new Error('database down');
      },
    });
    await until('a retried batch', () => attempts >= 2);
    await failing.close();

    const handled: number[] = [];
    const next = await transport.subscribe({
      groupId: 'stopping',
      topics: [topic],
      batchHandler: async (b) => void handled.push(...b.map((d) => d.event.data.n as number)),
    });
    try {
      await until('the batch handled by the next member', () => handled.includes(104));
      expect(handled.filter((n) => n >= 100)).toEqual([100, 101, 102, 103, 104]);
    } finally {
      await next.close();
    }
  }, 60_000);
});
