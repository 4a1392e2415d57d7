import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { newId } from '@hallmark/contracts';
import { contextFromHeaders, runInRequestScope, tracer } from '@hallmark/telemetry';

/**
 * Starts the server span of each request (continuing an incoming W3C traceparent) and the
 * request scope (x-request-id, else a new id), and runs the handler inside both, so events
 * appended by the handler carry the trace and request ids.
 */
@Injectable()
export class HttpTracingInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : newId();
    reply.header('x-request-id', requestId);
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    const parent = contextFromHeaders({
      traceparent: request.headers.traceparent as string | undefined,
      tracestate: request.headers.tracestate as string | undefined,
    });
    const span = tracer().startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'hallmark.request_id': requestId },
    }, parent);
    const spanContext = trace.setSpan(parent, span);
    return new Observable((subscriber) => {
      const sub = context.with(spanContext, () =>
        runInRequestScope({ requestId }, () =>
          next.handle().subscribe({
            next: (v) => subscriber.next(v),
            error: (err) => {
              const status = (err as { status?: number; getStatus?: () => number }).getStatus?.() ?? (err as { status?: number }).status ?? 500;
              span.setAttribute('http.response.status_code', status);
              if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
              span.end();
              subscriber.error(err);
            },
            complete: () => {
              span.setAttribute('http.response.status_code', reply.statusCode);
              span.end();
              subscriber.complete();
            },
          }),
        ),
      );
      return () => sub.unsubscribe();
    });
  }
}
