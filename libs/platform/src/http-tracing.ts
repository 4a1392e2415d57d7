import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { IncomingMessage } from 'http';
import { newId } from '@hallmark/contracts';
import { contextFromHeaders, runInRequestScope, tracer } from '@hallmark/telemetry';

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Runs first for every request, before guards: starts the server span (continuing an incoming
 * W3C traceparent) named after the matched route template (`GET /offers/:offer_ref`, never the
 * raw URL with its secrets), fixes the request id (x-request-id, else a new one, echoed back)
 * and runs the rest of the request inside both, so events appended while handling it carry the
 * trace and request ids, and even a request refused by a guard is traced.
 *
 * A Fastify hook rather than a Nest middleware and interceptor: those put every request through
 * an Express-style middleware layer and an rxjs pipeline, for nothing else.
 */
export function traceRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const req = request.raw;
    const incoming = header(req, 'x-request-id');
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : newId();
    reply.header('x-request-id', requestId);
    const route = request.routeOptions?.url;
    const parent = contextFromHeaders({
      traceparent: header(req, 'traceparent'),
      tracestate: header(req, 'tracestate'),
    });
    const span = tracer().startSpan(
      `${request.method} ${route ?? (req.url ?? '').split('?')[0]}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'hallmark.request_id': requestId,
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    reply.raw.once('close', () => {
      span.setAttribute('http.response.status_code', reply.raw.statusCode);
      if (reply.raw.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => runInRequestScope({ requestId }, done));
  });
}
