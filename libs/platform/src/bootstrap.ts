import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, initTelemetry } from '@hallmark/telemetry';
import { readPlatformConfig } from './config';

/** Nest's own messages (module init, routes) go through the same JSON logger. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: JsonLogger) {}
  log(message: unknown, context?: string): void {
    this.logger.debug(String(message), { context });
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(String(message), { context });
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(String(message), { context });
  }
}

export interface ServeOptions {
  processName: string;
  port: number;
  host?: string;
  /** Runs after the application closed, before the process exits (e.g. stop an embedded database). */
  afterClose?: () => Promise<void>;
}

/** Creates the Nest application on Fastify (the platform's HTTP adapter everywhere). */
export async function createHttpApp(rootModule: Parameters<typeof NestFactory.create>[0], processName: string): Promise<NestFastifyApplication> {
  initTelemetry({ serviceName: processName });
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({ bodyLimit: 256 * 1024, trustProxy: readPlatformConfig().trustProxyHops || false }),
    { logger: new NestJsonLogger(new JsonLogger(processName)), bufferLogs: false },
  );
  return app;
}

/**
 * Starts a service and shuts it down gracefully on SIGTERM/SIGINT: stop accepting and finish
 * in-flight requests, flush the outbox relay, leave consumer groups, close the database.
 */
export async function serve(rootModule: Parameters<typeof NestFactory.create>[0], options: ServeOptions): Promise<INestApplication> {
  const logger = new JsonLogger(options.processName);
  const app = await createHttpApp(rootModule, options.processName);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  logger.info('listening', { port: options.port });
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 20000);
    force.unref();
    try {
      await app.close();
      await options.afterClose?.();
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { error: err as Error });
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return app;
}
