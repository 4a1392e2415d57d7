import { activeTraceHeaders } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';

/**
 * A service-to-service call to the offer service's internal API (never routed by the gateway):
 * the internal token, the active trace context, a JSON body and a bounded wait.
 */
export function callOfferService(config: PlatformConfig, path: string, body?: unknown): Promise<Response> {
  const trace = activeTraceHeaders();
  return fetch(`${config.offerServiceUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.internalToken ?? ''}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
      ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5000),
  });
}
