import type { EventEnvelope } from '@hallmark/contracts';
import { SpanKind, activeTraceHeaders, contextFromHeaders, inSpan, type JsonLogger } from '@hallmark/telemetry';
import type { EventTransport, SubscribeOptions, Subscription } from './event-transport';
import { processRecord, type RawRecord } from './consume-pipeline';
import { envelopeHeaders } from './record-headers';
import { deadLettered } from './metrics';

interface Group {
  options: SubscribeOptions;
  stopping: boolean;
  /** Deliveries to one group run one after another, as a Kafka partition would deliver them. */
  queue: Promise<void>;
}

/**
 * The transport of the one-process deployment. `publish` resolves only after every subscribed
 * group has handled every event, so the outbox relay's checkpoint never passes an event a
 * consumer has not committed: a crash at any point means redelivery, never loss.
 */
export class InProcessTransport implements EventTransport {
  readonly kind = 'in-process' as const;
  private readonly groups = new Map<string, Group>();
  private readonly offsets = new Map<string, number>();
  /** Dead letters of this process, newest last, with why and where they failed. */
  readonly deadLetters: Array<RawRecord & { reason: string; groupId: string }> = [];

  constructor(private readonly logger: JsonLogger) {}

  async start(): Promise<void> {}

  async publish(topic: string, events: readonly EventEnvelope[]): Promise<void> {
    const records = await Promise.all(events.map((e) => this.toRecord(topic, e)));
    const groups = [...this.groups.values()].filter((g) => g.options.topics.includes(topic));
    await Promise.all(groups.map((g) => this.deliver(g, records)));
  }

  private async toRecord(topic: string, event: EventEnvelope): Promise<RawRecord> {
    return inSpan(
      `${topic} publish`,
      { kind: SpanKind.PRODUCER, parent: contextFromHeaders(event), attributes: { 'messaging.destination.name': topic, 'hallmark.event_type': event.event_type } },
      async () => {
        const offset = this.offsets.get(topic) ?? 0;
        this.offsets.set(topic, offset + 1);
        return {
          topic,
          partition: 0,
          offset: String(offset),
          key: event.session_id,
          value: JSON.stringify(event),
          headers: envelopeHeaders(event, activeTraceHeaders()),
        };
      },
    );
  }

  private deliver(group: Group, records: RawRecord[]): Promise<void> {
    const run = group.queue.then(async () => {
      for (const record of records) {
        await processRecord(record, {
          groupId: group.options.groupId,
          handler: group.options.handler,
          deadLetter: (r, reason, groupId) => this.deadLetter(r, reason, groupId),
          logger: this.logger,
          isStopping: () => group.stopping,
        });
      }
    });
    group.queue = run.catch(() => undefined);
    return run;
  }

  private async deadLetter(record: RawRecord, reason: Error, groupId: string): Promise<void> {
    this.deadLetters.push({ ...record, reason: reason.message, groupId });
    deadLettered.inc({ group: groupId, topic: record.topic });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.groups.has(options.groupId)) throw new Error(`group ${options.groupId} already subscribed in this process`);
    const group: Group = { options, stopping: false, queue: Promise.resolve() };
    this.groups.set(options.groupId, group);
    return {
      isReady: () => !group.stopping,
      close: async () => {
        group.stopping = true;
        await group.queue;
        this.groups.delete(options.groupId);
      },
    };
  }

  async isReachable(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => ((g.stopping = true), g.queue)));
    this.groups.clear();
  }
}
