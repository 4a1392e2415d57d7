import type { RawEventEnvelope } from '@hallmark/contracts';

/** Where a delivered event came from (the provenance a dead letter keeps). */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
  groupId: string;
}

export type EventHandler = (event: RawEventEnvelope, delivery: Delivery) => Promise<void>;

export interface DeliveredEvent {
  event: RawEventEnvelope;
  delivery: Delivery;
}

/**
 * Handles consecutive events of one partition (in their order) at once, e.g. in one transaction.
 * It must apply all of them or none: a failure retries the whole batch, and a PoisonEventError
 * makes the pipeline hand the events over again one per call, to dead-letter only the poison one.
 */
export type BatchHandler = (events: readonly DeliveredEvent[]) => Promise<void>;

/** A group handles events one by one (`handler`) or in batches (`batchHandler`). */
export type SubscribeOptions = {
  groupId: string;
  topics: readonly string[];
} & ({ handler: EventHandler } | { batchHandler: BatchHandler });

export interface Subscription {
  /** True once the consumer has joined its group and receives records. */
  isReady(): boolean;
  /** Stops fetching, finishes the record in hand, leaves the group. */
  close(): Promise<void>;
}

/**
 * What appending and consuming code relies on, whichever transport runs (Kafka or in-process):
 * per-session order (records keyed by session id), at-least-once delivery, and `publish` resolving
 * only once the events are durably accepted, so the outbox relay can advance its checkpoint.
 */
export interface EventTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Idempotent: the platform and the consumer server both call it, whichever comes first. */
  start(): Promise<void>;
  publish(topic: string, events: readonly RawEventEnvelope[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Reachability for /health/ready. */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Thrown by a handler for an event it can never process (bad content, not a passing failure):
 * the event goes to the dead-letter topic instead of being retried.
 */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}
