// Test helpers for this library's specs (not exported from the index).
import type { RawEventEnvelope } from '@hallmark/contracts';

/** Event n of a session, of a type the catalog does not know (it passes validation unchanged). */
export const testEvent = (n: number, session = 's1', data: Record<string, unknown> = {}): RawEventEnvelope => ({
  event_id: `0192f3a0-7c2e-7b1a-9a4e-${String(n).padStart(12, '0')}`,
  event_type: 'test_happened',
  schema_version: 1,
  stream_id: `test:${session}`,
  stream_version: n,
  session_id: session,
  occurred_at: '2026-10-01T09:00:00.000Z',
  recorded_at: '2026-10-01T09:00:00.001Z',
  source: 'offer-service',
  correlation_id: `req-${n}`,
  causation_id: null,
  traceparent: null,
  tracestate: null,
  data: { n, ...data },
});
