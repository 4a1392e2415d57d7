import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { randomBytes } from 'crypto';
import { AuditProjectorModule } from '@hallmark/audit-projector';
import { OfferServiceModule } from '@hallmark/offer-service';
import { PlatformModule, createHttpApp, readServiceConfig } from '@hallmark/platform';
import { initTelemetry, shutdownTelemetry } from '@hallmark/telemetry';
import { createDatabase } from '@hallmark/testing';
import { eventually, newTraceparent } from './support/http';

const parentOf = (s: ReadableSpan): string | undefined =>
  (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ??
  (s as unknown as { parentSpanId?: string }).parentSpanId;

/**
 * One trace from the HTTP request through the outbox, the Kafka record and the projector, with
 * the offer service and the projector on a real broker and a real Postgres, spans in memory.
 */
describe('trace context end to end', () => {
  const exporter = new InMemorySpanExporter();
  let app: NestFastifyApplication;
  const adminToken = randomBytes(12).toString('hex');

  beforeAll(async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    initTelemetry({ serviceName: 'trace-test', exporter });
    const config = readServiceConfig('offer-service', {
      ...process.env,
      DATABASE_URL: await createDatabase(process.env.DATABASE_URL!, 'hallmark_e2e_trace'),
      HALLMARK_TRANSPORT: 'kafka',
      HALLMARK_KAFKA_NAMESPACE: `trace-${randomBytes(4).toString('hex')}`,
      HALLMARK_MASTER_KEY: randomBytes(32).toString('base64'),
      HALLMARK_GRANT_KEY: randomBytes(32).toString('base64'),
      HALLMARK_INTERNAL_TOKEN: randomBytes(16).toString('hex'),
      HALLMARK_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'error',
    });
    @Module({
      imports: [
        PlatformModule.forRoot({ processName: 'trace-test', config }),
        OfferServiceModule,
        AuditProjectorModule,
      ],
    })
    class TraceTestApp {}
    app = await createHttpApp(TraceTestApp, 'trace-test');
    await app.startAllMicroservices();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }, 60000);

  afterAll(async () => {
    await app?.close();
    await shutdownTelemetry();
  });

  it('follows one trace id from the HTTP span through the produce span to the projector process span', async () => {
    const { traceparent, traceId } = newTraceparent();
    const fastify = app.getHttpAdapter().getInstance();
    const created = await fastify.inject({
      method: 'POST',
      url: '/admin/sessions',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', traceparent },
      payload: { credential_configuration_ids: ['age_verification_sd_jwt'] },
    });
    expect(created.statusCode).toBe(201);
    const sessionId = created.json().session_id;

    const timeline = await eventually(
      async () => {
        const r = await fastify.inject({
          method: 'GET',
          url: `/admin/sessions/${sessionId}`,
          headers: { authorization: `Bearer ${adminToken}` },
        });
        return r.statusCode === 200 && r.json().timeline.length === 2 && r.json().timeline;
      },
      20000,
      'projection',
    );
    expect(timeline.map((e: { trace_id: string }) => e.trace_id)).toEqual([traceId, traceId]);

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /admin/sessions')!;
    expect(server).toBeDefined();
    for (const type of ['session_created', 'offer_created']) {
      const produce = spans.find((s) => s.kind === SpanKind.PRODUCER && s.attributes['hallmark.event_type'] === type)!;
      expect(produce).toBeDefined();
      expect(parentOf(produce)).toBe(server.spanContext().spanId);
      const processSpan = await eventually(async () =>
        exporter
          .getFinishedSpans()
          .find(
            (s) =>
              s.kind === SpanKind.CONSUMER &&
              s.attributes['hallmark.event_type'] === type &&
              s.attributes['messaging.consumer.group.name'] === 'hallmark.audit-projector',
          ),
      );
      expect(processSpan.spanContext().traceId).toBe(traceId);
      expect(parentOf(processSpan)).toBe(produce.spanContext().spanId);
    }
  }, 60000);

  it('names the server span after the route template, never the URL with its offer reference', async () => {
    const fastify = app.getHttpAdapter().getInstance();
    const created = await fastify.inject({
      method: 'POST',
      url: '/admin/sessions',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      payload: { credential_configuration_ids: ['age_verification_sd_jwt'] },
    });
    const offerUri = new URL(created.json().credential_offer_uri);
    const { traceparent, traceId } = newTraceparent();
    const fetched = await fastify.inject({
      method: 'GET',
      url: offerUri.pathname,
      headers: { traceparent, 'x-request-id': 'req-trace-names' },
    });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.headers['x-request-id']).toBe('req-trace-names');
    const server = exporter
      .getFinishedSpans()
      .find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId)!;
    expect(server.name).toBe('GET /offers/:offer_ref');
    expect(server.attributes).toMatchObject({
      'http.route': '/offers/:offer_ref',
      'http.response.status_code': 200,
      'hallmark.request_id': 'req-trace-names',
    });
  });
});
