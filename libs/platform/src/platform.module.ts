import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EVENT_TOPICS } from '@hallmark/contracts';
import { InProcessTransport, KafkaTransport, type EventTransport } from '@hallmark/messaging';
import { JsonLogger } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';
import { WireErrorFilter } from './error.filter';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ReadinessRegistry } from './readiness';
import { EventConsumerServer } from './event-consumers';
import { EVENT_TRANSPORT, ISSUER_CONFIG, LOGGER, PLATFORM_CONFIG } from './tokens';
import { loadIssuerConfig, type IssuerConfig } from '@hallmark/issuer-config';
import { AdminAuthGuard } from './admin-auth.guard';
import { useRedactionPolicy } from './request-context';

export interface PlatformOptions {
  /** Name of the process in logs and traces: a service name, or `hallmark` for the embedded process. */
  processName: string;
  config: PlatformConfig;
  /** Supplied by a host that shares one transport between modules (tests, the embedded process). */
  transport?: EventTransport;
  /** Defaults to the file named by HALLMARK_CONFIG (`config.issuerConfigPath`). */
  issuerConfig?: IssuerConfig;
}

export function createTransport(config: PlatformConfig, clientId: string, logger: JsonLogger): EventTransport {
  return config.transport === 'kafka'
    ? new KafkaTransport({
        brokers: config.kafkaBrokers,
        clientId,
        topics: EVENT_TOPICS,
        partitions: config.topicPartitions,
        replicationFactor: config.topicReplicationFactor,
        namespace: config.kafkaNamespace,
        logger,
      })
    : new InProcessTransport(logger);
}

@Injectable()
class TransportLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(EVENT_TRANSPORT) private readonly transport: EventTransport) {}

  /** Topics exist before the relays publish (the broker gates readiness only where a process consumes). */
  async onModuleInit(): Promise<void> {
    await this.transport.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/** What every Hallmark process has: configuration, logger, event transport, health, metrics, wire errors, tracing. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = new JsonLogger(options.processName, options.config.logLevel);
    useRedactionPolicy(options.config.redaction);
    const transport = options.transport ?? createTransport(options.config, options.processName, logger);
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: logger },
        { provide: JsonLogger, useValue: logger },
        { provide: EVENT_TRANSPORT, useValue: transport },
        { provide: ISSUER_CONFIG, useValue: options.issuerConfig ?? loadIssuerConfig(options.config.issuerConfigPath) },
        ReadinessRegistry,
        TransportLifecycle,
        EventConsumerServer,
        AdminAuthGuard,
        { provide: APP_FILTER, useFactory: () => new WireErrorFilter(logger) },
      ],
      exports: [PLATFORM_CONFIG, LOGGER, JsonLogger, EVENT_TRANSPORT, ISSUER_CONFIG, ReadinessRegistry, AdminAuthGuard],
    };
  }
}
