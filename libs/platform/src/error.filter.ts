import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { JsonLogger } from '@hallmark/telemetry';
import { OAuthError, ProblemError } from './errors';

const isAdminPath = (url: string): boolean => url.startsWith('/admin');

/**
 * One place that turns exceptions into wire errors: problem+json on the admin API, OAuth-style
 * JSON for wallets. Unexpected errors are logged with their name only and answered as 500.
 */
@Catch()
export class WireErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const admin = isAdminPath(request.url);

    if (exception instanceof ProblemError) {
      this.sendProblem(reply, exception.status, exception.title, exception.detail, exception.errors, exception.type);
      return;
    }
    if (exception instanceof OAuthError) {
      reply.status(exception.status).headers({ 'cache-control': 'no-store', ...exception.headers });
      reply.send({
        error: exception.error,
        ...(exception.description ? { error_description: exception.description } : {}),
      });
      return;
    }
    const status = exception instanceof HttpException ? exception.getStatus() : statusOf(exception);
    if (status >= 500)
      this.logger.error('unhandled error', { error: exception as Error, path: request.routeOptions?.url });
    const message = status >= 500 ? 'internal error' : messageOf(exception);
    if (admin) {
      this.sendProblem(reply, status, titleFor(status), message);
    } else {
      reply.status(status).header('cache-control', 'no-store');
      reply.send({
        error: status === 404 ? 'not_found' : status >= 500 ? 'server_error' : badRequestCodeFor(request.url),
        error_description: message,
      });
    }
  }

  private sendProblem(
    reply: FastifyReply,
    status: number,
    title: string,
    detail?: string,
    errors: unknown[] = [],
    type = 'about:blank',
  ): void {
    reply.status(status).header('content-type', 'application/problem+json');
    reply.send({ type, title, status, ...(detail ? { detail } : {}), ...(errors.length ? { errors } : {}) });
  }
}

/** Endpoints whose spec names its own code for a malformed request (OID4VCI 1.0 Section 8.3.1.2). */
const badRequestCodeFor = (url: string): string =>
  /^\/credential(\?|$)/.test(url) ? 'invalid_credential_request' : 'invalid_request';

/** Fastify's own errors (malformed JSON, body too large, wrong content type) carry a statusCode. */
const statusOf = (e: unknown): number => {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
};

const messageOf = (e: unknown): string => {
  if (e instanceof HttpException) {
    const body = e.getResponse();
    if (typeof body === 'string') return body;
    const m = (body as { message?: unknown }).message;
    return Array.isArray(m) ? m.join('; ') : String(m ?? e.message);
  }
  const code = (e as { code?: string })?.code;
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) return 'request body is not valid JSON';
  return (e as Error)?.message ?? 'error';
};

const titleFor = (status: number): string =>
  ({
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
  })[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
