import type { RawEventEnvelope } from '@hallmark/contracts';

/** Envelope fields repeated as Kafka headers, so routers and tools can read them without parsing the value. */
export const HEADER_FIELDS = [
  'event_id',
  'event_type',
  'schema_version',
  'stream_id',
  'stream_version',
  'session_id',
  'source',
  'correlation_id',
] as const;

export function envelopeHeaders(
  event: RawEventEnvelope,
  trace: { traceparent: string | null; tracestate: string | null },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const f of HEADER_FIELDS) headers[f] = String(event[f]);
  if (event.causation_id) headers.causation_id = event.causation_id;
  if (trace.traceparent) headers.traceparent = trace.traceparent;
  if (trace.tracestate) headers.tracestate = trace.tracestate;
  return headers;
}

export function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length ? String(v[0]) : undefined;
  return Buffer.isBuffer(v) ? v.toString() : String(v);
}
