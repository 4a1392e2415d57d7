import type { INestApplication, LoggerService } from '@nestjs/common';
import { parse as parseForm } from 'querystring';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, initTelemetry } from '@hallmark/telemetry';
import { ConfigError, exitOnConfigError } from './config';
import { UnparsableBody } from './unparsable-body';
import { traceRequests } from './http-tracing';
import { connectEventConsumers } from './event-consumers';

const BODY_LIMIT = 256 * 1024;

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
  /** HALLMARK_TRUST_PROXY: proxy hops trusted to set X-Forwarded-For (0: none). */
  trustProxyHops?: number;
  /** Runs after the application closed, before the process exits (e.g. stop an embedded database). */
  afterClose?: () => Promise<void>;
}

/**
 * Creates the Nest application on Fastify (the platform's HTTP adapter everywhere), its consumers
 * connected: `app.startAllMicroservices()` before `app.listen()` or `app.init()` subscribes them.
 */
export async function createHttpApp(
  rootModule: Parameters<typeof NestFactory.create>[0],
  processName: string,
  options: { trustProxyHops?: number } = {},
): Promise<NestFastifyApplication> {
  initTelemetry({ serviceName: processName });
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    new FastifyAdapter({ bodyLimit: BODY_LIMIT, trustProxy: options.trustProxyHops || false }),
    // abortOnError false: a failure while the modules start rejects here, so serve() can say what failed.
    { logger: new NestJsonLogger(new JsonLogger(processName)), bufferLogs: false, abortOnError: false },
  );
  traceRequests(app.getHttpAdapter().getInstance());
  connectEventConsumers(app);
  // A wallet's malformed JSON reaches its handler as an UnparsableBody, so the refusal is explained
  // and recorded like any other (on the session's timeline when the access token names one); the
  // admin API keeps Fastify's plain 400.
  const jsonParser = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT }, (req, body, done) =>
    jsonParser(req as Parameters<typeof jsonParser>[0], body.toString('utf8'), (err, value) => {
      const status = (err as { statusCode?: number } | null)?.statusCode;
      if (err && status === 400 && !(req.url ?? '').startsWith('/admin')) done(null, UnparsableBody.from(body, err));
      else done(err, value);
    }),
  );
  // Declaring a parser replaces Nest's defaults, so forms are declared too (repeated names become arrays).
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT }, (_req, body, done) =>
    done(null, { ...parseForm(body.toString()) }),
  );
  // An encrypted credential request (OID4VCI 1.0 Section 10) is a compact JWE: its handler decrypts the text.
  app.useBodyParser('application/jwt', { bodyLimit: BODY_LIMIT }, (_req, body, done) =>
    done(null, body.toString('utf8')),
  );
  // Any other media type (text/plain, application/xml) reaches the
  // handler without a body, instead of Fastify's own 415: the endpoint refuses it in its wire
  // format, with a catalogue reason, and records it.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, _body, done) =>
      done(null, undefined),
    );
  return app;
}

/**
 * Starts a service and shuts it down gracefully on SIGTERM/SIGINT: stop accepting and finish
 * in-flight requests, flush the outbox relay, leave consumer groups, close the database.
 */
export async function serve(
  rootModule: Parameters<typeof NestFactory.create>[0],
  options: ServeOptions,
): Promise<INestApplication> {
  const logger = new JsonLogger(options.processName);
  let app: NestFastifyApplication;
  try {
    app = await createHttpApp(rootModule, options.processName, { trustProxyHops: options.trustProxyHops });
  } catch (err) {
    // A setting only a module can check (e.g. a secret the issuer configuration calls for) fails as the others do.
    if (err instanceof ConfigError) exitOnConfigError(err);
    logger.error('failed to start', { error: err as Error });
    process.exit(1);
  }
  // Before listen runs the lifecycle hooks: every group subscribes before an outbox relay starts,
  // so that an in-process publish reaches them all.
  await app.startAllMicroservices();
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
