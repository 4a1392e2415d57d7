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
import type { EventTransport } from '@hallmark/messaging';
import { JsonLogger } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';
import { ReadinessRegistry } from './readiness';
import { RefusalRecorder } from './refusal-recorder';
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

  /**
   * Relays start in the bootstrap hook, after `startAllMicroservices()` subscribed every consumer
   * group (see `serve`), so an in-process publish reaches all of them.
   */
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

/**
 * A service's own database schema, event store and outbox relay. Its consumers are handlers on its
 * controllers (`@EventPattern`, `@EventBatchPattern`), subscribed by EventConsumerServer.
 */
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
        RefusalRecorder,
        ServiceStoreLifecycle,
      ],
      exports: [SERVICE_DATA_SOURCE, EventStore, OutboxRelayHolder, RefusalRecorder],
    };
  }
}
