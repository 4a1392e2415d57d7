import {
  context,
  propagation,
  trace,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanExporter,
  type SpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let provider: NodeTracerProvider | undefined;

export interface TelemetryOptions {
  serviceName: string;
  /** Extra exporter, e.g. an InMemorySpanExporter in tests; spans go to it synchronously. */
  exporter?: SpanExporter;
}

/**
 * Registers the tracer provider once per process (the embedded process hosts four services).
 * Spans are exported over OTLP only when the standard OTEL_* variables ask for it.
 */
export function initTelemetry(options: TelemetryOptions): NodeTracerProvider {
  if (provider) return provider;
  const processors: SpanProcessor[] = [];
  if (options.exporter) processors.push(new SimpleSpanProcessor(options.exporter));
  if (otlpRequested()) {
    // Loaded lazily: the exporter pulls in the OTLP transformer, which a default run never needs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: process.env.OTEL_SERVICE_NAME ?? options.serviceName }),
    spanProcessors: processors,
  });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });
  return provider;
}

export async function shutdownTelemetry(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

const otlpRequested = (): boolean =>
  process.env.OTEL_TRACES_EXPORTER === 'otlp' ||
  (!!(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) &&
    process.env.OTEL_TRACES_EXPORTER !== 'none');

export const tracer = (): Tracer => trace.getTracer('hallmark');

export interface TraceHeaders {
  traceparent: string | null;
  tracestate: string | null;
}

/** The W3C trace context of the active span, as stored with each appended event. */
export function activeTraceHeaders(ctx: Context = context.active()): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return { traceparent: carrier.traceparent ?? null, tracestate: carrier.tracestate ?? null };
}

/** The context a stored or received traceparent describes (the root context when there is none). */
export function contextFromHeaders(headers: { traceparent?: string | null; tracestate?: string | null }): Context {
  const carrier: Record<string, string> = {};
  if (headers.traceparent) carrier.traceparent = headers.traceparent;
  if (headers.tracestate) carrier.tracestate = headers.tracestate;
  return propagation.extract(context.active(), carrier);
}

/** `00-<trace id>-<span id>-<flags>` -> trace id. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return m ? m[1] : null;
}

export interface SpanSpec {
  name: string;
  kind: SpanKind;
  parent?: Context;
  attributes?: Record<string, string | number | boolean>;
}

/** Runs `fn` inside a new span, ending it (with error status on throw) when `fn` settles. */
export function inSpan<T>(name: string, options: Omit<SpanSpec, 'name'>, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpans([{ name, ...options }], ([span]) => fn(span));
}

/**
 * Runs `fn` once for several spans (one per record of a batch, each with its own parent), ending
 * them all, with error status on throw, when `fn` settles. A batch has no single parent, so `fn`
 * runs in the span's context only when there is exactly one.
 */
export async function inSpans<T>(specs: readonly SpanSpec[], fn: (spans: Span[]) => Promise<T>): Promise<T> {
  const active = context.active();
  const spans = specs.map((s) =>
    tracer().startSpan(s.name, { kind: s.kind, attributes: s.attributes }, s.parent ?? active),
  );
  const ctx = spans.length === 1 ? trace.setSpan(specs[0].parent ?? active, spans[0]) : active;
  try {
    return await context.with(ctx, () => fn(spans));
  } catch (err) {
    for (const span of spans) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    }
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}

export { SpanKind };
