import { CallHandler, ExecutionContext, Injectable, NestInterceptor, NestMiddleware } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'http';
import type { Observable } from 'rxjs';
import { newId } from '@hallmark/contracts';
import { contextFromHeaders, runInRequestScope, tracer } from '@hallmark/telemetry';

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * Runs first for every request, before guards: starts the server span (continuing an incoming
 * W3C traceparent), fixes the request id (x-request-id, else a new one, echoed back) and runs the
 * rest of the request inside both, so events appended while handling it carry the trace and
 * request ids, and even a request refused by a guard is traced.
 */
@Injectable()
export class HttpTracingMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const incoming = header(req, 'x-request-id');
    const requestId = incoming && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : newId();
    res.setHeader('x-request-id', requestId);
    const parent = contextFromHeaders({ traceparent: header(req, 'traceparent'), tracestate: header(req, 'tracestate') });
    const span = tracer().startSpan(`${req.method} ${(req.url ?? '').split('?')[0]}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method ?? '', 'hallmark.request_id': requestId },
    }, parent);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => runInRequestScope({ requestId }, next));
  }
}

/** Names the server span after the matched route template (`GET /offers/:offer_ref`), not the raw URL. */
@Injectable()
export class RouteNameInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const route = request.routeOptions?.url;
    const span = trace.getActiveSpan();
    if (route && span) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    return next.handle();
  }
}
