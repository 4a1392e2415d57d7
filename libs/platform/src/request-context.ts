import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '@hallmark/contracts';
import { DEFAULT_REDACTION_POLICY, redactRequest, type RedactionPolicy } from './redaction';

let activePolicy: RedactionPolicy = DEFAULT_REDACTION_POLICY;

/** Set once by PlatformModule from the process configuration, so every handler records by one policy. */
export function useRedactionPolicy(policy: RedactionPolicy): void {
  activePolicy = policy;
}

/**
 * What an event may say about the wallet request that caused it: method, route template, agent,
 * and the headers, query and body under the redaction policy (libs/platform/src/redaction.ts).
 * Every wallet-facing handler that records an event calls this, so each gets recording for free.
 */
export function requestContextOf(request: FastifyRequest, policy: RedactionPolicy = activePolicy): RequestContext {
  const ua = request.headers['user-agent'];
  const redacted = redactRequest(
    { headers: request.headers, query: request.query, body: request.body, ip: request.ip },
    policy,
  );
  return {
    method: request.method,
    path: (request.routeOptions?.url ?? request.url.split('?')[0]).replace(/:(\w+)/g, '{$1}'),
    ...(typeof ua === 'string' ? { user_agent: ua.slice(0, 512) } : {}),
    ...(redacted.client_ip ? { client_ip: redacted.client_ip } : {}),
    headers: redacted.headers,
    ...(redacted.query ? { query: redacted.query } : {}),
    ...(redacted.body !== undefined ? { body: redacted.body } : {}),
  };
}
