import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource, MigrationInterface } from 'typeorm';
import { topicOf, type ServiceName } from '@hallmark/contracts';
import { EVENT_STORE_MIGRATIONS, EventStore, OutboxRelay, openDatabase } from '@hallmark/event-store';
import type { BatchHandler, EventHandler, EventTransport, SubscribeOptions, Subscription } from '@hallmark/messaging';
import { JsonLogger } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';
import { ReadinessRegistry } from './readiness';
import { EVENT_TRANSPORT, PLATFORM_CONFIG, SERVICE_DATA_SOURCE } from './tokens';

export interface ServiceStoreOptions {
  service: ServiceName;
  /** The service's own Postgres schema. */
  schema: string;
  /** The service's migrations for its read models and other tables (the event store's come first). */
  migrations: Array<new () => MigrationInterface>;
  /** Whether this service publishes its events (the audit projector only consumes). */
  publishes: boolean;
}

const SERVICE_STORE_OPTIONS = Symbol('SERVICE_STORE_OPTIONS');

/** The service's relay, or none for a service that only consumes. */
@Injectable()
export class OutboxRelayHolder {
  constructor(readonly relay: OutboxRelay | undefined) {}
}

/** Subscribes the service's consumer group and closes it on shutdown. */
@Injectable()
export class EventConsumers implements BeforeApplicationShutdown {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(SERVICE_STORE_OPTIONS) private readonly options: ServiceStoreOptions,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** Group id `hallmark.<service>[.<purpose>]`: one per read model keeps their offsets apart. */
  subscribe(topics: readonly string[], handler: EventHandler, purpose?: string): Promise<void> {
    return this.join({ groupId: this.groupId(purpose), topics, handler });
  }

  /** As `subscribe`, for a read model that applies consecutive events of a partition at once. */
  subscribeBatches(topics: readonly string[], batchHandler: BatchHandler, purpose?: string): Promise<void> {
    return this.join({ groupId: this.groupId(purpose), topics, batchHandler });
  }

  private groupId(purpose: string | undefined): string {
    return `hallmark.${this.options.service}${purpose ? `.${purpose}` : ''}`;
  }

  private async join(options: SubscribeOptions): Promise<void> {
    const { groupId } = options;
    const subscription = await this.transport.subscribe(options);
    this.subscriptions.push(subscription);
    this.readiness.register(`consumer:${groupId}`, async () => subscription.isReady(), { degradeAfterReady: true });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.subscriptions.map((s) => s.close()));
  }
}

@Injectable()
class ServiceStoreLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_STORE_OPTIONS) private readonly options: ServiceStoreOptions,
    @Inject(SERVICE_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly relay: OutboxRelayHolder,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.readiness.register(`database:${options.schema}`, async () => (await this.dataSource.query('SELECT 1'), true));
  }

  /** Relays start after every module subscribed, so an in-process publish reaches all consumers. */
  onApplicationBootstrap(): void {
    this.relay.relay?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.relay?.stop({ flushTimeoutMs: 5000 });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** A service's own database schema, event store, outbox relay and consumer group. */
@Module({})
export class ServiceStoreModule {
  static forService(options: ServiceStoreOptions): DynamicModule {
    return {
      module: ServiceStoreModule,
      providers: [
        { provide: SERVICE_STORE_OPTIONS, useValue: options },
        {
          provide: SERVICE_DATA_SOURCE,
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig) =>
            openDatabase({
              url: config.databaseUrl,
              preparedStatements: config.preparedStatements,
              schema: options.schema,
              migrations: [...EVENT_STORE_MIGRATIONS, ...options.migrations],
            }),
        },
        {
          provide: EventStore,
          inject: [SERVICE_DATA_SOURCE],
          useFactory: (ds: DataSource) => new EventStore(ds, options.service),
        },
        {
          provide: OutboxRelayHolder,
          inject: [EventStore, EVENT_TRANSPORT, PLATFORM_CONFIG, JsonLogger],
          useFactory: (store: EventStore, transport: EventTransport, config: PlatformConfig, logger: JsonLogger) =>
            new OutboxRelayHolder(
              options.publishes
                ? new OutboxRelay({
                    store,
                    transport,
                    topic: topicOf(options.service),
                    databaseUrl: config.databaseUrl,
                    logger: logger.child(options.service),
                  })
                : undefined,
            ),
        },
        EventConsumers,
        ServiceStoreLifecycle,
      ],
      exports: [SERVICE_DATA_SOURCE, EventStore, EventConsumers, OutboxRelayHolder],
    };
  }
}
