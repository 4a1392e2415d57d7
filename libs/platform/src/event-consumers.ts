import { Catch, Inject, Injectable, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import {
  BaseRpcContext,
  EventPattern,
  NestMicroservice,
  Server,
  type CustomTransportStrategy,
  type MessageHandler,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom, throwError, type Observable } from 'rxjs';
import { eventDefinition, topicOf, type ServiceName } from '@hallmark/contracts';
import type { Delivery, EventTransport, SubscribeOptions, Subscription } from '@hallmark/messaging';
import { ReadinessRegistry } from './readiness';
import { EVENT_TRANSPORT } from './tokens';

/** What a consumer handler declares besides its pattern: the group it belongs to. */
export interface ConsumerGroupExtras {
  consumerGroup: string;
}

/**
 * The consumer group `hallmark.<service>[.<purpose>]`, as the extras of a handler's pattern:
 * `@EventPattern('tokens_revoked', consumerGroup('credential-service', 'revoked-access-tokens'))`.
 * A group keeps its own offsets, so each read model with its own purpose catches up on its own.
 */
export const consumerGroup = (service: ServiceName, purpose?: string): ConsumerGroupExtras => ({
  consumerGroup: `hallmark.${service}${purpose ? `.${purpose}` : ''}`,
});

/**
 * The batch equivalent of `@EventPattern`: the handler gets consecutive events of one partition of
 * these topics at once (`readonly DeliveredEvent[]`, up to MAX_BATCH_RECORDS), to apply them in
 * one transaction, all or none (see BatchHandler). Declared by topic, not event type: a batch is a
 * run of a partition's records, whatever their types. A batch handler is its group's only one.
 */
export const EventBatchPattern = (topics: readonly string[], group: ConsumerGroupExtras): MethodDecorator =>
  EventPattern<BatchPattern>({ topics: [...topics] }, { ...group, batch: true });

interface BatchPattern {
  topics: string[];
}

const isBatchPattern = (pattern: unknown): pattern is BatchPattern =>
  Array.isArray((pattern as BatchPattern | null)?.topics) &&
  (pattern as BatchPattern).topics.every((t) => typeof t === 'string');

/**
 * A handler's second argument (`@Ctx()`): where each event it was handed came from (the topic as
 * named on the cluster, with HALLMARK_KAFKA_NAMESPACE's prefix).
 */
export class ConsumerContext extends BaseRpcContext<[readonly Delivery[]]> {
  /** One per event: one for an `@EventPattern` handler, one per event of an `@EventBatchPattern` batch. */
  getDeliveries(): readonly Delivery[] {
    return this.args[0];
  }
}

/**
 * Hands a handler's failure to the consume pipeline as it was thrown, instead of Nest's generic
 * RPC error: the pipeline decides by the error (a PoisonEventError is dead-lettered, anything else
 * retried).
 */
@Catch()
export class ConsumerFailuresFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

interface ConsumerGroupPlan {
  groupId: string;
  topics: Set<string>;
  /** A batch group's one handler, for every record of its topics. */
  batchHandler?: MessageHandler;
  /** A per-event group's handler per event type. */
  handlers: Map<string, MessageHandler>;
  subscription?: Subscription;
}

const topicOfEventType = (eventType: string): string => {
  const definition = eventDefinition(eventType);
  if (!definition) throw new Error(`@EventPattern('${eventType}'): not an event type of the catalogue`);
  return topicOf(definition.producer);
};

/**
 * The consumers of a process as a Nest transport strategy: the `@EventPattern` and
 * `@EventBatchPattern` handlers Nest discovered on the controllers become consumer groups of the
 * process's EventTransport (Kafka or in-process), which runs them through the consume pipeline
 * (batches, per-partition order, retries, dead letters, consumer spans, lag). One subscription
 * per group: a group's handlers share its offsets and its per-partition order.
 */
@Injectable()
export class EventConsumerServer extends Server implements CustomTransportStrategy {
  private readonly groups = new Map<string, ConsumerGroupPlan>();

  constructor(
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    private readonly readiness: ReadinessRegistry,
  ) {
    super();
  }

  /** Called by Nest for every pattern handler of every controller, before `listen`. */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    const named = `${isEventHandler ? '@EventPattern' : '@MessagePattern'}(${JSON.stringify(pattern)})`;
    if (!isEventHandler) throw new Error(`${named}: consumers handle events; nothing here answers requests`);
    const groupId = extras.consumerGroup;
    if (typeof groupId !== 'string') throw new Error(`${named}: name its group with consumerGroup(service, purpose)`);
    const batch = extras.batch === true;
    if (batch ? !isBatchPattern(pattern) : typeof pattern !== 'string')
      throw new Error(`${named}: the pattern is an event type, or the topics of @EventBatchPattern`);
    const group = this.groupOf(groupId);
    if (group.batchHandler || (batch && group.handlers.size))
      throw new Error(`${named}: group ${groupId} has a handler already; a batch handler is its group's only one`);
    if (isBatchPattern(pattern)) {
      group.batchHandler = callback;
      for (const topic of pattern.topics) group.topics.add(topic);
    } else {
      const eventType = pattern as string;
      if (group.handlers.has(eventType)) throw new Error(`${named}: group ${groupId} has a handler for it already`);
      group.topics.add(topicOfEventType(eventType));
      group.handlers.set(eventType, callback);
    }
  }

  private groupOf(groupId: string): ConsumerGroupPlan {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { groupId, topics: new Set(), handlers: new Map() };
      this.groups.set(groupId, group);
      this.registerReadiness(group);
    }
    return group;
  }

  /**
   * A process that consumes waits for its broker and for each group to join before it is ready
   * (then an outage only degrades it: the outbox absorbs it); one that consumes nothing does not.
   */
  private registerReadiness(group: ConsumerGroupPlan): void {
    if (this.groups.size === 1)
      this.readiness.register('broker', () => this.transport.isReachable(), { degradeAfterReady: true });
    this.readiness.register(`consumer:${group.groupId}`, async () => group.subscription?.isReady() ?? false, {
      degradeAfterReady: true,
    });
  }

  /** Subscribes every group (`app.startAllMicroservices()`). */
  listen(callback: (err?: unknown) => void): void {
    this.subscribeAll().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  private async subscribeAll(): Promise<void> {
    if (!this.groups.size) return;
    await this.transport.start();
    for (const group of this.groups.values()) group.subscription = await this.transport.subscribe(this.options(group));
  }

  private options(group: ConsumerGroupPlan): SubscribeOptions {
    const { groupId, handlers, batchHandler } = group;
    const topics = [...group.topics];
    if (batchHandler)
      return {
        groupId,
        topics,
        batchHandler: (events) => invoke(batchHandler, events, new ConsumerContext([events.map((e) => e.delivery)])),
      };
    return {
      groupId,
      topics,
      handler: async (event, delivery) => {
        const handler = handlers.get(event.event_type);
        if (handler) await invoke(handler, event, new ConsumerContext([[delivery]]));
      },
    };
  }

  /** Leaves every group (`app.close()`, after the outbox relays flushed). */
  async close(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => g.subscription?.close()));
    for (const group of this.groups.values()) group.subscription = undefined;
  }

  on(): never {
    throw new Error('EventConsumerServer emits no events');
  }

  unwrap<T>(): T {
    return this.transport as T;
  }
}

/**
 * Nest's handler proxy resolves to what the handler returned, or to an Observable: the handler's
 * own, or the error ConsumerFailuresFilter rethrows. Either way the failure reaches the pipeline.
 */
async function invoke(handler: MessageHandler, payload: unknown, context: ConsumerContext): Promise<void> {
  const result: unknown = await handler(payload, context);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}

/**
 * Connects the process's consumers (EventConsumerServer) to the application as a Nest
 * microservice; `app.startAllMicroservices()` subscribes them.
 */
export function connectEventConsumers(app: INestApplication): void {
  const consumers = app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(EventConsumerServer) },
    // Deferred, so that the filter is in place before Nest binds the handlers to it.
    { deferInitialization: true },
  );
  consumers.useGlobalFilters(new ConsumerFailuresFilter());
  // It shares the application's container: the application runs the lifecycle hooks, once.
  (consumers as NestMicroservice).setIsInitHookCalled(true);
}
