import { JsonLogger } from '@hallmark/telemetry';
import { PoisonEventError, type DeliveredEvent } from './event-transport';
import { InProcessTransport } from './in-process.transport';
import { testEvent } from './test-support';

const quiet = new JsonLogger('test', 'error');

/** 12 events over 4 sessions, interleaved as a relay batch would carry them. */
const events = Array.from({ length: 12 }, (_, i) => testEvent(i + 1, `session-${i % 4}`));

describe('in-process transport', () => {
  it('hands a batch group each lane of a publish as one batch, in order', async () => {
    const transport = new InProcessTransport(quiet, 3);
    const batches: DeliveredEvent[][] = [];
    await transport.subscribe({
      groupId: 'batches',
      topics: ['t'],
      batchHandler: async (b) => void batches.push([...b]),
    });
    await transport.publish('t', events);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThanOrEqual(3);
    for (const batch of batches) {
      expect(new Set(batch.map((e) => e.delivery.partition)).size).toBe(1);
      const offsets = batch.map((e) => Number(e.delivery.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(
      batches
        .flat()
        .map((e) => e.event.event_id)
        .sort(),
    ).toEqual(events.map((e) => e.event_id).sort());
  });

  it('keeps handing a per-event group one event per call', async () => {
    const transport = new InProcessTransport(quiet, 3);
    const seen: string[] = [];
    await transport.subscribe({
      groupId: 'one-by-one',
      topics: ['t'],
      handler: async (e) => void seen.push(e.event_id),
    });
    await transport.publish('t', events);
    expect(seen.sort()).toEqual(events.map((e) => e.event_id).sort());
  });

  it('dead-letters only the poison event of a refused batch; the rest of its lane is handled', async () => {
    const transport = new InProcessTransport(quiet, 1);
    const handled: number[] = [];
    await transport.subscribe({
      groupId: 'poison',
      topics: ['t'],
      batchHandler: async (batch) => {
        if (batch.some((d) => d.event.data.n === 5)) throw new PoisonEventError('five is poison');
        handled.push(...batch.map((d) => d.event.data.n as number));
      },
    });
    await transport.publish('t', events);
    expect(handled).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
    expect(transport.deadLetters.map((d) => [d.offset, d.reason, d.groupId])).toEqual([
      ['4', 'five is poison', 'poison'],
    ]);
  });
});
