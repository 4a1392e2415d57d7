import type { RawEventEnvelope } from '@hallmark/contracts';
import { SpanKind, activeTraceHeaders, contextFromHeaders, inSpan, type JsonLogger } from '@hallmark/telemetry';
import type { EventTransport, SubscribeOptions, Subscription } from './event-transport';
import { batchHandlerOf, chunks, processRecords, type RawRecord } from './consume-pipeline';
import { envelopeHeaders } from './record-headers';
import { deadLettered } from './metrics';

interface Group {
  options: SubscribeOptions;
  stopping: boolean;
  /**
   * One queue per lane: a session's records always take the same lane and run one after another
   * there, as a Kafka partition delivers them; lanes run side by side, as partitions do.
   */
  lanes: Promise<void>[];
}

/** Lanes per group: as many as the topics' default partition count in the Kafka deployment. */
export const IN_PROCESS_LANES = 6;

/** The lane of a record: a stable hash of its key (the session id), like Kafka's partitioner. */
function laneOf(key: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return (h >>> 0) % lanes;
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

  constructor(
    private readonly logger: JsonLogger,
    private readonly laneCount = IN_PROCESS_LANES,
  ) {}

  async start(): Promise<void> {}

  async publish(topic: string, events: readonly RawEventEnvelope[]): Promise<void> {
    const records = await Promise.all(events.map((e) => this.toRecord(topic, e)));
    const groups = [...this.groups.values()].filter((g) => g.options.topics.includes(topic));
    await Promise.all(groups.map((g) => this.deliver(g, records)));
  }

  private async toRecord(topic: string, event: RawEventEnvelope): Promise<RawRecord> {
    return inSpan(
      `${topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        parent: contextFromHeaders(event),
        attributes: { 'messaging.destination.name': topic, 'hallmark.event_type': event.event_type },
      },
      async () => {
        const offset = this.offsets.get(topic) ?? 0;
        this.offsets.set(topic, offset + 1);
        return {
          topic,
          partition: laneOf(event.session_id, this.laneCount),
          offset: String(offset),
          key: event.session_id,
          value: JSON.stringify(event),
          headers: envelopeHeaders(event, activeTraceHeaders()),
        };
      },
    );
  }

  private deliver(group: Group, records: RawRecord[]): Promise<void> {
    const byLane = new Map<number, RawRecord[]>();
    for (const record of records) {
      const lane = byLane.get(record.partition);
      if (lane) lane.push(record);
      else byLane.set(record.partition, [record]);
    }
    return Promise.all([...byLane].map(([lane, laneRecords]) => this.deliverInLane(group, lane, laneRecords))).then(
      () => undefined,
    );
  }

  /** The lane's records in order: one per handler call, or as batches when the group takes them. */
  private deliverInLane(group: Group, lane: number, records: RawRecord[]): Promise<void> {
    const { handler, maxRecords } = batchHandlerOf(group.options);
    const run = group.lanes[lane].then(async () => {
      for (const batch of chunks(records, maxRecords)) {
        await processRecords(batch, {
          groupId: group.options.groupId,
          handler,
          deadLetter: (r, reason, groupId) => this.deadLetter(r, reason, groupId),
          logger: this.logger,
          isStopping: () => group.stopping,
        });
      }
    });
    group.lanes[lane] = run.catch(() => undefined);
    return run;
  }

  private async deadLetter(record: RawRecord, reason: Error, groupId: string): Promise<void> {
    this.deadLetters.push({ ...record, reason: reason.message, groupId });
    deadLettered.inc({ group: groupId, topic: record.topic });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.groups.has(options.groupId))
      throw new Error(`group ${options.groupId} already subscribed in this process`);
    const group: Group = {
      options,
      stopping: false,
      lanes: Array.from({ length: this.laneCount }, () => Promise.resolve()),
    };
    this.groups.set(options.groupId, group);
    return {
      isReady: () => !group.stopping,
      close: async () => {
        group.stopping = true;
        await Promise.all(group.lanes);
        this.groups.delete(options.groupId);
      },
    };
  }

  async isReachable(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].flatMap((g) => ((g.stopping = true), g.lanes)));
    this.groups.clear();
  }
}
